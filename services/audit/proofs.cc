#include "services/audit/proofs.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store.h"
#include "services/audit/render.h"
#include "services/platform/errors.h"

namespace ctg::audit {
namespace {

// A checkpoint of every committed event: the store signs one if the log grew since the last
// (else returns that one), so a client can at once prove the inclusion of its own writes.
// UNAVAILABLE when none can be had (a client retries).
absl::StatusOr<eventstore::SignedCheckpoint> Latest(eventstore::EventStore& store) {
  absl::StatusOr<eventstore::SignedCheckpoint> latest = store.SignCheckpoint();
  if (absl::IsNotFound(latest.status())) {
    return absl::UnavailableError("no checkpoint has been signed yet; retry in a moment");
  }
  return latest;
}

std::string HashBytes(const tlog::Hash& hash) { return std::string(hash.begin(), hash.end()); }

// Resolves a requested tree size: 0 → the latest checkpoint's (stored in `checkpoint`),
// otherwise the size itself, which must be within the log.
absl::StatusOr<uint64_t> ResolveSize(eventstore::EventStore& store, int64_t requested,
                                     absl::string_view field, v1::Checkpoint* checkpoint) {
  if (requested < 0) return platform::InvalidField(field, "must not be negative");
  if (requested == 0) {
    ASSIGN_OR_RETURN(eventstore::SignedCheckpoint latest, Latest(store));
    *checkpoint = RenderCheckpoint(latest, store.verifier_key());
    return latest.checkpoint.size;
  }
  const uint64_t size = store.Size();
  if (static_cast<uint64_t>(requested) > size) {
    return platform::InvalidField(
        field, absl::StrCat("must not exceed the log's size (", size, ")"));
  }
  return static_cast<uint64_t>(requested);
}

}  // namespace

absl::StatusOr<v1::Checkpoint> LatestCheckpoint(eventstore::EventStore& store) {
  ASSIGN_OR_RETURN(eventstore::SignedCheckpoint latest, Latest(store));
  return RenderCheckpoint(latest, store.verifier_key());
}

absl::StatusOr<v1::InclusionProof> ProveInclusion(eventstore::EventStore& store,
                                                  const platform::Principal& principal,
                                                  const ScopeLookup& lookup,
                                                  int64_t position, int64_t tree_size) {
  if (position < 0) return platform::InvalidField("position", "must not be negative");
  v1::Checkpoint latest;
  ASSIGN_OR_RETURN(const uint64_t size, ResolveSize(store, tree_size, "tree_size", &latest));
  if (static_cast<uint64_t>(position) >= size) {
    return platform::InvalidField(
        "position", absl::StrCat("must be less than the tree size (", size, ")"));
  }
  absl::StatusOr<eventstore::RecordedEvent> event =
      store.GetEvent(static_cast<uint64_t>(position));
  const absl::Status not_found =
      absl::NotFoundError(absl::StrCat("event at position ", position, " not found"));
  if (absl::IsNotFound(event.status())) return not_found;
  RETURN_IF_ERROR(event.status());
  if (!MayRead(principal, *event, lookup)) return not_found;
  ASSIGN_OR_RETURN(std::vector<tlog::Hash> hashes,
                   store.InclusionProof(static_cast<uint64_t>(position), size));
  v1::InclusionProof proof;
  proof.set_position(position);
  proof.set_tree_size(static_cast<int64_t>(size));
  proof.set_leaf_hash(HashBytes(event->leaf_hash));
  for (const tlog::Hash& hash : hashes) proof.add_hashes(HashBytes(hash));
  if (tree_size == 0) *proof.mutable_checkpoint() = std::move(latest);
  return proof;
}

absl::StatusOr<v1::ConsistencyProof> ProveConsistency(eventstore::EventStore& store,
                                                      int64_t first_size, int64_t second_size) {
  if (first_size < 1) return platform::InvalidField("first_size", "must be at least 1");
  v1::Checkpoint latest;
  ASSIGN_OR_RETURN(const uint64_t second,
                   ResolveSize(store, second_size, "second_size", &latest));
  if (static_cast<uint64_t>(first_size) > second) {
    return platform::InvalidField(
        "first_size", absl::StrCat("must not exceed the second size (", second, ")"));
  }
  ASSIGN_OR_RETURN(std::vector<tlog::Hash> hashes,
                   store.ConsistencyProof(static_cast<uint64_t>(first_size), second));
  v1::ConsistencyProof proof;
  proof.set_first_size(first_size);
  proof.set_second_size(static_cast<int64_t>(second));
  for (const tlog::Hash& hash : hashes) proof.add_hashes(HashBytes(hash));
  if (second_size == 0) *proof.mutable_checkpoint() = std::move(latest);
  return proof;
}

}  // namespace ctg::audit
