#include "services/api/plans_service.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/api/call_context.h"
#include "services/api/status.h"
#include "services/api/validation.h"
#include "services/platform/command_handler.h"
#include "services/platform/errors.h"

namespace ctg::api {
namespace {

using platform::Permission;

constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 500;
constexpr size_t kMaxReasonLength = 2000;

// The resource of a CTG's state at `revision`.
v1::Ctg ToResource(const plans::CtgState& state, std::optional<uint64_t> revision) {
  v1::Ctg ctg = state.ctg;
  ctg.set_etag(platform::EtagFor(revision));
  return ctg;
}

// Finishes a command's call with the resulting CTG or the error.
platform::OutcomeCallback<CtgAggregate> Respond(grpc::ServerUnaryReactor* reactor,
                                               v1::Ctg* response) {
  return [reactor, response](absl::StatusOr<platform::Outcome<CtgAggregate>> outcome) {
    if (!outcome.ok()) return reactor->Finish(ToGrpcStatus(outcome.status()));
    *response = ToResource(outcome->state, outcome->revision);
    reactor->Finish(grpc::Status::OK);
  };
}

absl::Status CheckReason(absl::string_view reason) {
  if (reason.size() > kMaxReasonLength) {
    return platform::InvalidField("reason", absl::StrCat("at most ", kMaxReasonLength, " bytes"));
  }
  return absl::OkStatus();
}

}  // namespace

// One change of an existing CTG: what to authorize and how to decide it.
struct PlansServiceImpl::Change {
  const google::protobuf::Message* request;
  absl::string_view method;
  std::string name;                 // the CTG's resource name as sent
  absl::string_view name_field;     // its field path, for errors
  Permission permission;
  std::string acting_for;           // kActForSignatory: the signatory's SIREN
  std::string etag;
  std::string request_id;
  std::string reason;
  absl::Status invalid;             // a request check that failed before deciding
  platform::Decider<CtgAggregate> decide;
};

PlansServiceImpl::PlansServiceImpl(Registry& registry, std::function<absl::Time()> clock)
    : registry_(registry), clock_(std::move(clock)) {}

grpc::ServerUnaryReactor* PlansServiceImpl::RunChange(grpc::CallbackServerContext* call,
                                                      Change change, v1::Ctg* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*change.request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<std::string> ctg_id = plans::ParseCtgName(change.name, change.name_field);
  if (!ctg_id.ok()) return Fail(reactor, ctg_id.status());
  if (absl::Status s = platform::ValidateRequestId(change.request_id, "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  if (absl::Status s = CheckReason(change.reason); !s.ok()) return Fail(reactor, s);
  if (!change.invalid.ok()) return Fail(reactor, change.invalid);
  std::optional<platform::CtgScope> scope = registry_.CtgScopeOf(*ctg_id);
  if (!scope.has_value()) return Fail(reactor, platform::CtgNotFound(*ctg_id));
  absl::StatusOr<platform::Role> role = platform::Authorize(
      *principal, change.permission,
      change.acting_for.empty() ? platform::Scope::Ctg(*scope)
                                : platform::Scope::CtgSignatory(*scope, change.acting_for));
  if (!role.ok()) return Fail(reactor, role.status());
  platform::CommandContext context = MakeCommandContext(
      *call, *std::move(principal), *role, change.method, *change.request, change.request_id,
      clock_());
  context.reason = change.reason;
  platform::Execute<CtgAggregate>(registry_.store(), registry_.ctgs(), plans::CtgStream(*ctg_id),
                                  std::move(context), change.etag, std::move(change.decide),
                                  Respond(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* PlansServiceImpl::CreateCtg(grpc::CallbackServerContext* call,
                                                      const v1::CreateCtgRequest* request,
                                                      v1::Ctg* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  if (absl::Status s = platform::ValidateRequestId(request->request_id(), "request_id");
      !s.ok()) {
    return Fail(reactor, s);
  }
  if (!request->has_ctg()) return Fail(reactor, platform::InvalidField("ctg", "required"));
  // The policy needs the porteur: a collectivité drafts only the CTGs it carries.
  absl::StatusOr<std::string> porteur =
      partners::ParseOrganisationName(request->ctg().porteur(), "ctg.porteur");
  if (!porteur.ok()) return Fail(reactor, porteur.status());
  absl::StatusOr<platform::Role> role = platform::Authorize(
      *principal, Permission::kCreateCtg, platform::Scope::Organisation(*porteur));
  if (!role.ok()) return Fail(reactor, role.status());

  plans::DraftCtg draft{request->ctg_id().empty()
                            ? absl::StrCat("ctg", platform::IdFromRequest(
                                                      "ctg", platform::RequestScope(*principal),
                                                      request->request_id(), 6))
                            : request->ctg_id(),
                        request->ctg()};
  const std::string stream = plans::CtgStream(draft.ctg_id);
  // A CDT who drafts a CTG follows it: it enters their portfolio in the same append.
  std::string cdt = *role == platform::Role::kCafCdt ? principal->subject : std::string();
  // An id taken by a CTG the caller may not read is refused as a read of it is.
  platform::Principal caller = *principal;
  const absl::Time now = clock_();
  platform::CommandContext context =
      MakeCommandContext(*call, *std::move(principal), *role, "/ctg.v1.PlansService/CreateCtg",
                         *request, request->request_id(), now);
  platform::Execute<CtgAggregate>(
      registry_.store(), registry_.ctgs(), stream, std::move(context), /*etag=*/"",
      [this, draft = std::move(draft), cdt = std::move(cdt), caller = std::move(caller), now](
          const plans::CtgState& state) -> absl::StatusOr<std::vector<plans::CtgEvent>> {
        if (state.exists && !platform::CanReadCtg(caller, Registry::ScopeOf(state.ctg))) {
          return platform::CtgNotFound(draft.ctg_id);
        }
        const plans::Lookups lookups = registry_.PlansLookups();
        ASSIGN_OR_RETURN(std::vector<plans::CtgEvent> events, plans::Decide(state, draft, lookups));
        if (cdt.empty()) return events;
        plans::CtgState drafted = state;
        for (const plans::CtgEvent& event : events) plans::Evolve(drafted, event, now);
        ASSIGN_OR_RETURN(std::vector<plans::CtgEvent> assigned,
                         plans::Decide(drafted, plans::AssignCdt{cdt, ""}, lookups));
        events.insert(events.end(), assigned.begin(), assigned.end());
        return events;
      },
      Respond(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* PlansServiceImpl::GetCtg(grpc::CallbackServerContext* call,
                                                   const v1::GetCtgRequest* request,
                                                   v1::Ctg* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<std::string> ctg_id = plans::ParseCtgName(request->name(), "name");
  if (!ctg_id.ok()) return Fail(reactor, ctg_id.status());
  auto snapshot = registry_.ctgs().Get(plans::CtgStream(*ctg_id));
  if (!snapshot.state.exists) return Fail(reactor, platform::CtgNotFound(*ctg_id));
  const platform::CtgScope scope = Registry::ScopeOf(snapshot.state.ctg);
  if (absl::StatusOr<platform::Role> role =
          platform::Authorize(*principal, Permission::kReadCtg, platform::Scope::Ctg(scope));
      !role.ok()) {
    return Fail(reactor, role.status());
  }
  *response = ToResource(snapshot.state, snapshot.revision);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PlansServiceImpl::ListCtgs(grpc::CallbackServerContext* call,
                                                     const v1::ListCtgsRequest* request,
                                                     v1::ListCtgsResponse* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<int> page_size = PageSize(request->page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return Fail(reactor, page_size.status());
  std::string signatory;
  if (!request->signatory().empty()) {
    absl::StatusOr<std::string> siren =
        partners::ParseOrganisationName(request->signatory(), "signatory");
    if (!siren.ok()) return Fail(reactor, siren.status());
    signatory = *siren;
  }
  const std::string filter = absl::StrCat("ctgs|", request->state(), "|", signatory);
  absl::StatusOr<std::string> after = DecodePageToken(request->page_token(), filter);
  if (!after.ok()) return Fail(reactor, after.status());

  std::string last;
  bool more = false;
  registry_.ctgs().ForEachAfter(
      after->empty() ? std::string(plans::kStreamPrefix) : *after,
      [&](const std::string& stream, const platform::Repository<CtgAggregate>::Snapshot& s) {
        if (response->ctgs_size() == *page_size) {
          more = true;
          return false;
        }
        last = stream;
        const v1::Ctg& ctg = s.state.ctg;
        if (!s.state.exists) return true;
        if (request->state() != v1::CTG_STATE_UNSPECIFIED && ctg.state() != request->state()) {
          return true;
        }
        const platform::CtgScope scope = Registry::ScopeOf(ctg);
        if (!signatory.empty() &&
            std::find(scope.collectivites.begin(), scope.collectivites.end(), signatory) ==
                scope.collectivites.end() &&
            std::find(scope.others.begin(), scope.others.end(), signatory) ==
                scope.others.end()) {
          return true;
        }
        if (!platform::CanReadCtg(*principal, scope)) return true;
        *response->add_ctgs() = ToResource(s.state, s.revision);
        return true;
      });
  if (more) response->set_next_page_token(EncodePageToken(last, filter));
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

grpc::ServerUnaryReactor* PlansServiceImpl::UpdateCtg(grpc::CallbackServerContext* call,
                                                      const v1::UpdateCtgRequest* request,
                                                      v1::Ctg* response) {
  absl::StatusOr<std::vector<std::string>> paths =
      MaskPaths(request->update_mask(), {"title", "start_date", "end_date", "thematiques"});
  plans::UpdateCtg command{request->ctg(), paths.ok() ? *paths : std::vector<std::string>()};
  return RunChange(
      call,
      Change{request, "/ctg.v1.PlansService/UpdateCtg", request->ctg().name(), "ctg.name",
             Permission::kChangeCtg, "", request->ctg().etag(), request->request_id(), "",
             paths.status(),
             [this, command = std::move(command)](const plans::CtgState& state) {
               return plans::Decide(state, command, registry_.PlansLookups());
             }},
      response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::AddSignatory(grpc::CallbackServerContext* call,
                                                         const v1::AddSignatoryRequest* request,
                                                         v1::Ctg* response) {
  plans::AddSignatory command{request->signatory()};
  return RunChange(call,
                   Change{request, "/ctg.v1.PlansService/AddSignatory", request->name(), "name",
                          Permission::kChangeCtg, "", request->etag(), request->request_id(),
                          "", absl::OkStatus(),
                          [this, command = std::move(command)](const plans::CtgState& state) {
                            return plans::Decide(state, command, registry_.PlansLookups());
                          }},
                   response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::RecordDeliberation(
    grpc::CallbackServerContext* call, const v1::RecordDeliberationRequest* request,
    v1::Ctg* response) {
  absl::StatusOr<std::string> siren =
      partners::ParseOrganisationName(request->organisation(), "organisation");
  plans::RecordDeliberation command{request->organisation(), request->deliberation()};
  return RunChange(call,
                   Change{request, "/ctg.v1.PlansService/RecordDeliberation", request->name(),
                          "name", Permission::kActForSignatory, siren.value_or(""),
                          request->etag(), request->request_id(), "", siren.status(),
                          [this, command = std::move(command)](const plans::CtgState& state) {
                            return plans::Decide(state, command, registry_.PlansLookups());
                          }},
                   response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::RecordSignature(
    grpc::CallbackServerContext* call, const v1::RecordSignatureRequest* request,
    v1::Ctg* response) {
  absl::StatusOr<std::string> siren =
      partners::ParseOrganisationName(request->organisation(), "organisation");
  plans::RecordSignature command{request->organisation(), request->signature_date()};
  return RunChange(call,
                   Change{request, "/ctg.v1.PlansService/RecordSignature", request->name(),
                          "name", Permission::kActForSignatory, siren.value_or(""),
                          request->etag(), request->request_id(), "", siren.status(),
                          [this, command = std::move(command)](const plans::CtgState& state) {
                            return plans::Decide(state, command, registry_.PlansLookups());
                          }},
                   response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::AssignCdt(grpc::CallbackServerContext* call,
                                                      const v1::AssignCdtRequest* request,
                                                      v1::Ctg* response) {
  plans::AssignCdt command{request->cdt(), request->reason()};
  return RunChange(call,
                   Change{request, "/ctg.v1.PlansService/AssignCdt", request->name(), "name",
                          Permission::kAssignCdt, "", request->etag(), request->request_id(),
                          request->reason(), absl::OkStatus(),
                          [this, command = std::move(command)](const plans::CtgState& state) {
                            return plans::Decide(state, command, registry_.PlansLookups());
                          }},
                   response);
}

grpc::ServerUnaryReactor* PlansServiceImpl::TransitionCtg(
    grpc::CallbackServerContext* call, const v1::TransitionCtgRequest* request,
    v1::Ctg* response) {
  plans::TransitionCtg command{request->state(), request->reason()};
  return RunChange(call,
                   Change{request, "/ctg.v1.PlansService/TransitionCtg", request->name(), "name",
                          Permission::kTransitionCtg, "", request->etag(), request->request_id(),
                          request->reason(), absl::OkStatus(),
                          [this, command = std::move(command)](const plans::CtgState& state) {
                            return plans::Decide(state, command, registry_.PlansLookups());
                          }},
                   response);
}

}  // namespace ctg::api
