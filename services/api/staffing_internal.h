// What the StaffingService handlers share (private to services/api): the traits of the three
// resources, the side a call acts for, conversions to the API's messages, and the one path
// every command takes: principal → well-formedness → request checks → policy → Execute →
// convert.
#ifndef CTG_SERVICES_API_STAFFING_INTERNAL_H_
#define CTG_SERVICES_API_STAFFING_INTERNAL_H_

#include <grpcpp/server_context.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctg/v1/staffing.pb.h"
#include "google/type/date.pb.h"
#include "services/api/call_context.h"
#include "services/api/registry.h"
#include "services/api/status.h"
#include "services/api/validation.h"
#include "services/platform/command_handler.h"
#include "services/platform/errors.h"
#include "services/platform/policy.h"
#include "services/staffing/fields.h"
#include "services/staffing/party.h"

namespace ctg::api::staffing_api {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// The full gRPC method name of a StaffingService RPC.
inline std::string Method(absl::string_view rpc) {
  return absl::StrCat("/ctg.v1.StaffingService/", rpc);
}

// Today's date in Europe/Paris (UTC if the zone is unknown) at `now`: the "today" of the
// deciders, which refuse facts dated after it.
google::type::Date Today(absl::Time now);

// The side a step authorized under `permission` and `role` is recorded for: kActAsEmployer is
// the employer's, kActAsCaf the Caf's, kActAsEitherParty the Caf's for the Caf's roles
// (platform::ActsForCaf) and the employer's otherwise.
staffing::Party PartyFor(platform::Permission permission, platform::Role role);

// `status` with the field paths of its BadRequest renamed by `rename` (a decider names the
// command's fields; a request may hold them under another path). Other statuses unchanged.
absl::Status RenameFields(const absl::Status& status,
                          const std::function<std::string(absl::string_view)>& rename);

// FAILED_PRECONDITION PERSON_NOT_FOUND unless `person` (`persons/{id}`) is registered.
absl::Status RequirePerson(const Registry& registry, absl::string_view person,
                           absl::string_view field);

// The NOT_FOUND of a staffing resource that does not exist or that the caller may not read.
inline absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " not found"));
}

// Conversions to the API's resources (staffing_convert.cc).
v1::Post ToPost(const staffing::PostState& state, std::optional<uint64_t> revision, bool full);
v1::Recruitment ToRecruitment(const staffing::RecruitmentState& state,
                              std::optional<uint64_t> revision);
v1::Replacement ToReplacement(const staffing::ReplacementState& state,
                              std::optional<uint64_t> revision);
// `posts/{post}/changes/{change}/exchanges/{exchange}` (the change's name is
// staffing::ChangeName).
std::string ExchangeName(absl::string_view post_id, absl::string_view change_id,
                         absl::string_view exchange_id);

// Who acts in a command, once the policy granted it.
struct Acting {
  staffing::Party party = staffing::Party::kUnspecified;
  // The caller's token subject.
  std::string subject;
  // The CTG acted in, `ctgs/{id}`, and the subject of the CDT who follows it (or empty).
  std::string ctg;
  std::string ctg_cdt;
  google::type::Date today;
  absl::Time now;

  // The CDT to stamp on what is recorded with the Caf: the caller on the Caf's side, the CTG's
  // CDT on the employer's.
  std::string Cdt() const { return party == staffing::Party::kCaf ? subject : ctg_cdt; }
};

// FAILED_PRECONDITION CDT_NOT_ASSIGNED when `acting` has no CDT to stamp.
absl::Status RequireCdt(const Acting& acting);

// Optional parts of a decider built by MakeDecider.
template <typename Cmd>
struct DeciderOptions {
  // Completes the command with what comes from the caller (beyond the side, today and the
  // CDT, which MakeDecider sets on every command that has them); may refuse.
  std::function<absl::Status(Cmd&, const Acting&)> complete;
  // Checks made once the decider accepted the command (what it cannot know: persons…).
  std::function<absl::Status(const Cmd&)> after;
  // Renames the decider's field paths to the request's.
  std::function<std::string(absl::string_view)> rename;
};

