// What the StaffingService handlers share (private to the staffing module): the traits of its
// three resources for the command pipeline (services/api/pipeline.h), the side a call acts
// for, the CDT it stamps, conversions to the API's messages.
#ifndef CTG_SERVICES_STAFFING_API_STAFFING_INTERNAL_H_
#define CTG_SERVICES_STAFFING_API_STAFFING_INTERNAL_H_

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
#include "services/api/pipeline.h"
#include "services/platform/errors.h"
#include "services/platform/policy.h"
#include "services/staffing/api/staffing_module.h"
#include "services/staffing/fields.h"
#include "services/staffing/party.h"

namespace ctg::staffing_api {

using api::Command;
using api::kDefaultPageSize;
using api::kMaxPageSize;
using api::Today;
using staffing::PostAggregate;
using staffing::RecruitmentAggregate;
using staffing::ReplacementAggregate;

// The side a step authorized under `permission` and `role` is recorded for: kActAsEmployer is
// the employer's, kActAsCaf the Caf's, kActAsEitherParty the Caf's for the Caf's roles
// (platform::ActsForCaf) and the employer's otherwise.
staffing::Party PartyFor(platform::Permission permission, platform::Role role);

// The NOT_FOUND of a staffing resource that does not exist or that the caller may not read.
inline absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " not found"));
}

// Conversions to the API's resources (staffing_common.cc).
v1::Post ToPost(const staffing::PostState& state, std::optional<uint64_t> revision, bool full);
v1::Recruitment ToRecruitment(const staffing::RecruitmentState& state,
                              std::optional<uint64_t> revision);
v1::Replacement ToReplacement(const staffing::ReplacementState& state,
                              std::optional<uint64_t> revision);
// `posts/{post}/changes/{change}/exchanges/{exchange}` (staffing::ChangeName for the change).
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

// Who acts, from what the policy granted.
Acting ActingOf(const api::Granted& granted);

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
// Acting::Cdt, if the command has them) come from what was granted, never from the request;
// then staffing::Decide with the lookups `lookups()` returns.
template <typename Aggregate, typename Cmd, typename LookupsFn>
std::function<platform::Decider<Aggregate>(const api::Granted&)> MakeDecider(
    Cmd command, LookupsFn lookups, DeciderOptions<Cmd> options = {}) {
  return [command = std::move(command), lookups = std::move(lookups), options = std::move(options)](
             const api::Granted& granted) -> platform::Decider<Aggregate> {
    const Acting acting = ActingOf(granted);
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
        return options.rename ? api::RenameFields(events.status(), options.rename)
                              : events.status();
      }
      if (options.after) {
        if (absl::Status checked = options.after(completed); !checked.ok()) return checked;
      }
      return events;
    };
  };
}

// The traits of each staffing resource (services/api/pipeline.h), with the CTG and the
// employer the policy checks.
template <typename Aggregate>
struct Resource;

template <>
struct Resource<PostAggregate> {
  using Aggregate = PostAggregate;
  using Message = v1::Post;
  static platform::Repository<Aggregate>& Of(StaffingModule& module) { return module.posts(); }
  static absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view field) {
    return staffing::ParsePostName(name, field);
  }
  static std::string Stream(absl::string_view id) { return staffing::PostStream(id); }
  static std::string Name(absl::string_view id) { return staffing::PostName(id); }
  static absl::Status NotFound(absl::string_view id) { return staffing_api::NotFound(Name(id)); }
  static const std::string& Ctg(const staffing::PostState& state) { return state.ctg; }
  static const std::string& Employer(const staffing::PostState& state) { return state.employer; }
  static Message ToMessage(const staffing::PostState& state, std::optional<uint64_t> revision) {
    return ToPost(state, revision, /*full=*/true);
  }
};

template <>
struct Resource<RecruitmentAggregate> {
  using Aggregate = RecruitmentAggregate;
  using Message = v1::Recruitment;
  static platform::Repository<Aggregate>& Of(StaffingModule& module) {
    return module.recruitments();
  }
  static absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view field) {
    return staffing::ParseRecruitmentName(name, field);
  }
  static std::string Stream(absl::string_view id) { return staffing::RecruitmentStream(id); }
  static std::string Name(absl::string_view id) { return staffing::RecruitmentName(id); }
  static absl::Status NotFound(absl::string_view id) { return staffing_api::NotFound(Name(id)); }
  static const std::string& Ctg(const staffing::RecruitmentState& state) { return state.ctg; }
  static const std::string& Employer(const staffing::RecruitmentState& state) {
    return state.employer;
  }
  static Message ToMessage(const staffing::RecruitmentState& state,
                           std::optional<uint64_t> revision) {
    return ToRecruitment(state, revision);
  }
};

