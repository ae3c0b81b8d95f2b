// Tamper evidence: proofs checked with the client-side verifier, signed checkpoints, the
// refusal to start on a rolled-back or rewritten log, Verify on altered bytes, backups.
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "eventstore/encoding.h"
#include "eventstore/tlog/checkpoint.h"
#include "eventstore/tlog/merkle.h"
#include "gmock/gmock.h"
#include "rocksdb/db.h"
#include "tests/eventstore/store_fixture.h"

namespace ctg::eventstore {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST_F(StoreTest, InclusionAndConsistencyProofsVerifyForEverySize) {
  constexpr uint64_t kEvents = 40;
  AppendMany("p-1", kEvents);
  std::vector<tlog::Hash> roots(kEvents + 1);
  std::vector<tlog::Hash> leaves;
  for (uint64_t n = 0; n <= kEvents; ++n) {
    ASSERT_OK_AND_ASSIGN(roots[n], store_->RootAt(n));
  }
  EXPECT_EQ(roots[0], tlog::EmptyRoot());
  for (uint64_t i = 0; i < kEvents; ++i) {
    ASSERT_OK_AND_ASSIGN(RecordedEvent e, store_->GetEvent(i));
    leaves.push_back(e.leaf_hash);
  }
  for (uint64_t n = 1; n <= kEvents; ++n) {
    for (uint64_t i = 0; i < n; ++i) {
      ASSERT_OK_AND_ASSIGN(auto proof, store_->InclusionProof(i, n));
      ASSERT_OK(tlog::VerifyInclusion(i, n, leaves[i], proof, roots[n])) << i << " in " << n;
      EXPECT_FALSE(tlog::VerifyInclusion(i, n, leaves[(i + 1) % n], proof, roots[n]).ok() && n > 1);
    }
    for (uint64_t m = 0; m <= n; ++m) {
      ASSERT_OK_AND_ASSIGN(auto proof, store_->ConsistencyProof(m, n));
      ASSERT_OK(tlog::VerifyConsistency(m, n, roots[m], roots[n], proof)) << m << " to " << n;
    }
  }
  EXPECT_THAT(store_->RootAt(kEvents + 1), StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("")));
  EXPECT_THAT(store_->InclusionProof(0, kEvents + 1),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("beyond")));
  EXPECT_THAT(store_->ConsistencyProof(1, kEvents + 1),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("beyond")));
}

TEST_F(StoreTest, SignedCheckpointsVerifyAndChainByConsistency) {
  EXPECT_THAT(store_->LatestCheckpoint(), StatusIs(absl::StatusCode::kNotFound, HasSubstr("")));
  AppendMany("c-1", 5);
  ASSERT_OK_AND_ASSIGN(SignedCheckpoint first, store_->SignCheckpoint());
  EXPECT_EQ(first.checkpoint.size, 5u);
  EXPECT_EQ(first.checkpoint.origin, "ctg-platform");
  ASSERT_OK_AND_ASSIGN(tlog::Checkpoint verified,
                       tlog::VerifyCheckpoint(first.note, store_->verifier_key()));
  EXPECT_EQ(verified, first.checkpoint);
  ASSERT_OK_AND_ASSIGN(tlog::Hash root, store_->RootAt(5));
  EXPECT_EQ(first.checkpoint.root, root);
  // Not grown: the same checkpoint.
  ASSERT_OK_AND_ASSIGN(SignedCheckpoint same, store_->SignCheckpoint());
  EXPECT_EQ(same.note, first.note);

  AppendMany("c-1", 9);
  ASSERT_OK_AND_ASSIGN(SignedCheckpoint second, store_->SignCheckpoint());
  ASSERT_OK_AND_ASSIGN(auto proof, store_->ConsistencyProof(5, 14));
  EXPECT_OK(tlog::VerifyConsistency(5, 14, first.checkpoint.root, second.checkpoint.root, proof));
  EXPECT_GE(second.checkpoint.time, first.checkpoint.time);

  // The checkpoint file beside the store, and the key file with mode 0600.
  EXPECT_TRUE(std::filesystem::exists(dir_.Sub("store/checkpoint")));
  auto perms = std::filesystem::status(dir_.Sub("store/signing_key.pem")).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST_F(StoreTest, CheckpointsAreSignedInTheBackgroundAndOnClose) {
  options_.checkpoint_interval = absl::Milliseconds(20);
  Reopen();
  AppendMany("c-1", 3);
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (absl::Now() < deadline) {
    auto latest = store_->LatestCheckpoint();
    if (latest.ok() && latest->checkpoint.size == 3) break;
    absl::SleepFor(absl::Milliseconds(10));
  }
  ASSERT_OK_AND_ASSIGN(SignedCheckpoint background, store_->LatestCheckpoint());
  EXPECT_EQ(background.checkpoint.size, 3u);
  options_.checkpoint_interval = absl::Hours(1);
  Reopen();
  AppendMany("c-1", 2);
  ASSERT_OK(store_->Close());
  Reopen();
  ASSERT_OK_AND_ASSIGN(SignedCheckpoint on_close, store_->LatestCheckpoint());
  EXPECT_EQ(on_close.checkpoint.size, 5u);
}

// Copies the store directory (closed) to `to`.
void CopyStore(const std::string& from, const std::string& to) {
  std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
}

TEST_F(StoreTest, RefusesToStartOnALogShorterThanItsLastCheckpoint) {
  AppendMany("r-1", 4);
  ASSERT_OK(store_->Close());
  CopyStore(dir_.Sub("store"), dir_.Sub("old"));  // the log at 4 events
  Reopen();
  AppendMany("r-1", 4);
  ASSERT_OK(store_->SignCheckpoint().status());
  ASSERT_OK(store_->Close());
  // Roll the log back under the newer checkpoint: the old copy gets the new checkpoint file.
  std::filesystem::copy_file(dir_.Sub("store/checkpoint"), dir_.Sub("old/checkpoint"),
                             std::filesystem::copy_options::overwrite_existing);
  // Refused every time: a refused open must not replace the checkpoint that refused it.
  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_THAT(EventStore::Open(dir_.Sub("old"), options_),
                StatusIs(absl::StatusCode::kDataLoss,
                         HasSubstr("the log has 4 events but the last signed checkpoint")));
  }
}

