// Local verification with real proofs and real signatures: a log of a few hundred fake leaves
// (FakeLog: ctg_tlog's own RootAt, InclusionProof, ConsistencyProof and SigningKey), served by
// an in-process fake ctgd that the tests make lie.
#include "clients/ctg/verification.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "clients/ctg/commands.h"
#include "eventstore/event_store.h"
#include "eventstore/types.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/clients/fake_ctgd.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::cli {
namespace {

using ::ctg::testing::FakeCtgd;
using ::ctg::testing::FakeLog;
using ::ctg::testing::FakeServer;
using ::ctg::testing::StatusIs;
using ::testing::_;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr uint64_t kLeaves = 300;

std::string Bytes(const tlog::Hash& hash) { return std::string(tlog::HashBytes(hash)); }

ctg::v1::ConsistencyProof ConsistencyMessage(const FakeLog& log, uint64_t old_size,
                                             uint64_t new_size) {
  ctg::v1::ConsistencyProof proof;
  proof.set_first_size(static_cast<int64_t>(old_size));
  proof.set_second_size(static_cast<int64_t>(new_size));
  for (const tlog::Hash& hash : log.Consistency(old_size, new_size)) proof.add_hashes(Bytes(hash));
  return proof;
}

ctg::v1::InclusionProof InclusionMessage(const FakeLog& log, uint64_t position, uint64_t size) {
  ctg::v1::InclusionProof proof;
  proof.set_position(static_cast<int64_t>(position));
  proof.set_tree_size(static_cast<int64_t>(size));
  proof.set_leaf_hash(Bytes(log.leaf_hashes()[position]));
  for (const tlog::Hash& hash : log.Inclusion(position, size)) proof.add_hashes(Bytes(hash));
  return proof;
}

void FlipBit(std::string* bytes, size_t index) {
  (*bytes)[index] = static_cast<char>((*bytes)[index] ^ 1);
}

class ProofCheckTest : public ::testing::Test {
 protected:
  void SetUp() override { log_.Append(kLeaves); }
  FakeLog log_;
};

TEST_F(ProofCheckTest, AcceptsRealConsistencyProofs) {
  int checked = 0;
  for (uint64_t old_size = 1; old_size <= kLeaves; old_size += 7) {
    for (uint64_t new_size = old_size; new_size <= kLeaves; new_size += 13) {
      EXPECT_OK(CheckConsistency(log_.CheckpointAt(old_size), log_.CheckpointAt(new_size),
                                 ConsistencyMessage(log_, old_size, new_size)))
          << old_size << " -> " << new_size;
      ++checked;
    }
  }
  EXPECT_GT(checked, 500);
}

TEST_F(ProofCheckTest, RejectsEveryTamperedConsistencyProof) {
  for (auto [old_size, new_size] : {std::pair<uint64_t, uint64_t>{1, 2},
                                    {5, 300},
                                    {128, 256},
                                    {129, 257},
                                    {200, 299},
                                    {7, 8}}) {
    SCOPED_TRACE(::testing::Message() << old_size << " -> " << new_size);
    const tlog::Checkpoint old_checkpoint = log_.CheckpointAt(old_size);
    const tlog::Checkpoint new_checkpoint = log_.CheckpointAt(new_size);
    const ctg::v1::ConsistencyProof good = ConsistencyMessage(log_, old_size, new_size);
    ASSERT_OK(CheckConsistency(old_checkpoint, new_checkpoint, good));
    for (int i = 0; i < good.hashes_size(); ++i) {
      for (size_t byte : {size_t{0}, size_t{17}, size_t{31}}) {
        ctg::v1::ConsistencyProof bad = good;
        FlipBit(bad.mutable_hashes(i), byte);
        EXPECT_THAT(CheckConsistency(old_checkpoint, new_checkpoint, bad),
                    StatusIs(absl::StatusCode::kDataLoss, StartsWith("verification failed")));
      }
    }
    ctg::v1::ConsistencyProof shorter = good;
    shorter.mutable_hashes()->RemoveLast();
    EXPECT_THAT(CheckConsistency(old_checkpoint, new_checkpoint, shorter),
                StatusIs(absl::StatusCode::kDataLoss, _));
    ctg::v1::ConsistencyProof longer = good;
    longer.add_hashes(Bytes(tlog::Sha256("extra")));
    EXPECT_THAT(CheckConsistency(old_checkpoint, new_checkpoint, longer),
                StatusIs(absl::StatusCode::kDataLoss, _));
    ctg::v1::ConsistencyProof short_hash = good;
    short_hash.mutable_hashes(0)->pop_back();
    EXPECT_THAT(CheckConsistency(old_checkpoint, new_checkpoint, short_hash),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("31 bytes")));
    // The roots come from the checkpoints: a wrong one fails whatever the proof.
    tlog::Checkpoint wrong_old = old_checkpoint;
    wrong_old.root = tlog::Sha256("forged");
    EXPECT_THAT(CheckConsistency(wrong_old, new_checkpoint, good),
                StatusIs(absl::StatusCode::kDataLoss, _));
    tlog::Checkpoint wrong_new = new_checkpoint;
    wrong_new.root[5] ^= 0x80;
    EXPECT_THAT(CheckConsistency(old_checkpoint, wrong_new, good),
                StatusIs(absl::StatusCode::kDataLoss, _));
    // The proof must be for the sizes asked about.
    ctg::v1::ConsistencyProof other_sizes = good;
    other_sizes.set_second_size(static_cast<int64_t>(new_size) + 1);
    EXPECT_THAT(CheckConsistency(old_checkpoint, new_checkpoint, other_sizes),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("when asked for")));
  }
}

