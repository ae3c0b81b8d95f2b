// Which events of the log a principal may see (ARCHITECTURE §6): the audit context's only
// authorization rule, decided by the platform's policy module.
//
// An event is authorized by its stream:
//   ctg-{id}, and the staffing streams post-, recruitment-, replacement- of a CTG
//              Permission::kReadCtg on the CTG's current scope; a CTG that no longer resolves
//              (unknown id) has an empty scope, which only caf_admin and caf_commission read
//   org-{siren} Permission::kReadRegistry (the public organisation registry)
//   person-{id} Permission::kReadPerson on the person's current scope (no personal data is in
//              the log in clear, but who was registered, by whom and why they were read is
//              the person's business); a person that does not resolve has an empty scope, which
//              only caf_admin reads
//   otherwise  Permission::kReadLog (caf_admin, caf_cdt, caf_commission)
// Nothing here decides on its own: every answer is platform::Authorize's.
//
// Thread safety: the free functions are thread-safe if the lookups are. An AccessCheck is not
// thread-safe (it memoizes); use one per call or per batch.
#ifndef CTG_SERVICES_AUDIT_ACCESS_H_
#define CTG_SERVICES_AUDIT_ACCESS_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "services/platform/policy.h"
#include "services/platform/principal.h"

namespace ctg::eventstore {
struct RecordedEvent;
}

namespace ctg::audit {

// Streams of CTGs and of organisations. The same prefixes as plans::kStreamPrefix and
// partners::kStreamPrefix (checked by the tests), repeated so that the audit context does not
// depend on the deciders.
inline constexpr absl::string_view kCtgStreamPrefix = "ctg-";
inline constexpr absl::string_view kOrganisationStreamPrefix = "org-";

// Streams of the persons context (persons::kStreamPrefix): read as their person.
inline constexpr absl::string_view kPersonStreamPrefix = "person-";

// Streams of the staffing context, which belong to a CTG: their events are read as the CTG's.
inline constexpr absl::string_view kStaffingStreamPrefixes[] = {"post-", "recruitment-",
                                                                "replacement-"};

// Who takes part in the CTG `key` now; nothing if it does not exist. `key` is a CTG id, or
// "stream:" followed by the name of a staffing stream (a CTG id has no ':'), whose CTG the
// lookup resolves. In ctgd: Registry::CtgScopeOf.
using CtgScopeLookup = std::function<std::optional<platform::CtgScope>(absl::string_view ctg_id)>;

// Whom the person of the `person-{id}` stream `stream` concerns; nothing if there is none. In
// ctgd: Registry::PersonScopeOfStream.
using PersonScopeLookup =
    std::function<std::optional<platform::PersonScope>(absl::string_view stream)>;

// What the rule looks up. Either may be empty: nothing then resolves.
struct ScopeLookup {
  ScopeLookup(CtgScopeLookup ctg = nullptr, PersonScopeLookup person = nullptr)  // NOLINT
      : ctg(std::move(ctg)), person(std::move(person)) {}
  CtgScopeLookup ctg;
  PersonScopeLookup person;
};

// Whether `principal` may read the events of `stream` (see the table above).
bool MayReadStream(const platform::Principal& principal, absl::string_view stream,
                   const ScopeLookup& lookup);

// Whether `principal` may read `event`: MayReadStream of its stream.
bool MayRead(const platform::Principal& principal, const eventstore::RecordedEvent& event,
             const ScopeLookup& lookup);

// MayReadStream memoized per stream, for a scan that meets the same streams many times. The
// answers are those of the moment each stream was first asked about; keep an AccessCheck for
// one call only, so that a change of a CTG's scope applies to the next call.
class AccessCheck {
 public:
  // `principal` must outlive the AccessCheck.
  AccessCheck(const platform::Principal& principal, ScopeLookup lookup)
      : principal_(principal), lookup_(std::move(lookup)) {}

  bool MayReadStream(absl::string_view stream);
  bool MayRead(const eventstore::RecordedEvent& event);

 private:
  const platform::Principal& principal_;
  const ScopeLookup lookup_;
  absl::flat_hash_map<std::string, bool> by_stream_;
};

}  // namespace ctg::audit

#endif  // CTG_SERVICES_AUDIT_ACCESS_H_