template <>
struct Resource<ReplacementAggregate> {
  using Aggregate = ReplacementAggregate;
  using Message = v1::Replacement;
  static platform::Repository<Aggregate>& Of(StaffingModule& module) {
    return module.replacements();
  }
  static absl::StatusOr<std::string> ParseName(absl::string_view name, absl::string_view field) {
    return staffing::ParseReplacementName(name, field);
  }
  static std::string Stream(absl::string_view id) { return staffing::ReplacementStream(id); }
  static std::string Name(absl::string_view id) { return staffing::ReplacementName(id); }
  static absl::Status NotFound(absl::string_view id) { return staffing_api::NotFound(Name(id)); }
  static const std::string& Ctg(const staffing::ReplacementState& state) {
    return state.request.ctg();
  }
  static const std::string& Employer(const staffing::ReplacementState& state) {
    return state.request.employer();
  }
  static Message ToMessage(const staffing::ReplacementState& state,
                           std::optional<uint64_t> revision) {
    return ToReplacement(state, revision);
  }
};

// What a new staffing resource acts on: its stream, the CTG and employer the policy checks
// (ids: `val-orbe`, `249900028`), and what a caller who may not see it gets.
struct Target {
  std::string stream;
  std::string ctg_id;
  std::string employer_siren;
  absl::Status hidden;
};

// The target `stream` of a staffing resource in `ctg_name`, employed by `employer_name`.
inline Target TargetOf(std::string stream, const std::string& ctg_name,
                       const std::string& employer_name, absl::Status hidden) {
  return Target{std::move(stream), staffing::IdOf(ctg_name, staffing::kCtgNamePrefix),
                staffing::IdOf(employer_name, partners::kNamePrefix), std::move(hidden)};
}

// The pipeline's target of `target`: its CTG resolved now; `target.hidden` if it does not.
absl::StatusOr<api::Target> Resolve(const StaffingModule& module, const Target& target);

// The pipeline of a staffing resource: an existing one acts in its CTG, for its employer; a
// CTG that does not resolve, or that the caller may not read, hides it.
template <typename Aggregate>
api::ResourceCalls<Resource<Aggregate>> CallsOf(StaffingModule& module, api::Clock clock) {
  using R = Resource<Aggregate>;
  return api::ResourceCalls<R>(
      module.store(), R::Of(module), std::move(clock),
      [&module](absl::string_view id, const auto& snapshot) -> absl::StatusOr<api::Target> {
        if (!snapshot.state.exists) return R::NotFound(id);
        return Resolve(module, TargetOf(R::Stream(id), R::Ctg(snapshot.state),
                                        R::Employer(snapshot.state), R::NotFound(id)));
      });
}

// Makes a create with the client-chosen `id` refuse a resource of that id the caller may not
// read (its CTG is not readable) with the NOT_FOUND a read of it gets, before the decider
// sees it: a taken id tells the caller nothing more than a read does.
template <typename Aggregate>
void RefuseHiddenExisting(const StaffingModule& module, const platform::Principal& caller,
                          const std::string& id, Command<Aggregate>& command) {
  using R = Resource<Aggregate>;
  command.decider = [module = &module, caller, id,
                     decider = std::move(command.decider)](const api::Granted& granted) {
    return platform::Decider<Aggregate>([module, caller, id, decide = decider(granted)](
                                            const typename Aggregate::State& state) mutable
                                        -> absl::StatusOr<std::vector<typename Aggregate::Event>> {
      if (state.exists) {
        std::optional<platform::CtgScope> scope =
            module->CtgScopeOf(staffing::IdOf(R::Ctg(state), staffing::kCtgNamePrefix));
        if (!scope.has_value() || !platform::CanReadCtg(caller, *scope)) {
          return R::NotFound(id);
        }
      }
      return decide(state);
    });
  };
}

// Whether a principal reads CTGs, memoized for one call.
class ReadableCtgs {
 public:
  ReadableCtgs(const StaffingModule& module, const platform::Principal& principal)
      : module_(module), principal_(principal) {}
  // `ctg` is `ctgs/{id}`.
  bool operator()(const std::string& ctg);
  // The CDT of `ctg`, once asked about.
  std::string CdtOf(const std::string& ctg) const;

 private:
  const StaffingModule& module_;
  const platform::Principal& principal_;
  std::map<std::string, std::optional<platform::CtgScope>> scopes_;
};

// The id of a list's `ctg` filter (empty if unset), checked: NOT_FOUND if the CTG does not
// exist or the caller may not read it (a parent the caller cannot see).
absl::StatusOr<std::string> CtgFilter(const StaffingModule& module,
                                      const platform::Principal& principal, absl::string_view ctg,
                                      absl::string_view field);

// Pages through `repository` after the stream `after`, calling `add` on each resource `keep`
// accepts and whose CTG the caller reads, until `page_size` were added. Returns the stream to
// resume after, or empty on the last page.
template <typename Aggregate>
std::string Page(
    const StaffingModule& module, const platform::Principal& principal,
    const platform::Repository<Aggregate>& repository, const std::string& after, int page_size,
    absl::FunctionRef<bool(const typename Aggregate::State&)> keep,
    absl::FunctionRef<void(const typename platform::Repository<Aggregate>::Snapshot&)> add) {
  ReadableCtgs readable(module, principal);
  return api::Page(repository, after, page_size, [&](const auto& snapshot) {
    if (!keep(snapshot.state) || !readable(Resource<Aggregate>::Ctg(snapshot.state))) return false;
    add(snapshot);
    return true;
  });
}

}  // namespace ctg::staffing_api

#endif  // CTG_SERVICES_STAFFING_API_STAFFING_INTERNAL_H_