TEST_F(ProofCheckTest, AForkedLogFailsConsistency) {
  FakeLog fork;
  fork.Append(kLeaves);
  fork.Rewrite(3);
  EXPECT_THAT(CheckConsistency(log_.CheckpointAt(100), fork.CheckpointAt(200),
                               ConsistencyMessage(fork, 100, 200)),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not extend")));
}

TEST_F(ProofCheckTest, AcceptsRealInclusionProofsOfEveryPosition) {
  for (uint64_t size :
       {uint64_t{1}, uint64_t{2}, uint64_t{63}, uint64_t{64}, uint64_t{65}, kLeaves}) {
    const tlog::Checkpoint checkpoint = log_.CheckpointAt(size);
    for (uint64_t position = 0; position < size; ++position) {
      ASSERT_OK_AND_ASSIGN(tlog::Hash leaf, CheckInclusion(position, checkpoint,
                                                           InclusionMessage(log_, position, size)));
      EXPECT_EQ(leaf, log_.leaf_hashes()[position]);
    }
  }
}

TEST_F(ProofCheckTest, RejectsEveryTamperedInclusionProof) {
  const tlog::Checkpoint checkpoint = log_.CheckpointAt(kLeaves);
  for (uint64_t position :
       {uint64_t{0}, uint64_t{1}, uint64_t{150}, uint64_t{255}, uint64_t{256}, kLeaves - 1}) {
    SCOPED_TRACE(position);
    const ctg::v1::InclusionProof good = InclusionMessage(log_, position, kLeaves);
    ASSERT_OK(CheckInclusion(position, checkpoint, good).status());
    for (int i = 0; i < good.hashes_size(); ++i) {
      ctg::v1::InclusionProof bad = good;
      FlipBit(bad.mutable_hashes(i), static_cast<size_t>(i) % 32);
      EXPECT_THAT(CheckInclusion(position, checkpoint, bad),
                  StatusIs(absl::StatusCode::kDataLoss, StartsWith("verification failed")));
    }
    ctg::v1::InclusionProof bad_leaf = good;
    FlipBit(bad_leaf.mutable_leaf_hash(), 9);
    EXPECT_THAT(CheckInclusion(position, checkpoint, bad_leaf),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not proved")));
    // Another event's leaf and path, passed off as this position's.
    const uint64_t other = (position + 1) % kLeaves;
    ctg::v1::InclusionProof swapped = InclusionMessage(log_, other, kLeaves);
    swapped.set_position(static_cast<int64_t>(position));
    EXPECT_THAT(CheckInclusion(position, checkpoint, swapped),
                StatusIs(absl::StatusCode::kDataLoss, _));
    tlog::Checkpoint wrong_root = checkpoint;
    wrong_root.root = log_.Root(kLeaves - 1);
    EXPECT_THAT(CheckInclusion(position, wrong_root, good),
                StatusIs(absl::StatusCode::kDataLoss, _));
    ctg::v1::InclusionProof truncated = good;
    truncated.mutable_hashes()->RemoveLast();
    EXPECT_THAT(CheckInclusion(position, checkpoint, truncated),
                StatusIs(absl::StatusCode::kDataLoss, _));
    ctg::v1::InclusionProof other_size = good;
    other_size.set_tree_size(static_cast<int64_t>(kLeaves) - 1);
    EXPECT_THAT(CheckInclusion(position, checkpoint, other_size),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("when asked for")));
  }
}

// The leaf the client recomputes from an AuditEvent is the one the real event store hashed.
TEST(RecomputeLeafHashTest, MatchesTheEventStore) {
  ctg::testing::TempDir temp;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<eventstore::EventStore> store,
                       eventstore::EventStore::Open(temp.Sub("store"), eventstore::Options()));
  std::vector<eventstore::EventData> appended;
  for (int i = 0; i < 3; ++i) {
    ctg::v1::EventMetadata metadata;
    metadata.mutable_actor()->set_subject("cdt-valmont-7");
    metadata.set_reason(absl::StrCat("étape ", i));
    appended.push_back(eventstore::EventData{
        .id = eventstore::NewEventId(),
        .type = "ctg.v1.CtgRetitled",
        .metadata = metadata.SerializeAsString(),
        .payload = absl::StrCat("CTG du Val d'Orbe, version ", i),
        // Unsorted, with a duplicate: the store sorts and deduplicates before hashing.
        .tags = {"org:534000001", "ctg:val-orbe-2025", "org:534000001"}});
  }
  ASSERT_OK(
      store->Append("ctg-val-orbe-2025", eventstore::ExpectedRevision::Any(), appended).status());
  ASSERT_OK_AND_ASSIGN(eventstore::ReadPage page,
                       store->ReadLog(0, eventstore::Direction::kForward, 10));
  ASSERT_EQ(page.events.size(), 3u);
  for (const eventstore::RecordedEvent& recorded : page.events) {
    // As services/audit renders it, except the tags, left as appended.
    ctg::v1::AuditEvent event;
    event.set_position(static_cast<int64_t>(recorded.position));
    event.set_stream(recorded.stream);
    event.set_revision(static_cast<int64_t>(recorded.revision));
    event.set_event_id(eventstore::EventIdToString(recorded.id));
    event.set_type(recorded.type);
    const int64_t micros = absl::ToUnixMicros(recorded.recorded_time);
    event.mutable_record_time()->set_seconds(micros / 1000000);
    event.mutable_record_time()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
    event.set_metadata_bytes(recorded.metadata);
    event.set_payload(recorded.payload);
    for (const std::string& tag : appended[recorded.revision].tags) event.add_tags(tag);
    ASSERT_OK_AND_ASSIGN(tlog::Hash leaf, RecomputeLeafHash(event));
    EXPECT_EQ(leaf, recorded.leaf_hash) << recorded.position;

    // The id in upper case is the same id.
    ctg::v1::AuditEvent upper = event;
    upper.set_event_id(absl::AsciiStrToUpper(event.event_id()));
    EXPECT_EQ(RecomputeLeafHash(upper).value(), recorded.leaf_hash);
    // Any field the leaf commits to changes it.
    for (const auto& change : std::vector<std::function<void(ctg::v1::AuditEvent*)>>{
             [](ctg::v1::AuditEvent* e) { e->set_payload(e->payload() + "!"); },
             [](ctg::v1::AuditEvent* e) { e->set_metadata_bytes(e->metadata_bytes() + " "); },
             [](ctg::v1::AuditEvent* e) { e->add_tags("org:210000018"); },
             [](ctg::v1::AuditEvent* e) { e->set_type("ctg.v1.CtgDrafted"); },
             [](ctg::v1::AuditEvent* e) { e->set_stream("ctg-autre"); },
             [](ctg::v1::AuditEvent* e) { e->set_revision(e->revision() + 1); },
             [](ctg::v1::AuditEvent* e) { e->set_position(e->position() + 1); },
             [](ctg::v1::AuditEvent* e) {
               e->mutable_record_time()->set_nanos(e->record_time().nanos() + 1000);
             },
             [](ctg::v1::AuditEvent* e) { e->mutable_event_id()->back() ^= 1; },
         }) {
      ctg::v1::AuditEvent changed = event;
      change(&changed);
      auto other = RecomputeLeafHash(changed);
      if (other.ok()) {
        EXPECT_NE(*other, recorded.leaf_hash);
      }
    }
  }
  ASSERT_OK(store->Close());
}