// The decider of `command` for a caller: its `party` (and `today`, and `cdt` stamped as
// Acting::Cdt, if the command has them) come from the caller, never from the request; then
// staffing::Decide with the lookups `lookups()` returns.
template <typename Aggregate, typename Cmd, typename LookupsFn>
std::function<platform::Decider<Aggregate>(const Acting&)> MakeDecider(
    Cmd command, LookupsFn lookups, DeciderOptions<Cmd> options = {}) {
  return [command = std::move(command), lookups = std::move(lookups),
          options = std::move(options)](const Acting& acting) -> platform::Decider<Aggregate> {
    Cmd completed = command;
    completed.party = acting.party;
    absl::Status ready;
    if constexpr (requires(Cmd & c) { c.today = acting.today; }) completed.today = acting.today;
    if constexpr (requires(Cmd & c) { c.cdt = acting.Cdt(); }) {
      completed.cdt = acting.Cdt();
      ready = RequireCdt(acting);
    }
    if (ready.ok() && options.complete) ready = options.complete(completed, acting);
    return [completed = std::move(completed), lookups, options,
            ready](const typename Aggregate::State& state)
               -> absl::StatusOr<std::vector<typename Aggregate::Event>> {
      if (!ready.ok()) return ready;
      absl::StatusOr<std::vector<typename Aggregate::Event>> events =
          staffing::Decide(state, completed, lookups());
      if (!events.ok()) {
        return options.rename ? RenameFields(events.status(), options.rename) : events.status();
      }
      if (options.after) {
        if (absl::Status checked = options.after(completed); !checked.ok()) return checked;
      }
      return events;
    };
  };
}

// The traits of each staffing resource.
template <typename Aggregate>
struct Resource;

template <>
struct Resource<PostAggregate> {
  using Message = v1::Post;
  static platform::Repository<PostAggregate>& Of(Registry& registry) { return registry.posts(); }
  static absl::StatusOr<std::string> Parse(absl::string_view name, absl::string_view field) {
    return staffing::ParsePostName(name, field);
  }
  static std::string Stream(absl::string_view id) { return staffing::PostStream(id); }
  static std::string Name(absl::string_view id) { return staffing::PostName(id); }
  static const std::string& Ctg(const staffing::PostState& state) { return state.ctg; }
  static const std::string& Employer(const staffing::PostState& state) { return state.employer; }
  static Message Convert(const staffing::PostState& state, std::optional<uint64_t> revision) {
    return ToPost(state, revision, /*full=*/true);
  }
};

template <>
struct Resource<RecruitmentAggregate> {
  using Message = v1::Recruitment;
  static platform::Repository<RecruitmentAggregate>& Of(Registry& registry) {
    return registry.recruitments();
  }
  static absl::StatusOr<std::string> Parse(absl::string_view name, absl::string_view field) {
    return staffing::ParseRecruitmentName(name, field);
  }
  static std::string Stream(absl::string_view id) { return staffing::RecruitmentStream(id); }
  static std::string Name(absl::string_view id) { return staffing::RecruitmentName(id); }
  static const std::string& Ctg(const staffing::RecruitmentState& state) { return state.ctg; }
  static const std::string& Employer(const staffing::RecruitmentState& state) {
    return state.employer;
  }
  static Message Convert(const staffing::RecruitmentState& state,
                         std::optional<uint64_t> revision) {
    return ToRecruitment(state, revision);
  }
};

template <>
struct Resource<ReplacementAggregate> {
  using Message = v1::Replacement;
  static platform::Repository<ReplacementAggregate>& Of(Registry& registry) {
    return registry.replacements();
  }
  static absl::StatusOr<std::string> Parse(absl::string_view name, absl::string_view field) {
    return staffing::ParseReplacementName(name, field);
  }
  static std::string Stream(absl::string_view id) { return staffing::ReplacementStream(id); }
  static std::string Name(absl::string_view id) { return staffing::ReplacementName(id); }
  static const std::string& Ctg(const staffing::ReplacementState& state) {
    return state.request.ctg();
  }
  static const std::string& Employer(const staffing::ReplacementState& state) {
    return state.request.employer();
  }
  static Message Convert(const staffing::ReplacementState& state,
                         std::optional<uint64_t> revision) {
    return ToReplacement(state, revision);
  }
};

// One command of a staffing resource: what to authorize and how to decide it.
template <typename Aggregate>
struct Command {
  const google::protobuf::Message* request = nullptr;
  std::string method;
  platform::Permission permission = platform::Permission::kActAsEmployer;
  std::string etag;
  std::string request_id;
  // Why, when the command takes one (the event's metadata).
  std::string reason;
  // The exchange with the CDT a change rests on (the event's metadata).
  std::string cdt_exchange;
  // A request check that failed before deciding.
  absl::Status invalid;
  // The decider, once the side and the caller are known.
  std::function<platform::Decider<Aggregate>(const Acting&)> decider;
};

