// Checking ctgd's log without trusting ctgd (eventstore/tlog/README.md, "How a client
// verifies"):
//   - a checkpoint counts only if its note is signed by the pinned verifier key;
//   - tree sizes and roots come from verified checkpoints, never from proof messages;
//   - a newer checkpoint replaces the kept one only once a consistency proof between the two
//     verifies locally (the log was only appended to);
//   - an event is in the log if an inclusion proof verifies locally against the kept
//     checkpoint's root.
// A check that fails is DATA_LOSS (a proof or a root does not match: the log was rewritten,
// truncated or forked) or PERMISSION_DENIED (a signature or a key does not match), and its
// message starts with "verification failed". Calls that fail are converted by RpcError.
//
// Thread safety: the functions are thread-safe as long as no two use the same TrustStore.
#ifndef CTG_CLIENTS_CTG_VERIFICATION_H_
#define CTG_CLIENTS_CTG_VERIFICATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "clients/ctg/connection.h"
#include "clients/ctg/trust_store.h"
#include "ctg/v1/audit.grpc.pb.h"
#include "ctg/v1/audit.pb.h"
#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"

namespace ctg::cli {

// How the log's key is trusted.
struct TrustOptions {
  // A verifier key line obtained out of band (`--verifier_key`, CTG_VERIFIER_KEY). Empty:
  // trust the key the server offers on first use, then the pinned one.
  std::string verifier_key;
};

// The hashes of a proof message. DATA_LOSS if one is not 32 bytes.
absl::StatusOr<std::vector<tlog::Hash>> ProofHashes(
    const google::protobuf::RepeatedPtrField<std::string>& hashes);

// OK iff `proof` proves that the tree of `kept` is a prefix of the tree of `latest`. Sizes
// and roots are taken from the two (verified) checkpoints; the sizes the proof message states
// must be theirs. kept.size must not exceed latest.size.
absl::Status CheckConsistency(const tlog::Checkpoint& kept, const tlog::Checkpoint& latest,
                              const ctg::v1::ConsistencyProof& proof);

// The leaf hash `proof` proves to be leaf `position` of the tree of `against` (a verified
// checkpoint), if it does. The position and size the proof message states must be these.
absl::StatusOr<tlog::Hash> CheckInclusion(uint64_t position, const tlog::Checkpoint& against,
                                          const ctg::v1::InclusionProof& proof);

// The RFC 6962 leaf hash of `event`, recomputed from what the event carries, as the event store
// encodes it (LeafV1, eventstore/encoding.h): SHA-256(0x00 ‖ LeafV1) where LeafV1 =
//   u8 1 ‖ event id (16 bytes) ‖ u16 len ‖ stream ‖ be64 revision ‖ be64 position ‖
//   be64 record time (µs since the epoch) ‖ u16 len ‖ type ‖ SHA-256(metadata_bytes) ‖
//   SHA-256(payload) ‖ SHA-256(u16 count ‖ (u16 len ‖ tag)… of the sorted, distinct tags).
// INVALID_ARGUMENT if the event cannot be such a record (an id that is not a UUID, a stream,
// type or tag longer than 65535 bytes, a negative revision or position); FAILED_PRECONDITION
// if it has metadata but no metadata_bytes (a ctgd too old to send them).
absl::StatusOr<tlog::Hash> RecomputeLeafHash(const ctg::v1::AuditEvent& event);

// What UpdateCheckpoint did.
struct CheckpointUpdate {
  std::string note;             // the latest signed note, as received
  tlog::Checkpoint latest;      // its content, verified with `key`
  tlog::VerifierKey key;        // the key that verified it
  bool key_pinned_now = false;  // true if the key was pinned now (trust on first use)
  std::optional<tlog::Checkpoint> kept_before;  // the checkpoint kept before, if any
  bool consistency_checked = false;             // a consistency proof (or equal roots) was verified
  int consistency_proof_hashes = 0;             // the number of hashes in that proof
  bool replaced = false;                        // `latest` is now the kept checkpoint
};

// Fetches the latest checkpoint (GetCheckpoint), verifies its signature with the key chosen
// by store.ChooseKey (pinning it on first use once the note verifies), and if a checkpoint is
// kept, proves that the kept one is a prefix of the latest (GetConsistencyProof, verified
// locally) before keeping the latest instead. A checkpoint that fails the consistency check
// is saved with TrustStore::KeepRefused and the kept one stays.
absl::StatusOr<CheckpointUpdate> UpdateCheckpoint(ctg::v1::AuditService::StubInterface& audit,
                                                  const CallSettings& call,
                                                  const TrustOptions& trust, TrustStore& store);

// What VerifyEventInclusion proved.
struct InclusionResult {
  uint64_t position = 0;
  tlog::Hash leaf_hash{};                  // the event's leaf hash, proved to be in the tree
  tlog::Checkpoint checkpoint;             // the kept, verified checkpoint it was proved against
  int proof_hashes = 0;                    // the audit path's length
  std::optional<CheckpointUpdate> update;  // set if a newer checkpoint had to be fetched first
};

// Proves that the event at `position` is in the log: against the kept checkpoint, after
// UpdateCheckpoint if none is kept or the position is beyond it. OUT_OF_RANGE if the
// position is beyond the latest checkpoint too.
absl::StatusOr<InclusionResult> VerifyEventInclusion(ctg::v1::AuditService::StubInterface& audit,
                                                     const CallSettings& call,
                                                     const TrustOptions& trust, TrustStore& store,
                                                     uint64_t position);

// Proves that `event`, exactly as received (e.g. from ListEvents), is in the log: recomputes
// its leaf hash (RecomputeLeafHash), checks the server's leaf_hash field against it, and proves
// with VerifyEventInclusion that this leaf is the one at event.position. DATA_LOSS, with a
// message starting "verification failed", if the event's bytes are not what the log committed
// to at its position.
absl::StatusOr<InclusionResult> VerifyEvent(ctg::v1::AuditService::StubInterface& audit,
                                            const CallSettings& call, const TrustOptions& trust,
                                            TrustStore& store, const ctg::v1::AuditEvent& event);

}  // namespace ctg::cli

#endif  // CTG_CLIENTS_CTG_VERIFICATION_H_