TEST_F(StoreTest, RefusesToStartOnARewrittenLog) {
  options_.signing_key_path = dir_.Sub("shared_key.pem");
  Reopen();
  AppendMany("r-1", 4);
  ASSERT_OK(store_->Close());
  // Another log of the same size, signed by the same key, with other events.
  Options other_options = options_;
  {
    ASSERT_OK_AND_ASSIGN(auto other, EventStore::Open(dir_.Sub("other"), other_options));
    for (int i = 0; i < 4; ++i) {
      ASSERT_OK(other->Append("r-1", ExpectedRevision::Any(), {MakeEvent("t", "different")}));
    }
    ASSERT_OK(other->Close());
  }
  std::filesystem::copy_file(dir_.Sub("other/checkpoint"), dir_.Sub("store/checkpoint"),
                             std::filesystem::copy_options::overwrite_existing);
  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_THAT(EventStore::Open(dir_.Sub("store"), options_),
                StatusIs(absl::StatusCode::kDataLoss, HasSubstr("rewritten")));
  }
}

TEST_F(StoreTest, RefusesACheckpointSignedByAnotherKey) {
  AppendMany("r-1", 2);
  ASSERT_OK(store_->Close());
  std::filesystem::remove(dir_.Sub("store/signing_key.pem"));  // a new key will be created
  for (int attempt = 0; attempt < 2; ++attempt) {
    EXPECT_THAT(EventStore::Open(dir_.Sub("store"), options_),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         HasSubstr("does not verify with this store's key")));
  }
}

TEST_F(StoreTest, VerifyPassesOnAHealthyStoreWhileAppendsGoOn) {
  AppendMany("v-1", 300, {"tag:v"});
  std::thread writer([&] { AppendMany("v-2", 200); });
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify());
  writer.join();
  EXPECT_TRUE(report.ok()) << report.problem;
  EXPECT_GE(report.events_checked, 300u);
  ASSERT_OK_AND_ASSIGN(tlog::Hash root, store_->RootAt(report.events_checked));
  EXPECT_EQ(report.root, root);
}

// Rewrites one value of a column family directly in RocksDB, as an attacker with file
// access would, with the store closed.
void RewriteValue(const std::string& log_dir, const std::string& family, const std::string& key,
                  const std::function<void(std::string*)>& change) {
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), log_dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const auto& name : names) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), log_dir, descriptors, &handles, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::ColumnFamilyHandle* target = nullptr;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == family) target = handles[i];
  }
  ASSERT_NE(target, nullptr) << family;
  std::string value;
  ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), target, key, &value).ok());
  change(&value);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  ASSERT_TRUE(db->Put(sync, target, key, value).ok());
  for (auto* handle : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(handle).ok());
  ASSERT_TRUE(db->Close().ok());
}