// What a command acts on.
struct Target {
  std::string stream;
  // The CTG and employer the policy checks (ids: `val-orbe`, `249900028`).
  std::string ctg_id;
  std::string employer_siren;
  // What a caller who may not see the target gets.
  absl::Status hidden;
};

// The target `stream` of a staffing resource in `ctg_name`, employed by `employer_name`.
inline Target TargetOf(std::string stream, const std::string& ctg_name,
                       const std::string& employer_name, absl::Status hidden) {
  return Target{std::move(stream), staffing::IdOf(ctg_name, staffing::kCtgNamePrefix),
                staffing::IdOf(employer_name, partners::kNamePrefix), std::move(hidden)};
}

// Finishes a command's call with the resulting resource or the error.
template <typename Aggregate>
platform::OutcomeCallback<Aggregate> Respond(grpc::ServerUnaryReactor* reactor,
                                             typename Resource<Aggregate>::Message* response) {
  return [reactor, response](absl::StatusOr<platform::Outcome<Aggregate>> outcome) {
    if (!outcome.ok()) return reactor->Finish(ToGrpcStatus(outcome.status()));
    *response = Resource<Aggregate>::Convert(outcome->state, outcome->revision);
    reactor->Finish(grpc::Status::OK);
  };
}

absl::Status CheckReasonLength(absl::string_view reason);

// Authorizes `command` on `target` and executes it. `principal` was authenticated and the
// request checked.
template <typename Aggregate>
grpc::ServerUnaryReactor* AuthorizeAndExecute(Registry& registry, absl::Time now,
                                              grpc::CallbackServerContext* call,
                                              platform::Principal principal, const Target& target,
                                              Command<Aggregate> command,
                                              typename Resource<Aggregate>::Message* response) {
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  std::optional<platform::CtgScope> scope = registry.CtgScopeOf(target.ctg_id);
  if (!scope.has_value()) return Fail(reactor, target.hidden);
  absl::StatusOr<platform::Role> role = platform::Authorize(
      principal, command.permission, platform::Scope::CtgSignatory(*scope, target.employer_siren));
  if (!role.ok()) {
    return Fail(reactor, absl::IsNotFound(role.status()) ? target.hidden : role.status());
  }
  Acting acting{PartyFor(command.permission, *role),
                principal.subject,
                absl::StrCat(staffing::kCtgNamePrefix, target.ctg_id),
                scope->cdt,
                Today(now),
                now};
  platform::Decider<Aggregate> decide = command.decider(acting);
  platform::CommandContext context = MakeCommandContext(*call, std::move(principal), *role,
                                                        command.method, *command.request,
                                                        command.request_id, now);
  context.reason = command.reason;
  context.cdt_exchange = command.cdt_exchange;
  platform::Execute<Aggregate>(registry.store(), Resource<Aggregate>::Of(registry), target.stream,
                               std::move(context), command.etag, std::move(decide),
                               Respond<Aggregate>(reactor, response));
  return reactor;
}

// Makes a create with the client-chosen `id` refuse a resource of that id the caller may not
// read (its CTG is not readable) with the NOT_FOUND a read of it gets, before the decider
// sees it: a taken id tells the caller nothing more than a read does.
template <typename Aggregate>
void RefuseHiddenExisting(Registry& registry, const platform::Principal& caller,
                          const std::string& id, Command<Aggregate>& command) {
  using R = Resource<Aggregate>;
  command.decider = [registry = &registry, caller, id,
                     decider = std::move(command.decider)](const Acting& acting) {
    return platform::Decider<Aggregate>(
        [registry, caller, id, decide = decider(acting)](
            const typename Aggregate::State& state) mutable
            -> absl::StatusOr<std::vector<typename Aggregate::Event>> {
          if (state.exists) {
            std::optional<platform::CtgScope> scope = registry->CtgScopeOf(
                staffing::IdOf(R::Ctg(state), staffing::kCtgNamePrefix));
            if (!scope.has_value() || !platform::CanReadCtg(caller, *scope)) {
              return NotFound(R::Name(id));
            }
          }
          return decide(state);
        });
  };
}

