// Fault injection: the disk refuses to sync the log. Nothing of the failed group may be
// acknowledged or shown to readers, the store must stop accepting appends (fail-stop: a later
// successful fsync would not bring back what a failed one dropped), and a reopened store
// recovers a consistent log that keeps every acknowledged event.
#include <atomic>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "eventstore/event_store.h"
#include "gmock/gmock.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "tests/eventstore/store_fixture.h"

namespace ctg::eventstore {
namespace {

using ::testing::HasSubstr;

// A file system whose write-ahead log files fail Sync/Fsync while `fail_log_sync` is set.
class FailingLogSyncFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  FailingLogSyncFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FailingLogSyncFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = target()->NewWritableFile(name, options, file, dbg);
    if (status.ok() && absl::EndsWith(name, ".log")) {
      *file = std::make_unique<LogFile>(std::move(*file), this);
    }
    return status;
  }

  std::atomic<bool> fail_log_sync{false};
  std::atomic<int> failed_syncs{0};

 private:
  class LogFile final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    LogFile(std::unique_ptr<rocksdb::FSWritableFile> file, FailingLogSyncFileSystem* fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (fs_->fail_log_sync.load()) return Fail();
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (fs_->fail_log_sync.load()) return Fail();
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }

   private:
    rocksdb::IOStatus Fail() {
      ++fs_->failed_syncs;
      return rocksdb::IOStatus::IOError("injected fsync failure");
    }
    FailingLogSyncFileSystem* const fs_;
  };
};

TEST_F(StoreTest, AFailedLogSyncAcknowledgesNothingAndStopsTheStore) {
  auto fs = std::make_shared<FailingLogSyncFileSystem>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  options_.rocksdb_env = env.get();
  Reopen();
  AppendMany("post-1", 3, {"ctg:1"});
  ASSERT_EQ(store_->Size(), 3u);

  fs->fail_log_sync = true;
  absl::StatusOr<AppendResult> failed =
      store_->Append("post-1", ExpectedRevision::Exact(2), {MakeEvent("test.Event", "lost?")});
  ASSERT_FALSE(failed.ok()) << "an append whose fsync failed was acknowledged";
  EXPECT_THAT(failed.status().message(), HasSubstr("stopped accepting appends"));
  EXPECT_GT(fs->failed_syncs.load(), 0);

  // Readers see the durable log only: three events, the failed one nowhere.
  EXPECT_EQ(store_->Size(), 3u);
  ASSERT_OK_AND_ASSIGN(ReadPage log, store_->ReadLog(0, Direction::kForward, 100));
  EXPECT_EQ(log.events.size(), 3u);
  ASSERT_OK_AND_ASSIGN(ReadPage tagged, store_->ReadTag("ctg:1", 0, Direction::kForward, 100));
  EXPECT_EQ(tagged.events.size(), 3u);
  // The stream's newest head never became durable: its readers get the store's failure.
  EXPECT_THAT(store_->GetStreamHead("post-1").status().message(),
              HasSubstr("stopped accepting appends"));

  // Fail-stop: even once the disk syncs again, nothing more is accepted.
  fs->fail_log_sync = false;
  absl::StatusOr<AppendResult> after =
      store_->Append("post-2", ExpectedRevision::Any(), {MakeEvent("test.Event", "after")});
  ASSERT_FALSE(after.ok());
  EXPECT_THAT(after.status().message(), HasSubstr("stopped accepting appends"));
  EXPECT_EQ(store_->Size(), 3u);

  // Reopened (the unsynced group may or may not have reached the disk), the log is whole.
  store_->Close().IgnoreError();
  options_.rocksdb_env = nullptr;
  Reopen();
  ASSERT_GE(store_->Size(), 3u);
  ASSERT_OK_AND_ASSIGN(ReadPage reopened, store_->ReadStream("post-1", 0, Direction::kForward, 10));
  ASSERT_GE(reopened.events.size(), 3u);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_EQ(reopened.events[i].payload, "payload-" + std::to_string(i));
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify());
  EXPECT_FALSE(report.first_bad_position.has_value()) << report.problem;
  EXPECT_TRUE(report.problem.empty()) << report.problem;
  ASSERT_OK(store_->Append("post-2", ExpectedRevision::Any(), {MakeEvent("t.E", "ok")}).status());
}

}  // namespace
}  // namespace ctg::eventstore
