#include "services/audit/access.h"

#include "eventstore/types.h"

namespace ctg::audit {

bool MayReadStream(const platform::Principal& principal, absl::string_view stream,
                   const ScopeLookup& lookup) {
  return lookup.MayRead(principal, stream);
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
