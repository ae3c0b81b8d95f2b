#include "clients/ctg/verification.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "clients/ctg/rpc_errors.h"
#include "eventstore/base/status_macros.h"

namespace ctg::cli {
namespace {

absl::Status VerificationFailed(absl::StatusCode code, absl::string_view what) {
  return absl::Status(code, absl::StrCat("verification failed: ", what));
}

// Saves the refused note and says what it means.
absl::Status RefuseCheckpoint(TrustStore& store, const std::string& note, absl::string_view why) {
  auto path = store.KeepRefused(note, absl::ToUnixSeconds(absl::Now()));
  return VerificationFailed(
      absl::StatusCode::kDataLoss,
      absl::StrCat(why, ".\n  The log was rewritten, truncated or forked after the checkpoint ctg "
                   "kept, or the server is lying. Keep both signed notes: they are the evidence.\n"
                   "  kept:    ", store.checkpoint_path(), "\n  refused: ",
                   path.ok() ? *path : absl::StrCat("(not saved: ", path.status().message(), ")")));
}

}  // namespace

absl::StatusOr<std::vector<tlog::Hash>> ProofHashes(
    const google::protobuf::RepeatedPtrField<std::string>& hashes) {
  std::vector<tlog::Hash> out;
  out.reserve(hashes.size());
  for (int i = 0; i < hashes.size(); ++i) {
    auto hash = tlog::HashFromBytes(hashes[i]);
    if (!hash.ok()) {
      return VerificationFailed(absl::StatusCode::kDataLoss,
                                absl::StrCat("proof hash ", i, " has ", hashes[i].size(),
                                             " bytes, not 32"));
    }
    out.push_back(*hash);
  }
  return out;
}

absl::Status CheckConsistency(const tlog::Checkpoint& kept, const tlog::Checkpoint& latest,
                              const ctg::v1::ConsistencyProof& proof) {
  if (static_cast<uint64_t>(proof.first_size()) != kept.size ||
      static_cast<uint64_t>(proof.second_size()) != latest.size) {
    return VerificationFailed(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the server sent a consistency proof between sizes ", proof.first_size(),
                     " and ", proof.second_size(), " when asked for ", kept.size, " and ",
                     latest.size));
  }
  ASSIGN_OR_RETURN(std::vector<tlog::Hash> hashes, ProofHashes(proof.hashes()));
  absl::Status status =
      tlog::VerifyConsistency(kept.size, latest.size, kept.root, latest.root, hashes);
  if (!status.ok()) {
    return VerificationFailed(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the checkpoint of ", latest.size, " events does not extend the kept one of ",
                     kept.size, " events (", status.message(), ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<tlog::Hash> CheckInclusion(uint64_t position, const tlog::Checkpoint& against,
                                          const ctg::v1::InclusionProof& proof) {
  if (static_cast<uint64_t>(proof.position()) != position ||
      static_cast<uint64_t>(proof.tree_size()) != against.size) {
    return VerificationFailed(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the server sent an inclusion proof of position ", proof.position(),
                     " in a tree of ", proof.tree_size(), " when asked for position ", position,
                     " in a tree of ", against.size));
  }
  auto leaf_hash = tlog::HashFromBytes(proof.leaf_hash());
  if (!leaf_hash.ok()) {
    return VerificationFailed(absl::StatusCode::kDataLoss,
                              absl::StrCat("the leaf hash has ", proof.leaf_hash().size(),
                                           " bytes, not 32"));
  }
  ASSIGN_OR_RETURN(std::vector<tlog::Hash> hashes, ProofHashes(proof.hashes()));
  absl::Status status = tlog::VerifyInclusion(position, against.size, *leaf_hash, hashes, against.root);
  if (!status.ok()) {
    return VerificationFailed(
        absl::StatusCode::kDataLoss,
        absl::StrCat("event ", position, " is not proved to be in the log of ", against.size,
                     " events signed at ", absl::FormatTime(against.time), " (", status.message(), ")"));
  }
  return *leaf_hash;
}

absl::StatusOr<CheckpointUpdate> UpdateCheckpoint(ctg::v1::AuditService::StubInterface& audit,
                                                  const CallSettings& call,
                                                  const TrustOptions& trust, TrustStore& store) {
  ctg::v1::Checkpoint response;
  {
    grpc::ClientContext context;
    PrepareContext(call, &context);
    grpc::Status status = audit.GetCheckpoint(&context, ctg::v1::GetCheckpointRequest(), &response);
    if (!status.ok()) return RpcError(status, call);
  }
  ASSIGN_OR_RETURN(TrustedKey trusted, store.ChooseKey(response.verifier_key(), trust.verifier_key));
  auto latest = tlog::VerifyCheckpoint(response.note(), trusted.key);
  if (!latest.ok()) {
    return VerificationFailed(
        absl::StatusCode::kPermissionDenied,
        absl::StrCat("the checkpoint ctgd sent is not signed by ",
                     trusted.first_use ? "the key it offers" : "the pinned key", " ",
                     trusted.key.ToString(), " (", latest.status().message(), ")"));
  }
  CheckpointUpdate update{.note = response.note(),
                          .latest = *latest,
                          .key = trusted.key,
                          .key_pinned_now = trusted.first_use};
  if (trusted.first_use) RETURN_IF_ERROR(store.Pin(trusted.key));

  ASSIGN_OR_RETURN(std::optional<KeptCheckpoint> kept, store.Kept(trusted.key));
  if (kept.has_value()) {
    const tlog::Checkpoint& old = kept->checkpoint;
    update.kept_before = old;
    if (latest->size < old.size) {
      return RefuseCheckpoint(store, response.note(),
                              absl::StrCat("the log shrank from ", old.size, " to ", latest->size,
                                           " events"));
    }
    if (old.size == 0 || latest->size == old.size) {
      // Nothing to fetch: any tree extends the empty one, and a tree of the same size must
      // have the same root (VerifyConsistency checks exactly that with an empty proof).
      absl::Status same = tlog::VerifyConsistency(old.size, latest->size, old.root, latest->root, {});
      if (!same.ok()) {
        return RefuseCheckpoint(store, response.note(),
                                absl::StrCat("two checkpoints of ", old.size,
                                             " events have different roots"));
      }
    } else {
      ctg::v1::GetConsistencyProofRequest request;
      request.set_first_size(static_cast<int64_t>(old.size));
      request.set_second_size(static_cast<int64_t>(latest->size));
      ctg::v1::ConsistencyProof proof;
      grpc::ClientContext context;
      PrepareContext(call, &context);
      grpc::Status status = audit.GetConsistencyProof(&context, request, &proof);
      if (!status.ok()) return RpcError(status, call);
      absl::Status consistent = CheckConsistency(old, *latest, proof);
      if (!consistent.ok()) {
        return RefuseCheckpoint(store, response.note(), consistent.message());
      }
      update.consistency_proof_hashes = proof.hashes_size();
    }
    update.consistency_checked = true;
  }
  const bool newer = !kept.has_value() || latest->size > kept->checkpoint.size ||
                     latest->time > kept->checkpoint.time;
  if (newer) {
    RETURN_IF_ERROR(store.Keep(response.note()));
    update.replaced = true;
  }
  return update;
}

absl::StatusOr<InclusionResult> VerifyEventInclusion(ctg::v1::AuditService::StubInterface& audit,
                                                     const CallSettings& call,
                                                     const TrustOptions& trust,
                                                     TrustStore& store, uint64_t position) {
  InclusionResult result{.position = position};
  // The kept checkpoint, if a key is known to verify it.
  std::optional<tlog::Checkpoint> against;
  std::optional<tlog::VerifierKey> key;
  if (!trust.verifier_key.empty()) {
    ASSIGN_OR_RETURN(TrustedKey trusted, store.ChooseKey("", trust.verifier_key));
    key = trusted.key;
  } else {
    ASSIGN_OR_RETURN(key, store.PinnedKey());
  }
  if (key.has_value()) {
    ASSIGN_OR_RETURN(std::optional<KeptCheckpoint> kept, store.Kept(*key));
    if (kept.has_value()) against = kept->checkpoint;
  }
  if (!against.has_value() || position >= against->size) {
    ASSIGN_OR_RETURN(CheckpointUpdate update, UpdateCheckpoint(audit, call, trust, store));
    against = update.replaced ? update.latest : *update.kept_before;
    result.update = std::move(update);
  }
  if (position >= against->size) {
    return absl::OutOfRangeError(absl::StrCat(
        "position ", position, " is beyond the latest checkpoint, which covers ", against->size,
        " events (positions 0 to ", static_cast<int64_t>(against->size) - 1,
        "); if the event is new, retry in a moment"));
  }
  ctg::v1::GetInclusionProofRequest request;
  request.set_position(static_cast<int64_t>(position));
  request.set_tree_size(static_cast<int64_t>(against->size));
  ctg::v1::InclusionProof proof;
  grpc::ClientContext context;
  PrepareContext(call, &context);
  grpc::Status status = audit.GetInclusionProof(&context, request, &proof);
  if (!status.ok()) return RpcError(status, call);
  ASSIGN_OR_RETURN(result.leaf_hash, CheckInclusion(position, *against, proof));
  result.checkpoint = *against;
  result.proof_hashes = proof.hashes_size();
  return result;
}

}  // namespace ctg::cli
