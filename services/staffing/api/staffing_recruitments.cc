// StaffingService: the recruitments, R0 to R12 with the Caf at each step (research §4.3).
#include <utility>

#include "services/staffing/api/staffing_service.h"

namespace ctg::staffing_api {
namespace {

using api::Fail;
using platform::Permission;

// The recruitment decider of `command` for the caller.
template <typename Cmd>
std::function<platform::Decider<RecruitmentAggregate>(const api::Granted&)> RecruitmentDecider(
    StaffingModule& module, Cmd command, DeciderOptions<Cmd> options = {}) {
  return MakeDecider<RecruitmentAggregate>(
      std::move(command), [&module] { return module.RecruitmentLookups(); }, std::move(options));
}

// One step of an existing recruitment.
template <typename Cmd>
Command<RecruitmentAggregate> Step(StaffingModule& module, const google::protobuf::Message* request,
                                   Permission permission, const std::string& etag,
                                   const std::string& request_id, Cmd command,
                                   DeciderOptions<Cmd> options = {}) {
  Command<RecruitmentAggregate> run;
  run.request = request;
  run.permission = permission;
  run.etag = etag;
  run.request_id = request_id;
  run.decider = RecruitmentDecider(module, std::move(command), std::move(options));
  return run;
}

std::optional<google::type::Date> OptionalDate(bool has, const google::type::Date& date) {
  if (!has) return std::nullopt;
  return date;
}

}  // namespace

grpc::ServerUnaryReactor* StaffingServiceImpl::OpenRecruitment(
    grpc::CallbackServerContext* call, const v1::OpenRecruitmentRequest* request,
    v1::Recruitment* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = api::CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  if (!request->has_recruitment()) {
    return Fail(reactor, platform::InvalidField("recruitment", "required"));
  }
  const v1::Recruitment& recruitment = request->recruitment();
  // The policy needs the post's CTG and employer.
  absl::StatusOr<std::string> post_id =
      staffing::ParsePostName(recruitment.post(), "recruitment.post");
  if (!post_id.ok()) return Fail(reactor, post_id.status());
  auto post = module_.posts().Get(staffing::PostStream(*post_id));
  const absl::Status post_not_found = NotFound(staffing::PostName(*post_id));
  if (!post.state.exists) return Fail(reactor, post_not_found);
  const std::string recruitment_id =
      request->recruitment_id().empty()
          ? absl::StrCat("recruitment-",
                         platform::IdFromRequest("recruitment", platform::RequestScope(*principal),
                                                 request->request_id(), 6))
          : request->recruitment_id();
  if (absl::Status s = staffing::ValidateId(recruitment_id, "recruitment_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  staffing::OpenRecruitment command;
  command.recruitment_id = recruitment_id;
  command.post = staffing::PostName(*post_id);
  command.motif = recruitment.motif();
  command.date = request->date();
  Command<RecruitmentAggregate> run =
      Step(module_, request, Permission::kActAsEmployer, /*etag=*/"", request->request_id(),
           std::move(command),
           DeciderOptions<staffing::OpenRecruitment>{.rename = [](absl::string_view field) {
             return field == "post" || field == "motif" ? absl::StrCat("recruitment.", field)
                                                        : std::string(field);
           }});
  const Target target = TargetOf(staffing::RecruitmentStream(recruitment_id), post.state.ctg,
                                 post.state.employer, post_not_found);
  RefuseHiddenExisting(module_, *principal, recruitment_id, run);
  return Execute<RecruitmentAggregate>(call, *std::move(principal), target, std::move(run),
                                       response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetRecruitment(
    grpc::CallbackServerContext* call, const v1::GetRecruitmentRequest* request,
    v1::Recruitment* response) {
  return Calls<RecruitmentAggregate>().GetAs(
      call, *request, request->name(), Permission::kReadCtg, response,
      [](const platform::Repository<RecruitmentAggregate>::Snapshot& snapshot) {
        return ToRecruitment(snapshot.state, snapshot.revision);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListRecruitments(
    grpc::CallbackServerContext* call, const v1::ListRecruitmentsRequest* request,
    v1::ListRecruitmentsResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = api::CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<int> page_size =
      api::PageSize(request->page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  std::string post;
  if (!request->post().empty()) {
    absl::StatusOr<std::string> post_id = staffing::ParsePostName(request->post(), "post");
    if (!post_id.ok()) return Fail(reactor, post_id.status());
    post = staffing::PostName(*post_id);
  }
  absl::StatusOr<std::string> ctg_id = CtgFilter(module_, *principal, request->ctg(), "ctg");
  if (!ctg_id.ok()) return Fail(reactor, ctg_id.status());
  const std::string ctg = ctg_id->empty() ? "" : plans::CtgName(*ctg_id);
  const std::string filter = absl::StrCat("recruitments|", ctg, "|", post, "|", request->status());
  absl::StatusOr<std::string> after = api::DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());
  const std::string last = Page<RecruitmentAggregate>(
      module_, *principal, module_.recruitments(), *after, *page_size,
      [&](const staffing::RecruitmentState& state) {
        return (ctg.empty() || state.ctg == ctg) && (post.empty() || state.post == post) &&
               (request->status() == v1::RECRUITMENT_STATUS_UNSPECIFIED ||
                state.status == request->status());
      },
      [&](const platform::Repository<RecruitmentAggregate>::Snapshot& snapshot) {
        *response->add_recruitments() = ToRecruitment(snapshot.state, snapshot.revision);
      });
  if (!last.empty()) response->set_next_page_token(api::EncodePageToken(last, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* StaffingServiceImpl::AgreeCadrage(grpc::CallbackServerContext* call,
                                                            const v1::AgreeCadrageRequest* request,
                                                            v1::Recruitment* response) {
  staffing::AgreeCadrage command;
  command.date = request->date();
  command.involvements.assign(request->involvements().begin(), request->involvements().end());
  command.candidate_choice_involvement = request->candidate_choice_involvement();
  command.fonction = request->fonction();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEitherParty, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::SubmitFicheDePoste(
    grpc::CallbackServerContext* call, const v1::SubmitFicheDePosteRequest* request,
    v1::Recruitment* response) {
  staffing::SubmitFicheDePoste command;
  command.document = request->document();
  command.date = request->date();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GiveCafOpinionOnFiche(
    grpc::CallbackServerContext* call, const v1::GiveCafOpinionOnFicheRequest* request,
    v1::Recruitment* response) {
  staffing::GiveCafOpinionOnFiche command;
  command.version = request->version();
  command.opinion = request->opinion();
  command.date = request->date();
  command.comment = request->comment();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsCaf, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::PublishOffer(grpc::CallbackServerContext* call,
                                                            const v1::PublishOfferRequest* request,
                                                            v1::Recruitment* response) {
  staffing::PublishOffer command;
  command.date = request->date();
  command.channel = request->channel();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CloseApplications(
    grpc::CallbackServerContext* call, const v1::CloseApplicationsRequest* request,
    v1::Recruitment* response) {
  staffing::CloseApplications command;
  command.date = request->date();
  command.applications_received = request->applications_received();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ShortlistCandidates(
    grpc::CallbackServerContext* call, const v1::ShortlistCandidatesRequest* request,
    v1::Recruitment* response) {
  staffing::ShortlistCandidates command;
  command.date = request->date();
  command.candidates_shortlisted = request->candidates_shortlisted();
  command.caf_participated = request->caf_participated();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::HoldJury(grpc::CallbackServerContext* call,
                                                        const v1::HoldJuryRequest* request,
                                                        v1::Recruitment* response) {
  staffing::HoldJury command;
  command.date = request->date();
  command.candidates_interviewed = request->candidates_interviewed();
  command.caf_participated = request->caf_participated();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::SynthesiseInterviews(
    grpc::CallbackServerContext* call, const v1::SynthesiseInterviewsRequest* request,
    v1::Recruitment* response) {
  staffing::SynthesiseInterviews command;
  command.date = request->date();
  command.caf_participated = request->caf_participated();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::SkipRecruitmentStep(
    grpc::CallbackServerContext* call, const v1::SkipRecruitmentStepRequest* request,
    v1::Recruitment* response) {
  staffing::SkipStep command;
  command.step = request->step();
  command.reason = request->reason();
  Command<RecruitmentAggregate> run =
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command));
  run.reason = request->reason();
  return Calls<RecruitmentAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                                     response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ChooseCandidate(
    grpc::CallbackServerContext* call, const v1::ChooseCandidateRequest* request,
    v1::Recruitment* response) {
  staffing::ChooseCandidate command;
  command.person = request->person();
  command.date = request->date();
  command.caf_participated = request->caf_participated();
  const StaffingModule* module = &module_;
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command),
           DeciderOptions<staffing::ChooseCandidate>{
               .after =
                   [module](const staffing::ChooseCandidate& c) {
                     return module->persons().RequirePerson(c.person, "person");
                   }}),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GiveCafOpinionOnCandidate(
    grpc::CallbackServerContext* call, const v1::GiveCafOpinionOnCandidateRequest* request,
    v1::Recruitment* response) {
  staffing::GiveCafOpinionOnCandidate command;
  command.person = request->person();
  command.opinion = request->opinion();
  command.date = request->date();
  command.comment = request->comment();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsCaf, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::TakeEmployerDecision(
    grpc::CallbackServerContext* call, const v1::TakeEmployerDecisionRequest* request,
    v1::Recruitment* response) {
  staffing::TakeEmployerDecision command;
  command.person = request->person();
  command.date = request->date();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::HirePerson(grpc::CallbackServerContext* call,
                                                          const v1::HirePersonRequest* request,
                                                          v1::Recruitment* response) {
  staffing::HirePerson command;
  command.person = request->person();
  command.contract_date = request->contract_date();
  command.start_date = request->start_date();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CompleteIntegration(
    grpc::CallbackServerContext* call, const v1::CompleteIntegrationRequest* request,
    v1::Recruitment* response) {
  staffing::CompleteIntegration command;
  command.date = request->date();
  command.cdt_meeting_date =
      OptionalDate(request->has_cdt_meeting_date(), request->cdt_meeting_date());
  command.copil_presentation_date =
      OptionalDate(request->has_copil_presentation_date(), request->copil_presentation_date());
  command.partners_meeting_date =
      OptionalDate(request->has_partners_meeting_date(), request->partners_meeting_date());
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CloseRecruitment(
    grpc::CallbackServerContext* call, const v1::CloseRecruitmentRequest* request,
    v1::Recruitment* response) {
  staffing::CloseRecruitment command;
  command.date = request->date();
  return Calls<RecruitmentAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CancelRecruitment(
    grpc::CallbackServerContext* call, const v1::CancelRecruitmentRequest* request,
    v1::Recruitment* response) {
  staffing::CancelRecruitment command;
  command.reason = request->reason();
  Command<RecruitmentAggregate> run =
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command));
  run.reason = request->reason();
  return Calls<RecruitmentAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                                     response);
}

}  // namespace ctg::staffing_api