TEST(RecomputeLeafHashTest, RejectsWhatCannotBeALeaf) {
  ctg::v1::AuditEvent event = ctg::testing::FixtureEvents()[0];
  ASSERT_OK(RecomputeLeafHash(event).status());
  ctg::v1::AuditEvent bad_id = event;
  bad_id.set_event_id("not-a-uuid");
  EXPECT_THAT(RecomputeLeafHash(bad_id),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("UUID")));
  bad_id.set_event_id("5f0c6a3e-8d1b-4c2a-9e7f-0a1b2c3d4e5g");
  EXPECT_THAT(RecomputeLeafHash(bad_id),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("UUID")));
  ctg::v1::AuditEvent negative = event;
  negative.set_position(-1);
  EXPECT_THAT(RecomputeLeafHash(negative),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("negative")));
  ctg::v1::AuditEvent old_server = event;
  old_server.clear_metadata_bytes();
  EXPECT_THAT(RecomputeLeafHash(old_server),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("metadata_bytes")));
}

// The whole client flow against a fake ctgd over gRPC (in-process).
class ClientFlowTest : public ::testing::Test {
 protected:
  void SetUp() override {
    state_.log.Append(100);
    audit_ = ctg::v1::AuditService::NewStub(server_.InProcessChannel());
  }
  absl::StatusOr<CheckpointUpdate> Update(TrustOptions trust = {}) {
    return UpdateCheckpoint(*audit_, call_, trust, store_);
  }
  std::vector<std::string> RefusedNotes() {
    std::vector<std::string> refused;
    for (const auto& entry : std::filesystem::directory_iterator(store_.dir())) {
      if (entry.path().filename().string().rfind("refused-", 0) == 0)
        refused.push_back(entry.path());
    }
    return refused;
  }
  std::string KeptNote() {
    auto kept = store_.Kept(state_.log.key().verifier());
    return kept.ok() && kept->has_value() ? (*kept)->note : "";
  }

