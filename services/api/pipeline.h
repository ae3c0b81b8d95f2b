// The one path every command of every context takes, and the pieces its queries share:
//
//   principal → well-formed request → name, request id, reason → request checks → load →
//   authorize (platform/policy.h) → decide → append (platform::Execute) → respond
//
// A context describes each of its resources once (a Resource, below) and each RPC as a
// Command; the handler then reads as a few declarative lines:
//
//   return commands_.RunOnExisting(call, request->name(), "name",
//                                  {request, Permission::kTransitionCtg, request->etag(),
//                                   request->request_id(), request->reason(), ...},
//                                  response);
//
// The method stamped on the events (and fingerprinted with a request id) is taken from the
// descriptors: the RPC whose input is the request's type (MethodOf).
//
// A Resource is a struct with:
//   using Aggregate = …;                    the platform::Repository traits (stream prefix…)
//   using Message = v1::…;                  the API's resource
//   static absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view field);
//   static std::string Stream(absl::string_view id);
//   static absl::Status NotFound(absl::string_view id);   what a missing or hidden one gets
//   static Message ToMessage(const Aggregate::State&, std::optional<uint64_t> revision);
#ifndef CTG_SERVICES_API_PIPELINE_H_
#define CTG_SERVICES_API_PIPELINE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "google/type/date.pb.h"
#include "services/api/call_context.h"
#include "services/api/status.h"
#include "services/api/validation.h"
#include "services/platform/command_handler.h"
#include "services/platform/policy.h"
#include "services/platform/repository.h"

