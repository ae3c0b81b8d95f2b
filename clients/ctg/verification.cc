#include "clients/ctg/verification.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
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
      absl::StrCat(why,
                   ".\n  The log was rewritten, truncated or forked after the checkpoint ctg "
                   "kept, or the server is lying. Keep both signed notes: they are the evidence.\n"
                   "  kept:    ",
                   store.checkpoint_path(), "\n  refused: ",
                   path.ok() ? *path : absl::StrCat("(not saved: ", path.status().message(), ")")));
}

}  // namespace

absl::StatusOr<tlog::Hash> RecomputeLeafHash(const ctg::v1::AuditEvent& event) {
  const auto invalid = [&](absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat("the event at position ", event.position(), " ", what));
  };
  // The id, "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in either case, as its 16 bytes.
  std::string id;
  for (size_t i = 0; i < event.event_id().size(); ++i) {
    const char c = event.event_id()[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return invalid("has an event id that is not a UUID");
      continue;
    }
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) {
      return invalid("has an event id that is not a UUID");
    }
    id.push_back(c);
  }
  if (event.event_id().size() != 36 || id.size() != 32) {
    return invalid("has an event id that is not a UUID");
  }
  const std::string id_bytes = absl::HexStringToBytes(id);
  if (event.position() < 0 || event.revision() < 0) {
    return invalid("has a negative position or revision");
  }
  if (event.metadata_bytes().empty() && event.has_metadata()) {
    return absl::FailedPreconditionError(
        "this ctgd does not send the events' metadata bytes (AuditEvent.metadata_bytes), so ctg "
        "cannot recompute their leaves: upgrade ctgd");
  }
  const auto put_u16 = [](std::string* out, size_t value) {
    out->push_back(static_cast<char>((value >> 8) & 0xff));
    out->push_back(static_cast<char>(value & 0xff));
  };
  const auto put_u64 = [](std::string* out, uint64_t value) {
    for (int shift = 56; shift >= 0; shift -= 8) out->push_back(static_cast<char>(value >> shift));
  };
  std::vector<std::string> tags(event.tags().begin(), event.tags().end());
  std::sort(tags.begin(), tags.end());
  tags.erase(std::unique(tags.begin(), tags.end()), tags.end());
  if (tags.size() > 0xffff) return invalid("has too many tags");
  std::string tags_encoding;
  put_u16(&tags_encoding, tags.size());
  for (const std::string& tag : tags) {
    if (tag.size() > 0xffff) return invalid("has a tag longer than 65535 bytes");
    put_u16(&tags_encoding, tag.size());
    tags_encoding += tag;
  }
  if (event.stream().size() > 0xffff || event.type().size() > 0xffff) {
    return invalid("has a stream or type longer than 65535 bytes");
  }
  const int64_t record_time_us =
      event.record_time().seconds() * 1000000 + event.record_time().nanos() / 1000;
  std::string leaf;
  leaf.push_back(1);  // LeafV1
  leaf += id_bytes;
  put_u16(&leaf, event.stream().size());
  leaf += event.stream();
  put_u64(&leaf, static_cast<uint64_t>(event.revision()));
  put_u64(&leaf, static_cast<uint64_t>(event.position()));
  put_u64(&leaf, static_cast<uint64_t>(record_time_us));
  put_u16(&leaf, event.type().size());
  leaf += event.type();
  absl::StrAppend(&leaf, tlog::HashBytes(tlog::Sha256(event.metadata_bytes())),
                  tlog::HashBytes(tlog::Sha256(event.payload())),
                  tlog::HashBytes(tlog::Sha256(tags_encoding)));
  return tlog::LeafHash(leaf);
}

absl::StatusOr<std::vector<tlog::Hash>> ProofHashes(
    const google::protobuf::RepeatedPtrField<std::string>& hashes) {
  std::vector<tlog::Hash> out;
  out.reserve(hashes.size());
  for (int i = 0; i < hashes.size(); ++i) {
    auto hash = tlog::HashFromBytes(hashes[i]);
    if (!hash.ok()) {
      return VerificationFailed(
          absl::StatusCode::kDataLoss,
          absl::StrCat("proof hash ", i, " has ", hashes[i].size(), " bytes, not 32"));
    }
    out.push_back(*hash);
  }
  return out;
}