  ctg::testing::TempDir temp_;
  FakeCtgd state_;
  FakeServer server_{&state_};
  std::unique_ptr<ctg::v1::AuditService::StubInterface> audit_;
  CallSettings call_{.server = "fake", .token = "", .timeout = absl::Seconds(10)};
  TrustStore store_{ServerStateDir(temp_.path(), "fake")};
};

TEST_F(ClientFlowTest, FirstCheckpointPinsTheKeyAndIsKept) {
  ASSERT_OK_AND_ASSIGN(CheckpointUpdate update, Update());
  EXPECT_TRUE(update.key_pinned_now);
  EXPECT_FALSE(update.kept_before.has_value());
  EXPECT_TRUE(update.replaced);
  EXPECT_EQ(update.latest.size, 100u);
  EXPECT_EQ(update.latest.root, state_.log.Root(100));
  ASSERT_OK_AND_ASSIGN(auto pinned, store_.PinnedKey());
  EXPECT_EQ(pinned->ToString(), state_.log.key().verifier().ToString());
  EXPECT_EQ(KeptNote(), update.note);
  EXPECT_EQ(state_.consistency_calls, 0);
}

TEST_F(ClientFlowTest, AGrownLogIsAcceptedOnlyWithAVerifiedConsistencyProof) {
  ASSERT_OK(Update().status());
  state_.log.Append(157);
  ASSERT_OK_AND_ASSIGN(CheckpointUpdate update, Update());
  EXPECT_FALSE(update.key_pinned_now);
  ASSERT_TRUE(update.kept_before.has_value());
  EXPECT_EQ(update.kept_before->size, 100u);
  EXPECT_EQ(update.latest.size, 257u);
  EXPECT_TRUE(update.consistency_checked);
  EXPECT_EQ(update.consistency_proof_hashes,
            static_cast<int>(state_.log.Consistency(100, 257).size()));
  EXPECT_GT(update.consistency_proof_hashes, 0);
  EXPECT_TRUE(update.replaced);
  EXPECT_EQ(state_.consistency_calls, 1);
  EXPECT_EQ(KeptNote(), update.note);
}

