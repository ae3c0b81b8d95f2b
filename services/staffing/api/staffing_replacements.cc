// StaffingService: the replacements, validated beforehand by the Caf (research §4.4, R-5).
#include <utility>

#include "services/staffing/api/staffing_service.h"

namespace ctg::staffing_api {
namespace {

using api::Fail;
using platform::Permission;

// One step of an existing replacement.
template <typename Cmd>
Command<ReplacementAggregate> Step(StaffingModule& module, const google::protobuf::Message* request,
                                   Permission permission, const std::string& etag,
                                   const std::string& request_id, Cmd command,
                                   DeciderOptions<Cmd> options = {}) {
  Command<ReplacementAggregate> run;
  run.request = request;
  run.permission = permission;
  run.etag = etag;
  run.request_id = request_id;
  run.decider = MakeDecider<ReplacementAggregate>(
      std::move(command), [&module] { return module.ReplacementLookups(); }, std::move(options));
  return run;
}

}  // namespace

grpc::ServerUnaryReactor* StaffingServiceImpl::RequestReplacement(
    grpc::CallbackServerContext* call, const v1::RequestReplacementRequest* request,
    v1::Replacement* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = api::CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  if (!request->has_replacement()) {
    return Fail(reactor, platform::InvalidField("replacement", "required"));
  }
  const v1::Replacement& replacement = request->replacement();
  // The policy needs the post's CTG and employer.
  absl::StatusOr<std::string> post_id =
      staffing::ParsePostName(replacement.post(), "replacement.post");
  if (!post_id.ok()) return Fail(reactor, post_id.status());
  auto post = module_.posts().Get(staffing::PostStream(*post_id));
  const absl::Status post_not_found = NotFound(staffing::PostName(*post_id));
  if (!post.state.exists) return Fail(reactor, post_not_found);
  const std::string replacement_id =
      request->replacement_id().empty()
          ? absl::StrCat("replacement-",
                         platform::IdFromRequest("replacement", platform::RequestScope(*principal),
                                                 request->request_id(), 6))
          : request->replacement_id();
  if (absl::Status s = staffing::ValidateId(replacement_id, "replacement_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  staffing::RequestReplacement command;
  command.replacement_id = replacement_id;
  command.post = staffing::PostName(*post_id);
  command.person = replacement.person();
  command.replaced_assignment_id = replacement.replaced_assignment_id();
  command.etp_hundredths = replacement.etp_hundredths();
  command.start_date = replacement.start_date();
  if (replacement.has_end_date()) command.end_date = replacement.end_date();
  if (replacement.has_reduction()) command.reduction = replacement.reduction();
  const StaffingModule* module = &module_;
  Command<ReplacementAggregate> run = Step(
      module_, request, Permission::kActAsEmployer, "", request->request_id(), std::move(command),
      DeciderOptions<staffing::RequestReplacement>{
          .after =
              [module](const staffing::RequestReplacement& c) {
                return module->persons().RequirePerson(c.person, "replacement.person");
              },
          .rename =
              [](absl::string_view field) {
                return field == "replacement_id" ? std::string(field)
                                                 : absl::StrCat("replacement.", field);
              }});
  const Target target = TargetOf(staffing::ReplacementStream(replacement_id), post.state.ctg,
                                 post.state.employer, post_not_found);
  RefuseHiddenExisting(module_, *principal, replacement_id, run);
  return Execute<ReplacementAggregate>(call, *std::move(principal), target, std::move(run),
                                       response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ValidateReplacement(
    grpc::CallbackServerContext* call, const v1::ValidateReplacementRequest* request,
    v1::Replacement* response) {
  staffing::ValidateReplacement command;
  command.date = request->date();
  command.comment = request->comment();
  return Calls<ReplacementAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsCaf, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::RefuseReplacement(
    grpc::CallbackServerContext* call, const v1::RefuseReplacementRequest* request,
    v1::Replacement* response) {
  staffing::RefuseReplacement command;
  command.date = request->date();
  command.comment = request->comment();
  return Calls<ReplacementAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsCaf, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::StartReplacement(
    grpc::CallbackServerContext* call, const v1::StartReplacementRequest* request,
    v1::Replacement* response) {
  staffing::StartReplacement command;
  command.start_date = request->start_date();
  return Calls<ReplacementAggregate>().RunOnExisting(
      call, request->name(), "name",
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command)),
      response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::EndReplacement(
    grpc::CallbackServerContext* call, const v1::EndReplacementRequest* request,
    v1::Replacement* response) {
  staffing::EndReplacement command;
  command.end_date = request->end_date();
  command.outcome = request->outcome();
  command.reason = request->reason();
  Command<ReplacementAggregate> run =
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command));
  run.reason = request->reason();
  return Calls<ReplacementAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                                     response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::CancelReplacement(
    grpc::CallbackServerContext* call, const v1::CancelReplacementRequest* request,
    v1::Replacement* response) {
  staffing::CancelReplacement command;
  command.reason = request->reason();
  Command<ReplacementAggregate> run =
      Step(module_, request, Permission::kActAsEmployer, request->etag(), request->request_id(),
           std::move(command));
  run.reason = request->reason();
  return Calls<ReplacementAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                                     response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetReplacement(
    grpc::CallbackServerContext* call, const v1::GetReplacementRequest* request,
    v1::Replacement* response) {
  return Calls<ReplacementAggregate>().GetAs(
      call, *request, request->name(), Permission::kReadCtg, response,
      [](const platform::Repository<ReplacementAggregate>::Snapshot& snapshot) {
        return ToReplacement(snapshot.state, snapshot.revision);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListReplacements(
    grpc::CallbackServerContext* call, const v1::ListReplacementsRequest* request,
    v1::ListReplacementsResponse* response) {
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
  const std::string filter = absl::StrCat("replacements|", ctg, "|", post, "|", request->status());
  absl::StatusOr<std::string> after = api::DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());
  const std::string last = Page<ReplacementAggregate>(
      module_, *principal, module_.replacements(), *after, *page_size,
      [&](const staffing::ReplacementState& state) {
        return (ctg.empty() || state.request.ctg() == ctg) &&
               (post.empty() || state.request.post() == post) &&
               (request->status() == v1::REPLACEMENT_STATUS_UNSPECIFIED ||
                state.status == request->status());
      },
      [&](const platform::Repository<ReplacementAggregate>::Snapshot& snapshot) {
        *response->add_replacements() = ToReplacement(snapshot.state, snapshot.revision);
      });
  if (!last.empty()) response->set_next_page_token(api::EncodePageToken(last, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace ctg::staffing_api