TEST_F(StoreTest, VerifyNamesATamperedRecord) {
  AppendMany("t-1", 20);
  ASSERT_OK(store_->Close());
  // Change the recorded type of the event at position 13 (one byte of its entry).
  RewriteValue(dir_.Sub("store/log"), "entries", PositionKey(13),
               [](std::string* v) { (*v)[v->size() - 100] ^= 0x01; });
  Reopen();
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify());
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.first_bad_position, 13u);
  EXPECT_THAT(report.problem, HasSubstr("leaf hash differs"));
}

TEST_F(StoreTest, VerifyNamesATamperedPayload) {
  AppendMany("t-1", 20);
  ASSERT_OK(store_->Close());
  RewriteValue(dir_.Sub("store/log"), "payloads", PositionKey(7), [](std::string* v) {
    v->back() ^= 0x20;  // the last payload byte
  });
  Reopen();
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify());
  EXPECT_EQ(report.first_bad_position, 7u);
  EXPECT_THAT(report.problem, HasSubstr("payload does not match"));
}

TEST_F(StoreTest, VerifyNamesARecordRewrittenTogetherWithItsLeafNode) {
  AppendMany("t-1", 16);
  ASSERT_OK(store_->SignCheckpoint().status());
  ASSERT_OK(store_->Close());
  // A careful attacker rewrites an entry and its leaf node: the node above them reveals it.
  std::string new_leaf_hash;
  RewriteValue(dir_.Sub("store/log"), "entries", PositionKey(5), [&](std::string* v) {
    (*v)[v->size() - 100] ^= 0x01;
    new_leaf_hash = std::string(tlog::HashBytes(tlog::LeafHash(*v)));
  });
  RewriteValue(dir_.Sub("store/log"), "tree", TreeKey(0, 5),
               [&](std::string* v) { *v = new_leaf_hash; });
  Reopen();  // the frontier and upper nodes were not touched: open does not notice
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify());
  EXPECT_FALSE(report.ok());
  EXPECT_EQ(report.first_bad_position, 4u);  // the pair of leaves under the first bad node
  EXPECT_THAT(report.problem, HasSubstr("positions 4..5 do not match the stored tree node"));
}

TEST_F(StoreTest, BackupRestoreChecksTheRootAgainstTheBackupCheckpoint) {
  options_.signing_key_path = dir_.Sub("key.pem");
  Reopen();
  AppendMany("b-1", 30);
  ASSERT_OK_AND_ASSIGN(BackupInfo first, store_->Backup(dir_.Sub("backups")));
  EXPECT_EQ(first.checkpoint.checkpoint.size, 30u);
  std::thread writer([&] { AppendMany("b-2", 50); });  // backups are online
  ASSERT_OK_AND_ASSIGN(BackupInfo second, store_->Backup(dir_.Sub("backups")));
  writer.join();
  EXPECT_GT(second.backup_id, first.backup_id);
  ASSERT_OK_AND_ASSIGN(auto backups, EventStore::ListBackups(dir_.Sub("backups")));
  ASSERT_EQ(backups.size(), 2u);
  EXPECT_EQ(backups[0].checkpoint.note, first.checkpoint.note);

  const tlog::VerifierKey verifier = store_->verifier_key();
  ASSERT_OK_AND_ASSIGN(
      BackupInfo restored,
      EventStore::Restore(dir_.Sub("backups"), first.backup_id, dir_.Sub("restored"), &verifier));
  EXPECT_EQ(restored.checkpoint.checkpoint, first.checkpoint.checkpoint);
  {
    ASSERT_OK_AND_ASSIGN(auto copy, EventStore::Open(dir_.Sub("restored"), options_));
    EXPECT_GE(copy->Size(), 30u);
    ASSERT_OK_AND_ASSIGN(VerifyReport report, copy->Verify());
    EXPECT_TRUE(report.ok()) << report.problem;
    ASSERT_OK_AND_ASSIGN(RecordedEvent event, copy->GetEvent(29));
    EXPECT_EQ(event.stream, "b-1");
  }
  EXPECT_THAT(EventStore::Restore(dir_.Sub("backups"), 0, dir_.Sub("restored"), &verifier),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not empty")));
  EXPECT_THAT(EventStore::Restore(dir_.Sub("backups"), 99, dir_.Sub("r2"), &verifier),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no backup 99")));
  ASSERT_OK_AND_ASSIGN(auto stranger, tlog::SigningKey::Generate("ctg-platform"));
  EXPECT_THAT(EventStore::Restore(dir_.Sub("backups"), 0, dir_.Sub("r3"), &stranger->verifier()),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("")));
  EXPECT_THAT(EventStore::ListBackups(dir_.Sub("nowhere")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no backup directory")));
}

}  // namespace
}  // namespace ctg::eventstore
