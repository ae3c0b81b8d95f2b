// Proofs over the log (AuditService.GetCheckpoint, GetInclusionProof, GetConsistencyProof):
// the signed checkpoint and the RFC 6962 proofs that let a client check the log without
// trusting the server.
//
// Thread safety: every function is thread-safe if the lookup it is given is.
#ifndef CTG_SERVICES_AUDIT_PROOFS_H_
#define CTG_SERVICES_AUDIT_PROOFS_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ctg/v1/audit.pb.h"
#include "services/audit/access.h"
#include "services/platform/principal.h"

namespace ctg::eventstore {
class EventStore;
}

namespace ctg::audit {

// The store's latest signed checkpoint with its verifier key. UNAVAILABLE before the store
// signed its first one (it does within a second of its first append).
absl::StatusOr<v1::Checkpoint> LatestCheckpoint(eventstore::EventStore& store);

// Proves that the event at `position` is in the tree of `tree_size` events; `tree_size` 0 means
// the latest checkpoint's size, and that checkpoint is returned in the proof. INVALID_ARGUMENT
// (BadRequest) on "position" if negative or not below the tree size, on "tree_size" if
// negative or beyond the log. NOT_FOUND if `principal` may not read the event (MayRead),
// with the message of a missing event.
absl::StatusOr<v1::InclusionProof> ProveInclusion(eventstore::EventStore& store,
                                                  const platform::Principal& principal,
                                                  const ScopeLookup& lookup,
                                                  int64_t position, int64_t tree_size);

// Proves that the tree of `first_size` events is a prefix of the tree of `second_size`;
// `second_size` 0 means the latest checkpoint's size, and that checkpoint is returned in the
// proof. INVALID_ARGUMENT (BadRequest) on "first_size" unless 1 <= first_size <= second size,
// on "second_size" if negative or beyond the log. The caller checks kReadCheckpoint.
absl::StatusOr<v1::ConsistencyProof> ProveConsistency(eventstore::EventStore& store,
                                                      int64_t first_size, int64_t second_size);

}  // namespace ctg::audit

#endif  // CTG_SERVICES_AUDIT_PROOFS_H_
