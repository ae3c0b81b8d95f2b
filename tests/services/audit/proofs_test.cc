// Checkpoints and proofs, verified as a client would with the tlog library.
#include "services/audit/proofs.h"

#include <string>
#include <vector>

#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/platform/errors.h"
#include "tests/services/audit/audit_fixture.h"

namespace ctg::audit {
namespace {

using namespace ::ctg::audit::testing;  // NOLINT(build/namespaces): the fixtures
using ::ctg::testing::StatusIs;
using ::testing::_;
using ::testing::HasSubstr;

std::string BadField(const absl::Status& status) {
  std::optional<google::rpc::BadRequest> bad = platform::BadRequestOf(status);
  if (!bad.has_value() || bad->field_violations_size() == 0) return "";
  return bad->field_violations(0).field();
}

tlog::Hash ToHash(const std::string& bytes) {
  absl::StatusOr<tlog::Hash> hash = tlog::HashFromBytes(bytes);
  EXPECT_TRUE(hash.ok()) << hash.status();
  return hash.ok() ? *hash : tlog::Hash{};
}

std::vector<tlog::Hash> ToHashes(const google::protobuf::RepeatedPtrField<std::string>& bytes) {
  std::vector<tlog::Hash> hashes;
  for (const std::string& b : bytes) hashes.push_back(ToHash(b));
  return hashes;
}

class ProofsTest : public AuditStoreTest {
 protected:
  // 7 events: 0..3 of Val d'Orbe's CTG, 4..6 of Plaine's.
  void AppendSeven() {
    for (int i = 0; i < 4; ++i) Append("ctg-val-orbe-2025", Retitled("a"));
    for (int i = 0; i < 3; ++i) Append("ctg-plaine-2024", Retitled("b"));
  }
};

TEST_F(ProofsTest, TheLatestCheckpointCoversEveryCommittedEvent) {
  Append("ctg-val-orbe-2025", Retitled("a"));
  ASSERT_OK_AND_ASSIGN(v1::Checkpoint checkpoint, LatestCheckpoint(*store_));
  EXPECT_EQ(checkpoint.tree_size(), 1);  // signed on demand: no waiting for a signer
  ASSERT_OK_AND_ASSIGN(v1::InclusionProof proof,
                       ProveInclusion(*store_, CafAdmin(), Lookup(), 0, 0));
  EXPECT_EQ(proof.tree_size(), 1);
  Append("ctg-val-orbe-2025", Retitled("b"));
  ASSERT_OK_AND_ASSIGN(checkpoint, LatestCheckpoint(*store_));
  EXPECT_EQ(checkpoint.tree_size(), 2);
}

TEST_F(ProofsTest, LatestCheckpointVerifies) {
  AppendSeven();
  ASSERT_OK(store_->SignCheckpoint().status());
  ASSERT_OK_AND_ASSIGN(v1::Checkpoint checkpoint, LatestCheckpoint(*store_));
  EXPECT_EQ(checkpoint.tree_size(), 7);
  ASSERT_OK_AND_ASSIGN(tlog::VerifierKey key, tlog::VerifierKey::Parse(checkpoint.verifier_key()));
  EXPECT_OK(tlog::VerifyCheckpoint(checkpoint.note(), key));
}

TEST_F(ProofsTest, InclusionAtAGivenSizeVerifies) {
  AppendSeven();
  for (int64_t size = 1; size <= 7; ++size) {
    for (int64_t position = 0; position < size && position < 4; ++position) {
      ASSERT_OK_AND_ASSIGN(v1::InclusionProof proof,
                           ProveInclusion(*store_, ValDOrbeAdmin(), Lookup(), position, size));
      EXPECT_EQ(proof.position(), position);
      EXPECT_EQ(proof.tree_size(), size);
      EXPECT_FALSE(proof.has_checkpoint());
      ASSERT_OK_AND_ASSIGN(tlog::Hash root, store_->RootAt(static_cast<uint64_t>(size)));
      EXPECT_OK(tlog::VerifyInclusion(static_cast<uint64_t>(position), static_cast<uint64_t>(size),
                                      ToHash(proof.leaf_hash()), ToHashes(proof.hashes()), root))
          << position << " in " << size;
    }
  }
}

TEST_F(ProofsTest, InclusionAtTheLatestCheckpointCarriesIt) {
  AppendSeven();
  ASSERT_OK(store_->SignCheckpoint().status());
  Append("ctg-val-orbe-2025", Retitled("after the checkpoint"));  // position 7
  ASSERT_OK_AND_ASSIGN(v1::InclusionProof proof,
                       ProveInclusion(*store_, CafAdmin(), Lookup(), 2, 0));
  EXPECT_EQ(proof.tree_size(), 8);  // a fresh checkpoint covers the new event too
  ASSERT_TRUE(proof.has_checkpoint());
  EXPECT_EQ(proof.checkpoint().tree_size(), 8);
  ASSERT_OK_AND_ASSIGN(tlog::VerifierKey key,
                       tlog::VerifierKey::Parse(proof.checkpoint().verifier_key()));
  ASSERT_OK_AND_ASSIGN(tlog::Checkpoint verified,
                       tlog::VerifyCheckpoint(proof.checkpoint().note(), key));
  EXPECT_OK(tlog::VerifyInclusion(2, 8, ToHash(proof.leaf_hash()), ToHashes(proof.hashes()),
                                  verified.root));
  // A position beyond the log is not in any tree.
  absl::StatusOr<v1::InclusionProof> beyond = ProveInclusion(*store_, CafAdmin(), Lookup(), 8, 0);
  EXPECT_THAT(beyond, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("8")));
  EXPECT_EQ(BadField(beyond.status()), "position");
}

TEST_F(ProofsTest, AnEventThePrincipalMayNotReadIsNotFound) {
  AppendSeven();
  EXPECT_THAT(ProveInclusion(*store_, ValDOrbeAdmin(), Lookup(), 5, 7),
              StatusIs(absl::StatusCode::kNotFound, "event at position 5 not found"));
  EXPECT_OK(ProveInclusion(*store_, PlaineAdmin(), Lookup(), 5, 7));
  EXPECT_OK(ProveInclusion(*store_, Commission(), Lookup(), 5, 7));
}

TEST_F(ProofsTest, InclusionArgumentsAreChecked) {
  AppendSeven();
  struct Case {
    int64_t position, tree_size;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{{-1, 7, "position"},
                                         {7, 7, "position"},
                                         {3, 3, "position"},
                                         {0, -1, "tree_size"},
                                         {0, 8, "tree_size"}}) {
    absl::StatusOr<v1::InclusionProof> proof =
        ProveInclusion(*store_, CafAdmin(), Lookup(), c.position, c.tree_size);
    EXPECT_THAT(proof, StatusIs(absl::StatusCode::kInvalidArgument, _))
        << c.position << "/" << c.tree_size;
    EXPECT_EQ(BadField(proof.status()), c.field) << c.position << "/" << c.tree_size;
  }
}

TEST_F(ProofsTest, ConsistencyVerifies) {
  AppendSeven();
  for (int64_t first = 1; first <= 7; ++first) {
    for (int64_t second = first; second <= 7; ++second) {
      ASSERT_OK_AND_ASSIGN(v1::ConsistencyProof proof, ProveConsistency(*store_, first, second));
      EXPECT_EQ(proof.first_size(), first);
      EXPECT_EQ(proof.second_size(), second);
      EXPECT_FALSE(proof.has_checkpoint());
      ASSERT_OK_AND_ASSIGN(tlog::Hash old_root, store_->RootAt(static_cast<uint64_t>(first)));
      ASSERT_OK_AND_ASSIGN(tlog::Hash new_root, store_->RootAt(static_cast<uint64_t>(second)));
      EXPECT_OK(tlog::VerifyConsistency(static_cast<uint64_t>(first),
                                        static_cast<uint64_t>(second), old_root, new_root,
                                        ToHashes(proof.hashes())))
          << first << " → " << second;
    }
  }
}

TEST_F(ProofsTest, ConsistencyWithTheLatestCheckpoint) {
  AppendSeven();
  ASSERT_OK(store_->SignCheckpoint().status());
  ASSERT_OK_AND_ASSIGN(v1::ConsistencyProof proof, ProveConsistency(*store_, 3, 0));
  EXPECT_EQ(proof.second_size(), 7);
  ASSERT_TRUE(proof.has_checkpoint());
  EXPECT_EQ(proof.checkpoint().tree_size(), 7);
  ASSERT_OK_AND_ASSIGN(tlog::Hash old_root, store_->RootAt(3));
  EXPECT_OK(tlog::VerifyConsistency(3, 7, old_root, ToHash(proof.checkpoint().root_hash()),
                                    ToHashes(proof.hashes())));
}

TEST_F(ProofsTest, ConsistencyArgumentsAreChecked) {
  AppendSeven();
  struct Case {
    int64_t first, second;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{{0, 7, "first_size"},
                                         {-3, 7, "first_size"},
                                         {5, 4, "first_size"},
                                         {1, -1, "second_size"},
                                         {1, 8, "second_size"}}) {
    absl::StatusOr<v1::ConsistencyProof> proof = ProveConsistency(*store_, c.first, c.second);
    EXPECT_THAT(proof, StatusIs(absl::StatusCode::kInvalidArgument, _))
        << c.first << "/" << c.second;
    EXPECT_EQ(BadField(proof.status()), c.field) << c.first << "/" << c.second;
  }
}

}  // namespace
}  // namespace ctg::audit