TEST_F(ClientFlowTest, TheSameSizeNeedsNoProofButTheSameRoot) {
  ASSERT_OK(Update().status());
  ASSERT_OK_AND_ASSIGN(CheckpointUpdate update, Update());
  EXPECT_TRUE(update.consistency_checked);
  EXPECT_EQ(state_.consistency_calls, 0);
  EXPECT_TRUE(update.replaced);  // a newer signature time
  // The server rewrites an event without growing: same size, another root.
  const std::string kept = KeptNote();
  state_.log.Rewrite(42);
  EXPECT_THAT(Update(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("different roots")));
  EXPECT_EQ(KeptNote(), kept);
  EXPECT_EQ(RefusedNotes().size(), 1u);
}

TEST_F(ClientFlowTest, ARewrittenHistoryIsRefusedAndTheEvidenceKept) {
  ASSERT_OK(Update().status());
  const std::string kept = KeptNote();
  state_.log.Rewrite(17);  // an event the kept checkpoint covers
  state_.log.Append(20);
  EXPECT_THAT(Update(),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(StartsWith("verification failed"), HasSubstr("does not extend"),
                             HasSubstr("evidence"), HasSubstr(store_.checkpoint_path()))));
  EXPECT_EQ(KeptNote(), kept);  // still the old, good one
  ASSERT_EQ(RefusedNotes().size(), 1u);
  // The refused note is a real signed note of the forked log, for whoever investigates.
  std::ifstream in(RefusedNotes()[0]);
  std::stringstream refused;
  refused << in.rdbuf();
  ASSERT_OK_AND_ASSIGN(tlog::Checkpoint forked,
                       tlog::VerifyCheckpoint(refused.str(), state_.log.key().verifier()));
  EXPECT_EQ(forked.size, 120u);
}

TEST_F(ClientFlowTest, ATruncatedLogIsRefused) {
  ASSERT_OK(Update().status());
  state_.log.Truncate(60);
  EXPECT_THAT(Update(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("shrank from 100 to 60")));
  EXPECT_EQ(state_.consistency_calls, 0);
}