absl::Status CheckConsistency(const tlog::Checkpoint& kept, const tlog::Checkpoint& latest,
                              const ctg::v1::ConsistencyProof& proof) {
  if (static_cast<uint64_t>(proof.first_size()) != kept.size ||
      static_cast<uint64_t>(proof.second_size()) != latest.size) {
    return VerificationFailed(absl::StatusCode::kDataLoss,
                              absl::StrCat("the server sent a consistency proof between sizes ",
                                           proof.first_size(), " and ", proof.second_size(),
                                           " when asked for ", kept.size, " and ", latest.size));
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
    return VerificationFailed(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the leaf hash has ", proof.leaf_hash().size(), " bytes, not 32"));
  }
  ASSIGN_OR_RETURN(std::vector<tlog::Hash> hashes, ProofHashes(proof.hashes()));
  absl::Status status =
      tlog::VerifyInclusion(position, against.size, *leaf_hash, hashes, against.root);
  if (!status.ok()) {
    return VerificationFailed(
        absl::StatusCode::kDataLoss,
        absl::StrCat("event ", position, " is not proved to be in the log of ", against.size,
                     " events signed at ", absl::FormatTime(against.time), " (", status.message(),
                     ")"));
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
  ASSIGN_OR_RETURN(TrustedKey trusted,
                   store.ChooseKey(response.verifier_key(), trust.verifier_key));
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
      return RefuseCheckpoint(
          store, response.note(),
          absl::StrCat("the log shrank from ", old.size, " to ", latest->size, " events"));
    }
    if (old.size == 0 || latest->size == old.size) {
      // Nothing to fetch: any tree extends the empty one, and a tree of the same size must
      // have the same root (VerifyConsistency checks exactly that with an empty proof).
      absl::Status same =
          tlog::VerifyConsistency(old.size, latest->size, old.root, latest->root, {});
      if (!same.ok()) {
        return RefuseCheckpoint(
            store, response.note(),
            absl::StrCat("two checkpoints of ", old.size, " events have different roots"));
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
                                                     const TrustOptions& trust, TrustStore& store,
                                                     uint64_t position) {
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
        "position ", position, " is beyond the latest checkpoint, which covers ",
        against->size == 0
            ? std::string("no event yet")
            : absl::StrCat(against->size, " events (positions 0 to ", against->size - 1, ")"),
        "; if the event is new, retry in a moment"));
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

absl::StatusOr<InclusionResult> VerifyEvent(ctg::v1::AuditService::StubInterface& audit,
                                            const CallSettings& call, const TrustOptions& trust,
                                            TrustStore& store, const ctg::v1::AuditEvent& event) {
  ASSIGN_OR_RETURN(tlog::Hash recomputed, RecomputeLeafHash(event));
  if (event.leaf_hash() != tlog::HashBytes(recomputed)) {
    return VerificationFailed(
        absl::StatusCode::kDataLoss,
        absl::StrCat("the event at position ", event.position(),
                     " does not match the leaf hash the server gives for it (the event's bytes "
                     "give ",
                     tlog::HashToHex(recomputed), ")"));
  }
  ASSIGN_OR_RETURN(
      InclusionResult result,
      VerifyEventInclusion(audit, call, trust, store, static_cast<uint64_t>(event.position())));
  if (result.leaf_hash != recomputed) {
    return VerificationFailed(absl::StatusCode::kDataLoss,
                              absl::StrCat("the event shown at position ", event.position(),
                                           " is not the one the log committed to there (leaf ",
                                           tlog::HashToHex(result.leaf_hash), ", the event gives ",
                                           tlog::HashToHex(recomputed), ")"));
  }
  return result;
}

}  // namespace ctg::cli
