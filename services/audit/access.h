// Which events of the log a principal may see (ARCHITECTURE §6): the audit context's only
// authorization rule. An event is authorized by its stream, through the catalog of the
// stream categories every context declared (services/platform/streams.h: a CTG's streams are
// read as the CTG, a person's as the person, the registry's by everyone, any other stream
// under kReadLog). Nothing here decides on its own: every answer is platform::Authorize's.
//
// Thread safety: the free functions are thread-safe. An AccessCheck is not thread-safe (it
// memoizes); use one per call or per batch.
#ifndef CTG_SERVICES_AUDIT_ACCESS_H_
#define CTG_SERVICES_AUDIT_ACCESS_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "services/platform/principal.h"
#include "services/platform/streams.h"

namespace ctg::eventstore {
struct RecordedEvent;
}

namespace ctg::audit {

// The categories of the log's streams, as every context declared them. In ctgd: the
// composition root's catalog (services/server/modules.h).
using ScopeLookup = platform::StreamCatalog;

// Whether `principal` may read the events of `stream`.
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
  // `principal` and `lookup` must outlive the AccessCheck.
  AccessCheck(const platform::Principal& principal, const ScopeLookup& lookup)
      : principal_(principal), lookup_(lookup) {}

  bool MayReadStream(absl::string_view stream);
  bool MayRead(const eventstore::RecordedEvent& event);

 private:
  const platform::Principal& principal_;
  const ScopeLookup& lookup_;
  absl::flat_hash_map<std::string, bool> by_stream_;
};

}  // namespace ctg::audit

#endif  // CTG_SERVICES_AUDIT_ACCESS_H_