namespace ctg::api {

// Lists: AIP-158 page sizes.
inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;
// The `reason` a command may carry (stamped in its events' metadata), in bytes.
inline constexpr size_t kMaxReasonBytes = 2000;

using Clock = std::function<absl::Time()>;

// The full gRPC method ("/ctg.v1.PlansService/UpdateCtg") of the RPC whose input type is
// `request`'s, found in the descriptors of its file's services (every RPC of ctg.v1 has an
// input type of its own: tested). Empty if none.
std::string MethodOf(const google::protobuf::Message& request);

// Today's date in Europe/Paris (UTC if the zone is unknown) at `now`: the "today" of the
// deciders, which refuse facts dated after it.
google::type::Date Today(absl::Time now);

// `status` with the field paths of its BadRequest renamed by `rename` (a decider names the
// command's fields; a request may hold them under another path). Other statuses unchanged.
absl::Status RenameFields(const absl::Status& status,
                          const std::function<std::string(absl::string_view)>& rename);

// INVALID_ARGUMENT on "reason" beyond kMaxReasonBytes.
absl::Status CheckReasonLength(absl::string_view reason);

// The principal of `call` once its request is well-formed (validation.h).
absl::StatusOr<platform::Principal> Admit(const grpc::CallbackServerContext& call,
                                          const google::protobuf::Message& request);

// What the policy granted a command: what its decider may build on (the side it acts for,
// the CDT to stamp…), never the request.
struct Granted {
  platform::Permission permission;
  platform::Role role;
  std::string subject;                    // the caller's token subject
  std::optional<platform::CtgScope> ctg;  // the CTG acted in, if the permission names one
  absl::Time now;
};

// What a command acts on.
struct Target {
  std::string stream;
  // The CTG acted in (the policy's Scope::Ctg), and the organisation acted on or for
  // (Scope::Organisation, or with a CTG Scope::CtgSignatory).
  std::optional<platform::CtgScope> ctg;
  std::string organisation;
  // What a caller who may not see the target gets (the resource's NOT_FOUND); OK: the
  // policy's own refusal.
  absl::Status hidden;
  // What the caller gets once authorized, when the resource a command changes does not exist
  // (its NOT_FOUND); OK for a create.
  absl::Status missing;
};

// One command: what to authorize, and how to decide it once granted.
template <typename Aggregate>
struct Command {
  const google::protobuf::Message* request = nullptr;
  platform::Permission permission = platform::Permission::kAdminister;
  std::string etag;
  std::string request_id;
  std::string reason;    // why, when the command takes one (its events' metadata)
  absl::Status invalid;  // a request check that failed before deciding
  // The decider, built from what was granted.
  std::function<platform::Decider<Aggregate>(const Granted&)> decider;
  std::string cdt_exchange;  // the CDT exchange a change rests on (its events' metadata)
  // The organisation the command acts for (kActForSignatory), when not the target's.
  std::string acting_for;
};

// A decider that ignores what was granted.
template <typename Aggregate, typename Fn>
std::function<platform::Decider<Aggregate>(const Granted&)> Always(Fn decide) {
  return [decide = std::move(decide)](const Granted&) -> platform::Decider<Aggregate> {
    return decide;
  };
}

// Finishes a command's call with the resource after it, or the error.
template <typename Resource>
platform::OutcomeCallback<typename Resource::Aggregate> Respond(
    grpc::ServerUnaryReactor* reactor, typename Resource::Message* response) {
  return
      [reactor, response](absl::StatusOr<platform::Outcome<typename Resource::Aggregate>> outcome) {
        if (!outcome.ok()) return reactor->Finish(ToGrpcStatus(outcome.status()));
        *response = Resource::ToMessage(outcome->state, outcome->revision);
        reactor->Finish(grpc::Status::OK);
      };
}

// The request checks every command makes after the principal: request id, reason, and the
// handler's own (`invalid`).
template <typename Aggregate>
absl::Status CheckCommand(const Command<Aggregate>& command) {
  RETURN_IF_ERROR(platform::ValidateRequestId(command.request_id, "request_id"));
  RETURN_IF_ERROR(CheckReasonLength(command.reason));
  return command.invalid;
}

// Authorizes `command` on `target` for `principal` and executes it on `repository`; the call
// finishes with the resource or the error.
template <typename Resource>
grpc::ServerUnaryReactor* AuthorizeAndExecute(
    eventstore::EventStore& store, platform::Repository<typename Resource::Aggregate>& repository,
    absl::Time now, grpc::CallbackServerContext* call, platform::Principal principal,
    const Target& target, Command<typename Resource::Aggregate> command,
    typename Resource::Message* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  std::string organisation = command.acting_for.empty() ? target.organisation : command.acting_for;
  platform::Scope scope = platform::Scope::Organisation(organisation);
  if (target.ctg.has_value()) {
    scope = organisation.empty() ? platform::Scope::Ctg(*target.ctg)
                                 : platform::Scope::CtgSignatory(*target.ctg, organisation);
  }
  absl::StatusOr<platform::Role> role = platform::Authorize(principal, command.permission, scope);
  if (!role.ok()) {
    return Fail(reactor, absl::IsNotFound(role.status()) && !target.hidden.ok() ? target.hidden
                                                                                : role.status());
  }
  if (!target.missing.ok()) return Fail(reactor, target.missing);
  platform::Decider<typename Resource::Aggregate> decide =
      command.decider(Granted{command.permission, *role, principal.subject, target.ctg, now});
  platform::CommandContext context =
      MakeCommandContext(*call, std::move(principal), *role, MethodOf(*command.request),
                         *command.request, command.request_id, now);
  context.reason = std::move(command.reason);
  context.cdt_exchange = std::move(command.cdt_exchange);
  platform::Execute<typename Resource::Aggregate>(
      store, repository, target.stream, std::move(context), command.etag, std::move(decide),
      Respond<Resource>(reactor, response));
  return reactor;
}

// The commands and reads of one kind of resource of a context: its repository, and how a
// stored resource becomes the target the policy checks.
template <typename Resource>
class ResourceCalls {
 public:
  using Aggregate = typename Resource::Aggregate;
  using State = typename Aggregate::State;
  using Message = typename Resource::Message;
  using Snapshot = typename platform::Repository<Aggregate>::Snapshot;
  // The target of a command on the resource `id`, whose snapshot is `snapshot` (its state
  // may not exist); an error (its NOT_FOUND) refuses the command.
  using TargetOf =
      std::function<absl::StatusOr<Target>(absl::string_view id, const Snapshot& snapshot)>;

  // Everything must outlive the calls.
  ResourceCalls(eventstore::EventStore& store, platform::Repository<Aggregate>& repository,
                Clock clock, TargetOf target_of)
      : store_(store),
        repository_(repository),
        clock_(std::move(clock)),
        target_of_(std::move(target_of)) {}

  platform::Repository<Aggregate>& repository() const { return repository_; }
  eventstore::EventStore& store() const { return store_; }
  absl::Time Now() const { return clock_(); }

