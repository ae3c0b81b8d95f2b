#include "services/plans/api/plans_service.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "services/platform/errors.h"

namespace ctg::plans_api {

using api::Fail;
using platform::Permission;

v1::Ctg CtgResource::ToMessage(const plans::CtgState& state, std::optional<uint64_t> revision) {
  v1::Ctg ctg = state.ctg;
  ctg.set_etag(platform::EtagFor(revision));
  return ctg;
}

// A change acts in the CTG itself: a CTG the caller may not read is NOT_FOUND, as a missing one.
PlansServiceImpl::PlansServiceImpl(PlansModule& module, api::Clock clock)
    : module_(module),
      ctgs_(module.store_, module.ctgs_, std::move(clock),
            [](absl::string_view id, const auto& snapshot) -> absl::StatusOr<api::Target> {
              if (!snapshot.state.exists) return platform::CtgNotFound(id);
              return api::Target{CtgResource::Stream(id), PlansModule::ScopeOf(snapshot.state.ctg),
                                 "", platform::CtgNotFound(id)};
            }) {}

template <typename Cmd>
std::function<platform::Decider<plans::CtgAggregate>(const api::Granted&)>
PlansServiceImpl::DecideWith(Cmd command) const {
  return api::Always<plans::CtgAggregate>(
      [this, command = std::move(command)](const plans::CtgState& state) {
        return plans::Decide(state, command, module_.Lookups());
      });
}

grpc::ServerUnaryReactor* PlansServiceImpl::CreateCtg(grpc::CallbackServerContext* call,
                                                      const v1::CreateCtgRequest* request,
                                                      v1::Ctg* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::Admit(*call, *request);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  if (!request->has_ctg()) return Fail(reactor, platform::InvalidField("ctg", "required"));
  // The policy needs the porteur: a collectivité drafts only the CTGs it carries.
  absl::StatusOr<std::string> porteur =
      partners::ParseOrganisationName(request->ctg().porteur(), "ctg.porteur");
  if (!porteur.ok()) return Fail(reactor, porteur.status());
  plans::DraftCtg draft{
      request->ctg_id().empty()
          ? absl::StrCat("ctg", platform::IdFromRequest("ctg", platform::RequestScope(*principal),
                                                        request->request_id(), 6))
          : request->ctg_id(),
      request->ctg()};
  const std::string stream = plans::CtgStream(draft.ctg_id);
  platform::Principal caller = *principal;
  api::Command<plans::CtgAggregate> command{
      request,
      Permission::kCreateCtg,
      /*etag=*/"",
      request->request_id(),
      "",
      absl::OkStatus(),
      [this, draft = std::move(draft), caller = std::move(caller)](
          const api::Granted& granted) -> platform::Decider<plans::CtgAggregate> {
        // A CDT who drafts a CTG follows it: it enters their portfolio in the same append.
        std::string cdt = granted.role == platform::Role::kCafCdt ? granted.subject : std::string();
        return [this, draft, caller, cdt = std::move(cdt), now = granted.now](
                   const plans::CtgState& state) -> absl::StatusOr<std::vector<plans::CtgEvent>> {
          // An id taken by a CTG the caller may not read is refused as a read of it is.
          if (state.exists && !platform::CanReadCtg(caller, PlansModule::ScopeOf(state.ctg))) {
            return platform::CtgNotFound(draft.ctg_id);
          }
          const plans::Lookups lookups = module_.Lookups();
          ASSIGN_OR_RETURN(std::vector<plans::CtgEvent> events,
                           plans::Decide(state, draft, lookups));
          if (cdt.empty()) return events;
          plans::CtgState drafted = state;
          for (const plans::CtgEvent& event : events) plans::Evolve(drafted, event, now);
          ASSIGN_OR_RETURN(std::vector<plans::CtgEvent> assigned,
                           plans::Decide(drafted, plans::AssignCdt{cdt, ""}, lookups));
          events.insert(events.end(), assigned.begin(), assigned.end());
          return events;
        };
      }};
  return ctgs_.Execute(call, *std::move(principal),
                       api::Target{stream, std::nullopt, *std::move(porteur), absl::OkStatus()},
                       std::move(command), response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::GetCtg(grpc::CallbackServerContext* call,
                                                   const v1::GetCtgRequest* request,
                                                   v1::Ctg* response) {
  return ctgs_.Get(call, *request, request->name(), Permission::kReadCtg, response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListCtgs(grpc::CallbackServerContext* call,
                                                     const v1::ListCtgsRequest* request,
                                                     v1::ListCtgsResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = api::Admit(*call, *request);
  if (!principal.ok()) return Fail(reactor, principal.status());
  absl::StatusOr<int> page_size =
      api::PageSize(request->page_size(), api::kDefaultPageSize, api::kMaxPageSize);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  std::string signatory;
  if (!request->signatory().empty()) {
    absl::StatusOr<std::string> siren =
        partners::ParseOrganisationName(request->signatory(), "signatory");
    if (!siren.ok()) return Fail(reactor, siren.status());
    signatory = *siren;
  }
  const std::string filter = absl::StrCat("ctgs|", request->state(), "|", signatory);
  absl::StatusOr<std::string> after = api::DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());
  const std::string next = api::Page(
      module_.ctgs(), after->empty() ? std::string(plans::kStreamPrefix) : *after, *page_size,
      [&](const auto& snapshot) {
        const v1::Ctg& ctg = snapshot.state.ctg;
        if (request->state() != v1::CTG_STATE_UNSPECIFIED && ctg.state() != request->state()) {
          return false;
        }
        const platform::CtgScope scope = PlansModule::ScopeOf(ctg);
        auto signs = [&](const std::vector<std::string>& sirens) {
          return std::find(sirens.begin(), sirens.end(), signatory) != sirens.end();
        };
        if (!signatory.empty() && !signs(scope.collectivites) && !signs(scope.others)) {
          return false;
        }
        if (!platform::CanReadCtg(*principal, scope)) return false;
        *response->add_ctgs() = CtgResource::ToMessage(snapshot.state, snapshot.revision);
        return true;
      });
  if (!next.empty()) response->set_next_page_token(api::EncodePageToken(next, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PlansServiceImpl::UpdateCtg(grpc::CallbackServerContext* call,
                                                      const v1::UpdateCtgRequest* request,
                                                      v1::Ctg* response) {
  absl::StatusOr<std::vector<std::string>> paths =
      api::MaskPaths(request->update_mask(), {"title", "start_date", "end_date", "thematiques"});
  plans::UpdateCtg command{request->ctg(), paths.ok() ? *paths : std::vector<std::string>()};
  return ctgs_.RunOnExisting(
      call, request->ctg().name(), "ctg.name",
      {request, Permission::kChangeCtg, request->ctg().etag(), request->request_id(), "",
       paths.status(), DecideWith(std::move(command))},
      response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::AddSignatory(grpc::CallbackServerContext* call,
                                                         const v1::AddSignatoryRequest* request,
                                                         v1::Ctg* response) {
  return ctgs_.RunOnExisting(
      call, request->name(), "name",
      {request, Permission::kChangeCtg, request->etag(), request->request_id(), "",
       absl::OkStatus(), DecideWith(plans::AddSignatory{request->signatory()})},
      response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::RecordDeliberation(
    grpc::CallbackServerContext* call, const v1::RecordDeliberationRequest* request,
    v1::Ctg* response) {
  absl::StatusOr<std::string> siren =
      partners::ParseOrganisationName(request->organisation(), "organisation");
  api::Command<plans::CtgAggregate> command{
      request,
      Permission::kActForSignatory,
      request->etag(),
      request->request_id(),
      "",
      siren.status(),
      DecideWith(plans::RecordDeliberation{request->organisation(), request->deliberation()})};
  command.acting_for = siren.value_or("");
  return ctgs_.RunOnExisting(call, request->name(), "name", std::move(command), response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::RecordSignature(
    grpc::CallbackServerContext* call, const v1::RecordSignatureRequest* request,
    v1::Ctg* response) {
  absl::StatusOr<std::string> siren =
      partners::ParseOrganisationName(request->organisation(), "organisation");
  api::Command<plans::CtgAggregate> command{
      request,
      Permission::kActForSignatory,
      request->etag(),
      request->request_id(),
      "",
      siren.status(),
      DecideWith(plans::RecordSignature{request->organisation(), request->signature_date()})};
  command.acting_for = siren.value_or("");
  return ctgs_.RunOnExisting(call, request->name(), "name", std::move(command), response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::AssignCdt(grpc::CallbackServerContext* call,
                                                      const v1::AssignCdtRequest* request,
                                                      v1::Ctg* response) {
  return ctgs_.RunOnExisting(
      call, request->name(), "name",
      {request, Permission::kAssignCdt, request->etag(), request->request_id(), request->reason(),
       absl::OkStatus(), DecideWith(plans::AssignCdt{request->cdt(), request->reason()})},
      response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::TransitionCtg(grpc::CallbackServerContext* call,
                                                          const v1::TransitionCtgRequest* request,
                                                          v1::Ctg* response) {
  return ctgs_.RunOnExisting(
      call, request->name(), "name",
      {request, Permission::kTransitionCtg, request->etag(), request->request_id(),
       request->reason(), absl::OkStatus(),
       DecideWith(plans::TransitionCtg{request->state(), request->reason()})},
      response);
}

}  // namespace ctg::plans_api