// Runs `command` on the existing resource named `name` (its field: `name_field`).
template <typename Aggregate>
grpc::ServerUnaryReactor* RunOnExisting(Registry& registry, absl::Time now,
                                        grpc::CallbackServerContext* call, const std::string& name,
                                        absl::string_view name_field, Command<Aggregate> command,
                                        typename Resource<Aggregate>::Message* response) {
  using R = Resource<Aggregate>;
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(*command.request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<std::string> id = R::Parse(name, name_field);
  if (!id.ok()) return Fail(reactor, id.status());
  if (absl::Status s = platform::ValidateRequestId(command.request_id, "request_id"); !s.ok()) {
    return Fail(reactor, s);
  }
  if (absl::Status s = CheckReasonLength(command.reason); !s.ok()) return Fail(reactor, s);
  if (!command.invalid.ok()) return Fail(reactor, command.invalid);
  const std::string stream = R::Stream(*id);
  auto snapshot = R::Of(registry).Get(stream);
  const absl::Status not_found = NotFound(R::Name(*id));
  if (!snapshot.state.exists) return Fail(reactor, not_found);
  const Target target =
      TargetOf(stream, R::Ctg(snapshot.state), R::Employer(snapshot.state), not_found);
  return AuthorizeAndExecute<Aggregate>(registry, now, call, *std::move(principal), target,
                                        std::move(command), response);
}

// Returns the resource named `name` to a caller who may read its CTG; NOT_FOUND otherwise.
template <typename Aggregate>
grpc::ServerUnaryReactor* RunGet(
    Registry& registry, grpc::CallbackServerContext* call, const google::protobuf::Message& request,
    const std::string& name, typename Resource<Aggregate>::Message* response,
    const std::function<typename Resource<Aggregate>::Message(
        const typename platform::Repository<Aggregate>::Snapshot&)>& convert) {
  using R = Resource<Aggregate>;
  grpc::ServerUnaryReactor* reactor = call->DefaultReactor();
  absl::StatusOr<platform::Principal> principal = PrincipalOf(*call);
  if (!principal.ok()) return Fail(reactor, principal.status());
  if (absl::Status s = CheckWellFormed(request); !s.ok()) return Fail(reactor, s);
  absl::StatusOr<std::string> id = R::Parse(name, "name");
  if (!id.ok()) return Fail(reactor, id.status());
  auto snapshot = R::Of(registry).Get(R::Stream(*id));
  const absl::Status not_found = NotFound(R::Name(*id));
  if (!snapshot.state.exists) return Fail(reactor, not_found);
  std::optional<platform::CtgScope> scope =
      registry.CtgScopeOf(staffing::IdOf(R::Ctg(snapshot.state), staffing::kCtgNamePrefix));
  if (!scope.has_value() ||
      !platform::Authorize(*principal, platform::Permission::kReadCtg, platform::Scope::Ctg(*scope))
           .ok()) {
    return Fail(reactor, not_found);
  }
  *response = convert(snapshot);
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

// Whether a principal reads CTGs, memoized for one call.
class ReadableCtgs {
 public:
  ReadableCtgs(const Registry& registry, const platform::Principal& principal)
      : registry_(registry), principal_(principal) {}
  // `ctg` is `ctgs/{id}`.
  bool operator()(const std::string& ctg);
  // The CDT of `ctg`, once asked about.
  std::string CdtOf(const std::string& ctg) const;

 private:
  const Registry& registry_;
  const platform::Principal& principal_;
  std::map<std::string, std::optional<platform::CtgScope>> scopes_;
};

// The id of a list's `ctg` filter (empty if unset), checked: NOT_FOUND if the CTG does not
// exist or the caller may not read it (a parent the caller cannot see).
absl::StatusOr<std::string> CtgFilter(const Registry& registry,
                                      const platform::Principal& principal, absl::string_view ctg,
                                      absl::string_view field);

// Pages through `repository` after the stream `after`, calling `add` on each resource `keep`
// accepts and whose CTG the caller reads, until `page_size` were added. Returns the stream to
// resume after, or empty on the last page.
template <typename Aggregate>
std::string Page(
    const Registry& registry, const platform::Principal& principal,
    const platform::Repository<Aggregate>& repository, const std::string& after, int page_size,
    absl::FunctionRef<bool(const typename Aggregate::State&)> keep,
    absl::FunctionRef<void(const typename platform::Repository<Aggregate>::Snapshot&)> add) {
  ReadableCtgs readable(registry, principal);
  int added = 0;
  std::string last;
  bool more = false;
  repository.ForEachAfter(after, [&](const std::string& stream, const auto& snapshot) {
    if (added == page_size) {
      more = true;
      return false;
    }
    last = stream;
    if (!snapshot.state.exists || !keep(snapshot.state)) return true;
    if (!readable(Resource<Aggregate>::Ctg(snapshot.state))) return true;
    add(snapshot);
    ++added;
    return true;
  });
  return more ? last : std::string();
}

}  // namespace ctg::api::staffing_api

#endif  // CTG_SERVICES_API_STAFFING_INTERNAL_H_
