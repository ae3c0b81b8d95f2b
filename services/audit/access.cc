#include "services/audit/access.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "eventstore/types.h"

namespace ctg::audit {

bool MayReadStream(const platform::Principal& principal, absl::string_view stream,
                   const ScopeLookup& lookup) {
  if (absl::StartsWith(stream, kCtgStreamPrefix)) {
    const absl::string_view ctg_id = stream.substr(kCtgStreamPrefix.size());
    std::optional<platform::CtgScope> scope;
    if (lookup.ctg) scope = lookup.ctg(ctg_id);
    if (!scope.has_value()) {
      // A CTG that does not resolve has no participant: only the roles that read every CTG
      // read it, and the policy says which those are.
      scope.emplace();
      scope->ctg_id = std::string(ctg_id);
    }
    return platform::Authorize(principal, platform::Permission::kReadCtg,
                               platform::Scope::Ctg(*scope))
        .ok();
  }
  for (absl::string_view prefix : kStaffingStreamPrefixes) {
    if (!absl::StartsWith(stream, prefix)) continue;
    std::optional<platform::CtgScope> scope;
    if (lookup.ctg) scope = lookup.ctg(absl::StrCat("stream:", stream));
    if (!scope.has_value()) scope.emplace();  // unresolved: Caf-wide readers only
    return platform::Authorize(principal, platform::Permission::kReadCtg,
                               platform::Scope::Ctg(*scope))
        .ok();
  }
  if (absl::StartsWith(stream, kPersonStreamPrefix)) {
    std::optional<platform::PersonScope> scope;
    if (lookup.person) scope = lookup.person(stream);
    if (!scope.has_value()) scope.emplace();  // unresolved: caf_admin only
    return platform::Authorize(principal, platform::Permission::kReadPerson,
                               platform::Scope::Person(*scope))
        .ok();
  }
  if (absl::StartsWith(stream, kOrganisationStreamPrefix)) {
    return platform::Authorize(principal, platform::Permission::kReadRegistry,
                               platform::Scope::None())
        .ok();
  }
  return platform::Authorize(principal, platform::Permission::kReadLog, platform::Scope::None())
      .ok();
}

bool MayRead(const platform::Principal& principal, const eventstore::RecordedEvent& event,
             const ScopeLookup& lookup) {
  return MayReadStream(principal, event.stream, lookup);
}

bool AccessCheck::MayReadStream(absl::string_view stream) {
  auto it = by_stream_.find(stream);
  if (it != by_stream_.end()) return it->second;
  const bool allowed = audit::MayReadStream(principal_, stream, lookup_);
  by_stream_.emplace(std::string(stream), allowed);
  return allowed;
}

bool AccessCheck::MayRead(const eventstore::RecordedEvent& event) {
  return MayReadStream(event.stream);
}

}  // namespace ctg::audit