TEST_F(ClientFlowTest, ATamperedConsistencyProofIsRefused) {
  ASSERT_OK(Update().status());
  state_.log.Append(50);
  state_.tamper_consistency = [](ctg::v1::ConsistencyProof* proof) {
    FlipBit(proof->mutable_hashes(0), 0);
  };
  EXPECT_THAT(Update(), StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not extend")));
  state_.tamper_consistency = nullptr;
  ASSERT_OK_AND_ASSIGN(CheckpointUpdate update, Update());
  EXPECT_EQ(update.kept_before->size, 100u);
}

TEST_F(ClientFlowTest, ANewServerKeyIsRefusedLoudly) {
  ASSERT_OK(Update().status());
  const std::string pinned = state_.log.key().verifier().ToString();
  state_.log.RotateKey();
  state_.log.Append(5);
  EXPECT_THAT(Update(), StatusIs(absl::StatusCode::kPermissionDenied,
                                 AllOf(HasSubstr("VERIFIER KEY CHANGED"), HasSubstr(pinned),
                                       HasSubstr(state_.log.key().verifier().ToString()))));
}

TEST_F(ClientFlowTest, ANoteSignedByAnotherKeyIsRefusedEvenIfTheServerOffersThePinnedKey) {
  ASSERT_OK(Update().status());
  const std::string pinned = state_.log.key().verifier().ToString();
  state_.log.RotateKey();  // a forger with its own key
  state_.tamper_checkpoint = [pinned](ctg::v1::Checkpoint* checkpoint) {
    checkpoint->set_verifier_key(pinned);
  };
  EXPECT_THAT(Update(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(StartsWith("verification failed"), HasSubstr("pinned key"))));
}

TEST_F(ClientFlowTest, AnEditedNoteIsRefused) {
  state_.tamper_checkpoint = [](ctg::v1::Checkpoint* checkpoint) {
    checkpoint->set_note(absl::StrReplaceAll(checkpoint->note(), {{"\n100\n", "\n101\n"}}));
  };
  EXPECT_THAT(Update(),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("the key it offers")));
  // Nothing was pinned from a checkpoint that did not verify.
  ASSERT_OK_AND_ASSIGN(auto pinned, store_.PinnedKey());
  EXPECT_FALSE(pinned.has_value());
}

TEST_F(ClientFlowTest, AConfiguredKeyRefusesAServerWithAnotherKeyFromTheFirstUse) {
  FakeLog other;
  TrustOptions trust{.verifier_key = other.key().verifier().ToString()};
  EXPECT_THAT(Update(trust),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("verification failed")));
  trust.verifier_key = state_.log.key().verifier().ToString();
  ASSERT_OK_AND_ASSIGN(CheckpointUpdate update, Update(trust));
  EXPECT_TRUE(update.key_pinned_now);
}

TEST_F(ClientFlowTest, InclusionIsProvedAgainstTheKeptCheckpointNotTheServersLatest) {
  ASSERT_OK(Update().status());
  state_.log.Append(50);  // the server moved on; the client still holds size 100
  ASSERT_OK_AND_ASSIGN(InclusionResult result,
                       VerifyEventInclusion(*audit_, call_, {}, store_, 42));
  EXPECT_EQ(result.leaf_hash, state_.log.leaf_hashes()[42]);
  EXPECT_EQ(result.checkpoint.size, 100u);
  EXPECT_EQ(state_.last_inclusion_request.tree_size(), 100);
  EXPECT_FALSE(result.update.has_value());
  EXPECT_EQ(state_.get_checkpoint_calls, 1);
}

TEST_F(ClientFlowTest, InclusionBeyondTheKeptCheckpointFetchesAndVerifiesANewOneFirst) {
  ASSERT_OK(Update().status());
  state_.log.Append(50);
  ASSERT_OK_AND_ASSIGN(InclusionResult result,
                       VerifyEventInclusion(*audit_, call_, {}, store_, 120));
  ASSERT_TRUE(result.update.has_value());
  EXPECT_TRUE(result.update->consistency_checked);
  EXPECT_EQ(result.checkpoint.size, 150u);
  EXPECT_EQ(state_.consistency_calls, 1);
  EXPECT_EQ(state_.last_inclusion_request.tree_size(), 150);
  EXPECT_THAT(VerifyEventInclusion(*audit_, call_, {}, store_, 150),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("beyond the latest checkpoint")));
}

