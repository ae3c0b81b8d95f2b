// StaffingService: the posts and their change control.
#include <utility>

#include "services/partners/organisation.h"
#include "services/staffing/api/staffing_service.h"

namespace ctg::staffing_api {
namespace {

using api::Fail;
using platform::Permission;

// The post decider of `command` for the caller.
template <typename Cmd>
std::function<platform::Decider<PostAggregate>(const api::Granted&)> PostDecider(
    StaffingModule& module, Cmd command, DeciderOptions<Cmd> options = {}) {
  return MakeDecider<PostAggregate>(
      std::move(command), [&module] { return module.PostLookups(); }, std::move(options));
}

}  // namespace

StaffingServiceImpl::StaffingServiceImpl(StaffingModule& module, api::Clock clock)
    : module_(module),
      posts_(CallsOf<PostAggregate>(module, clock)),
      recruitments_(CallsOf<RecruitmentAggregate>(module, clock)),
      replacements_(CallsOf<ReplacementAggregate>(module, clock)) {}

grpc::ServerUnaryReactor* StaffingServiceImpl::CreatePost(grpc::CallbackServerContext* call,
                                                          const v1::CreatePostRequest* request,
                                                          v1::Post* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = api::CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  if (!request->has_post()) return Fail(reactor, platform::InvalidField("post", "required"));
  const v1::Post& post = request->post();
  // The policy needs the CTG and the employer: a collectivité creates its own posts only.
  absl::StatusOr<std::string> ctg_id = plans::ParseCtgName(post.ctg(), "post.ctg");
  if (!ctg_id.ok()) return Fail(reactor, ctg_id.status());
  absl::StatusOr<std::string> siren =
      partners::ParseOrganisationName(post.employer(), "post.employer");
  if (!siren.ok()) return Fail(reactor, siren.status());
  const std::string post_id =
      request->post_id().empty()
          ? absl::StrCat("post-",
                         platform::IdFromRequest("post", platform::RequestScope(*principal),
                                                 request->request_id(), 6))
          : request->post_id();
  if (absl::Status s = staffing::ValidateId(post_id, "post_id"); !s.ok()) return Fail(reactor, s);

  staffing::CreatePost command;
  command.post_id = post_id;
  command.ctg = post.ctg();
  command.employer = post.employer();
  command.etp_hundredths = post.etp_hundredths();
  command.missions.assign(post.missions().begin(), post.missions().end());
  for (int thematique : post.thematiques()) {
    command.thematiques.push_back(static_cast<v1::Thematique>(thematique));
  }
  command.rattachement = post.rattachement();
  command.status =
      post.status() == v1::POST_STATUS_UNSPECIFIED ? v1::POST_STATUS_A_CREER : post.status();
  Command<PostAggregate> run;
  run.request = request;
  run.permission = Permission::kActAsEmployer;
  run.request_id = request->request_id();
  run.decider =
      PostDecider(module_, std::move(command),
                  DeciderOptions<staffing::CreatePost>{.rename = [](absl::string_view field) {
                    return field == "post_id" ? std::string(field) : absl::StrCat("post.", field);
                  }});
  Target target{staffing::PostStream(post_id), *ctg_id, *siren, platform::CtgNotFound(*ctg_id)};
  RefuseHiddenExisting(module_, *principal, post_id, run);
  return Execute<PostAggregate>(call, *std::move(principal), target, std::move(run), response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::GetPost(grpc::CallbackServerContext* call,
                                                       const v1::GetPostRequest* request,
                                                       v1::Post* response) {
  const bool full = request->view() != v1::POST_VIEW_BASIC;
  return Calls<PostAggregate>().GetAs(
      call, *request, request->name(), Permission::kReadCtg, response,
      [full](const platform::Repository<PostAggregate>::Snapshot& snapshot) {
        return ToPost(snapshot.state, snapshot.revision, full);
      });
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ListPosts(grpc::CallbackServerContext* call,
                                                         const v1::ListPostsRequest* request,
                                                         v1::ListPostsResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = api::CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<int> page_size =
      api::PageSize(request->page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  std::string employer;
  if (!request->employer().empty()) {
    absl::StatusOr<std::string> siren =
        partners::ParseOrganisationName(request->employer(), "employer");
    if (!siren.ok()) return Fail(reactor, siren.status());
    employer = partners::OrganisationName(*siren);
  }
  absl::StatusOr<std::string> ctg_id = CtgFilter(module_, *principal, request->ctg(), "ctg");
  if (!ctg_id.ok()) return Fail(reactor, ctg_id.status());
  const std::string ctg = ctg_id->empty() ? "" : plans::CtgName(*ctg_id);
  const bool full = request->view() == v1::POST_VIEW_FULL;
  const std::string filter =
      absl::StrCat("posts|", ctg, "|", employer, "|", request->status(), "|", request->view());
  absl::StatusOr<std::string> after = api::DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());
  const std::string last = Page<PostAggregate>(
      module_, *principal, module_.posts(), *after, *page_size,
      [&](const staffing::PostState& state) {
        return (ctg.empty() || state.ctg == ctg) &&
               (employer.empty() || state.employer == employer) &&
               (request->status() == v1::POST_STATUS_UNSPECIFIED ||
                state.status == request->status());
      },
      [&](const platform::Repository<PostAggregate>::Snapshot& snapshot) {
        *response->add_posts() = ToPost(snapshot.state, snapshot.revision, full);
      });
  if (!last.empty()) response->set_next_page_token(api::EncodePageToken(last, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* StaffingServiceImpl::TransitionPost(
    grpc::CallbackServerContext* call, const v1::TransitionPostRequest* request,
    v1::Post* response) {
  Command<PostAggregate> run;
  run.request = request;
  run.permission = Permission::kActAsEmployer;
  run.etag = request->etag();
  run.request_id = request->request_id();
  run.reason = request->reason();
  run.decider =
      PostDecider(module_, staffing::TransitionPost{request->status(), request->reason()},
                  DeciderOptions<staffing::TransitionPost>{.rename = [](absl::string_view field) {
                    return field == "to" ? std::string("status") : std::string(field);
                  }});
  return Calls<PostAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                              response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::RecordCofinancing(
    grpc::CallbackServerContext* call, const v1::RecordCofinancingRequest* request,
    v1::Post* response) {
  Command<PostAggregate> run;
  run.request = request;
  run.permission = Permission::kActAsEmployer;
  run.etag = request->etag();
  run.request_id = request->request_id();
  run.decider = PostDecider(module_, staffing::RecordCofinancing{request->cofinancing()});
  return Calls<PostAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                              response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::RecordCafFunding(
    grpc::CallbackServerContext* call, const v1::RecordCafFundingRequest* request,
    v1::Post* response) {
  Command<PostAggregate> run;
  run.request = request;
  run.permission = Permission::kActAsCaf;
  run.etag = request->etag();
  run.request_id = request->request_id();
  staffing::RecordCafFunding command;
  command.funding = request->funding();
  run.decider = PostDecider(module_, std::move(command));
  return Calls<PostAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                              response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ProposeChange(
    grpc::CallbackServerContext* call, const v1::ProposeChangeRequest* request,
    v1::Post* response) {
  Command<PostAggregate> run;
  run.request = request;
  run.permission = Permission::kActAsEitherParty;
  run.etag = request->etag();
  run.request_id = request->request_id();
  run.reason = request->reason();
  staffing::ProposeChange command;
  command.change = request->change();
  const StaffingModule* module = &module_;
  run.decider = PostDecider(
      module_, std::move(command),
      DeciderOptions<staffing::ProposeChange>{
          .after = [module](const staffing::ProposeChange& c) -> absl::Status {
            // The people a change assigns are registered (their data lives in their
            // stream).
            const auto& assign = c.change.personnel().assign();
            for (int i = 0; i < assign.size(); ++i) {
              RETURN_IF_ERROR(module->persons().RequirePerson(
                  assign[i].person(), absl::StrCat("change.personnel.assign[", i, "].person")));
            }
            return absl::OkStatus();
          }});
  return Calls<PostAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                              response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::RecordCdtExchange(
    grpc::CallbackServerContext* call, const v1::RecordCdtExchangeRequest* request,
    v1::Post* response) {
  Command<PostAggregate> run;
  run.request = request;
  run.permission = Permission::kActAsEitherParty;
  run.etag = request->etag();
  run.request_id = request->request_id();
  staffing::RecordCdtExchange command;
  command.exchange = request->exchange();
  run.decider =
      PostDecider(module_, std::move(command),
                  DeciderOptions<staffing::RecordCdtExchange>{
                      .complete = [](staffing::RecordCdtExchange& c, const Acting& acting) {
                        // The CDT of the exchange is the caller on the Caf's side, else the CTG's.
                        c.exchange.set_cdt(acting.Cdt());
                        return RequireCdt(acting);
                      }});
  return Calls<PostAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                              response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::ApplyChange(grpc::CallbackServerContext* call,
                                                           const v1::ApplyChangeRequest* request,
                                                           v1::Post* response) {
  // The exchange the change rests on goes to the metadata of every event of the change:
  // resolve "the last one" now, and apply on exactly that one.
  std::string exchange_id = request->exchange_id();
  std::string cdt_exchange;
  if (absl::StatusOr<std::string> post_id = staffing::ParsePostName(request->name(), "name");
      post_id.ok()) {
    auto snapshot = module_.posts().Get(staffing::PostStream(*post_id));
    if (const staffing::ChangeRecord* change =
            staffing::FindChange(snapshot.state, request->change_id())) {
      for (const v1::CdtExchangeRecorded& exchange : change->exchanges) {
        if (request->exchange_id().empty() || exchange.exchange_id() == request->exchange_id()) {
          exchange_id = exchange.exchange_id();
          cdt_exchange = ExchangeName(*post_id, request->change_id(), exchange_id);
        }
      }
    }
  }
  Command<PostAggregate> run;
  run.request = request;
  run.permission = Permission::kActAsEmployer;
  run.etag = request->etag();
  run.request_id = request->request_id();
  run.cdt_exchange = cdt_exchange;
  run.decider = PostDecider(
      module_, staffing::ApplyChange{request->change_id(), exchange_id, request->effective_date()});
  return Calls<PostAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                              response);
}

grpc::ServerUnaryReactor* StaffingServiceImpl::WithdrawChange(
    grpc::CallbackServerContext* call, const v1::WithdrawChangeRequest* request,
    v1::Post* response) {
  Command<PostAggregate> run;
  run.request = request;
  run.permission = Permission::kActAsEitherParty;
  run.etag = request->etag();
  run.request_id = request->request_id();
  run.reason = request->reason();
  run.decider =
      PostDecider(module_, staffing::WithdrawChange{request->change_id(), request->reason()});
  return Calls<PostAggregate>().RunOnExisting(call, request->name(), "name", std::move(run),
                                              response);
}

}  // namespace ctg::staffing_api