  // Runs `command` on the existing resource named `name` (its field: `name_field`).
  grpc::ServerUnaryReactor* RunOnExisting(grpc::CallbackServerContext* call,
                                          const std::string& name, absl::string_view name_field,
                                          Command<Aggregate> command, Message* response) const {
    grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
    absl::StatusOr<platform::Principal> principal = Admit(*call, *command.request);
    if (!principal.ok()) return Fail(reactor, principal.status());
    absl::StatusOr<std::string> id = Resource::ParseName(name, name_field);
    if (!id.ok()) return Fail(reactor, id.status());
    if (absl::Status s = CheckCommand(command); !s.ok()) return Fail(reactor, s);
    const Snapshot snapshot = repository_.Get(Resource::Stream(*id));
    absl::StatusOr<Target> target = target_of_(*id, snapshot);
    if (!target.ok()) return Fail(reactor, target.status());
    if (!snapshot.state.exists) target->missing = Resource::NotFound(*id);
    return Execute(call, *std::move(principal), *target, std::move(command), response);
  }

  // Authorizes and runs `command` on `target` for `principal` (admitted, the request checked).
  grpc::ServerUnaryReactor* Execute(grpc::CallbackServerContext* call,
                                    platform::Principal principal, const Target& target,
                                    Command<Aggregate> command, Message* response) const {
    return AuthorizeAndExecute<Resource>(store_, repository_, clock_(), call, std::move(principal),
                                         target, std::move(command), response);
  }

  // Returns the resource named `name` to a caller `read` grants on its target; NOT_FOUND
  // otherwise, word for word as for a missing one.
  grpc::ServerUnaryReactor* Get(grpc::CallbackServerContext* call,
                                const google::protobuf::Message& request, const std::string& name,
                                platform::Permission read, Message* response) const {
    return GetAs(call, request, name, read, response,
                 [](const Snapshot& s) { return Resource::ToMessage(s.state, s.revision); });
  }

  // Get with a conversion of its own.
  grpc::ServerUnaryReactor* GetAs(grpc::CallbackServerContext* call,
                                  const google::protobuf::Message& request, const std::string& name,
                                  platform::Permission read, Message* response,
                                  absl::FunctionRef<Message(const Snapshot&)> convert) const {
    grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
    absl::StatusOr<platform::Principal> principal = Admit(*call, request);
    if (!principal.ok()) return Fail(reactor, principal.status());
    absl::StatusOr<std::string> id = Resource::ParseName(name, "name");
    if (!id.ok()) return Fail(reactor, id.status());
    const Snapshot snapshot = repository_.Get(Resource::Stream(*id));
    absl::StatusOr<Target> target = target_of_(*id, snapshot);
    if (!target.ok()) return Fail(reactor, target.status());
    const platform::Scope scope =
        target->ctg.has_value() ? platform::Scope::Ctg(*target->ctg) : platform::Scope::None();
    if (absl::StatusOr<platform::Role> role = platform::Authorize(*principal, read, scope);
        !role.ok()) {
      return Fail(reactor, target->hidden.ok() ? role.status() : target->hidden);
    }
    if (!snapshot.state.exists) return Fail(reactor, Resource::NotFound(*id));
    *response = convert(snapshot);
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  eventstore::EventStore& store_;
  platform::Repository<Aggregate>& repository_;
  const Clock clock_;
  const TargetOf target_of_;
};

// Pages through `repository` after the stream `after`, calling `add` on each existing state
// until it accepted `page_size` of them (`add` says whether it did). Returns the stream to
// resume after, or empty on the last page.
template <typename Aggregate>
std::string Page(
    const platform::Repository<Aggregate>& repository, const std::string& after, int page_size,
    absl::FunctionRef<bool(const typename platform::Repository<Aggregate>::Snapshot&)> add) {
  int added = 0;
  std::string last;
  bool more = false;
  repository.ForEachAfter(after, [&](const std::string& stream, const auto& snapshot) {
    if (added == page_size) {
      more = true;
      return false;
    }
    last = stream;
    if (snapshot.state.exists && add(snapshot)) ++added;
    return true;
  });
  return more ? last : std::string();
}

}  // namespace ctg::api

#endif  // CTG_SERVICES_API_PIPELINE_H_