TEST_F(ClientFlowTest, InclusionWithNothingKeptStartsWithTrustOnFirstUse) {
  ASSERT_OK_AND_ASSIGN(InclusionResult result, VerifyEventInclusion(*audit_, call_, {}, store_, 0));
  ASSERT_TRUE(result.update.has_value());
  EXPECT_TRUE(result.update->key_pinned_now);
  EXPECT_EQ(result.checkpoint.size, 100u);
}

TEST_F(ClientFlowTest, ALyingInclusionProofIsRefused) {
  ASSERT_OK(Update().status());
  state_.tamper_inclusion = [this](ctg::v1::InclusionProof* proof) {
    proof->set_leaf_hash(Bytes(state_.log.leaf_hashes()[7]));  // another event's leaf
  };
  EXPECT_THAT(VerifyEventInclusion(*audit_, call_, {}, store_, 8),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("event 8 is not proved")));
}

TEST_F(ClientFlowTest, ServerErrorsAreRenderedForPeople) {
  state_.require_token = true;
  EXPECT_THAT(Update(), StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr("you sent none")));
}

TEST(VerifyEventTest, ProvesAnEventFromItsBytesAndCatchesEveryLie) {
  ctg::testing::TempDir temp;
  FakeCtgd state;
  state.log.AppendLeafHashes(ctg::testing::FixtureLeafHashes());
  state.log.Append(40);
  FakeServer server(&state);
  auto audit = ctg::v1::AuditService::NewStub(server.InProcessChannel());
  const CallSettings call{.server = "fake", .token = "", .timeout = absl::Seconds(10)};
  TrustStore store(ServerStateDir(temp.path(), "fake"));
  const std::vector<ctg::v1::AuditEvent> events = ctg::testing::FixtureEvents();

  for (const ctg::v1::AuditEvent& event : events) {
    ASSERT_OK_AND_ASSIGN(InclusionResult proved, VerifyEvent(*audit, call, {}, store, event));
    EXPECT_EQ(tlog::HashBytes(proved.leaf_hash), event.leaf_hash());
    EXPECT_EQ(proved.checkpoint.size, 43u);
  }
  // The server alters the event and its leaf_hash field to match: the log still holds the
  // original leaf at that position.
  ctg::v1::AuditEvent altered = events[1];
  altered.set_payload("another payload");
  altered.set_leaf_hash(std::string(tlog::HashBytes(RecomputeLeafHash(altered).value())));
  EXPECT_THAT(
      VerifyEvent(*audit, call, {}, store, altered),
      StatusIs(absl::StatusCode::kDataLoss, HasSubstr("is not the one the log committed to")));
  // Passes another position's event off as this one.
  ctg::v1::AuditEvent moved = events[2];
  moved.set_position(1);
  moved.set_leaf_hash(std::string(tlog::HashBytes(RecomputeLeafHash(moved).value())));
  EXPECT_THAT(VerifyEvent(*audit, call, {}, store, moved),
              StatusIs(absl::StatusCode::kDataLoss, _));
  // The leaf_hash field disagrees with the event's bytes.
  ctg::v1::AuditEvent mislabelled = events[0];
  mislabelled.set_leaf_hash(events[1].leaf_hash());
  EXPECT_THAT(VerifyEvent(*audit, call, {}, store, mislabelled),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("does not match the leaf hash")));
}

TEST_F(ClientFlowTest, VerifyPositionChecksTheLeafTheUserHolds) {
  std::ostringstream out, err;
  Output output{.out = &out, .err = &err};
  ASSERT_OK(RunVerifyPosition(*audit_, call_, {}, store_, 5, state_.log.leaf_hashes()[5], output));
  EXPECT_THAT(out.str(), AllOf(StartsWith("event 5 is in the log"), HasSubstr("(the one you gave)"),
                               HasSubstr("100 events")));
  EXPECT_THAT(err.str(), HasSubstr("pinned the log's verifier key on first use"));
  EXPECT_THAT(RunVerifyPosition(*audit_, call_, {}, store_, 5, state_.log.leaf_hashes()[6], output),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("not the one the log committed to")));
}

}  // namespace
}  // namespace ctg::cli
