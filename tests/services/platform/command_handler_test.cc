// Execute against the real event store, with the disk's log syncs held by the test so that
// groups of appends become durable when the test says: a retried request racing its original
// and a later write of the same stream. Rebuilding the retry's first result reads the stream,
// and that read waits for the durability of the later write, which only the store's
// acknowledger thread publishes: run from that thread's callback, it would wait for itself.
#include "services/platform/command_handler.h"

#include <atomic>
#include <climits>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "google/protobuf/wrappers.pb.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "rocksdb/file_system.h"
#include "services/platform/errors.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace ctg::platform {
namespace {

// The smallest aggregate: a stream of notes.
struct NotesAggregate {
  struct State {
    std::vector<std::string> notes;
  };
  using Event = std::variant<google::protobuf::StringValue>;
  static constexpr absl::string_view kStreamPrefix = "notes-";
  static void Evolve(State& state, const Event& event, absl::Time) {
    state.notes.push_back(std::get<0>(event).value());
  }
  static absl::StatusOr<Event> Parse(absl::string_view type, absl::string_view payload) {
    google::protobuf::StringValue note;
    if (type != note.GetDescriptor()->full_name() ||
        !note.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
      return absl::DataLossError("not a note");
    }
    return Event(std::move(note));
  }
  static const google::protobuf::Message& AsMessage(const Event& event) {
    return std::get<0>(event);
  }
  static std::vector<std::string> Tags(const State&, const Event&) { return {}; }
};

NotesAggregate::Event Note(const std::string& text) {
  google::protobuf::StringValue note;
  note.set_value(text);
  return note;
}

// A file system on which the test decides when the write-ahead log's syncs complete, and
// which counts the writes and syncs of the log.
class HeldLogSyncFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  HeldLogSyncFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "HeldLogSyncFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* file,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus status = target()->NewWritableFile(name, options, file, dbg);
    if (status.ok() && absl::EndsWith(name, ".log")) {
      *file = std::make_unique<LogFile>(std::move(*file), this);
    }
    return status;
  }

  // From now on a log sync waits until Release lets it through.
  void Hold() {
    absl::MutexLock lock(&mu_);
    allowed_syncs_ = syncs_;
  }
  // Lets `count` more syncs through (INT_MAX: every sync from now on).
  void Release(int count) {
    absl::MutexLock lock(&mu_);
    allowed_syncs_ = count == INT_MAX ? INT_MAX : allowed_syncs_ + count;
  }
  // Waits until the log had `count` syncs started (held or not) and `count` writes.
  bool AwaitSyncs(int count) { return Await(&syncs_, count); }
  bool AwaitWrites(int count) { return Await(&writes_, count); }
  int syncs() {
    absl::MutexLock lock(&mu_);
    return syncs_;
  }
  int writes() {
    absl::MutexLock lock(&mu_);
    return writes_;
  }

 private:
  class LogFile final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    LogFile(std::unique_ptr<rocksdb::FSWritableFile> file, HeldLogSyncFileSystem* fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      rocksdb::IOStatus status = FSWritableFileOwnerWrapper::Append(data, options, dbg);
      fs_->Count(&fs_->writes_);
      return status;
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      fs_->PassGate();
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      fs_->PassGate();
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }

   private:
    HeldLogSyncFileSystem* const fs_;
  };

  void Count(int* counter) {
    absl::MutexLock lock(&mu_);
    ++*counter;
  }
  void PassGate() {
    absl::MutexLock lock(&mu_);
    const int mine = ++syncs_;
    auto open = [this, mine]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return mine <= allowed_syncs_;
    };
    mu_.Await(absl::Condition(&open));
  }
  bool Await(const int* counter, int count) {
    absl::MutexLock lock(&mu_);
    auto reached = [counter, count]() { return *counter >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), absl::Seconds(30));
  }

  absl::Mutex mu_;
  int syncs_ ABSL_GUARDED_BY(mu_) = 0;
  int writes_ ABSL_GUARDED_BY(mu_) = 0;
  int allowed_syncs_ ABSL_GUARDED_BY(mu_) = INT_MAX;
};

class CommandHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = rocksdb::NewCompositeEnv(fs_);
    eventstore::Options options;
    options.rocksdb_env = env_.get();
    options.checkpoint_interval = absl::Hours(1);  // no checkpoint sync among the held ones
    ASSERT_OK_AND_ASSIGN(store_, eventstore::EventStore::Open(dir_.Sub("store"), options));
  }

  void TearDown() override {
    fs_->Release(INT_MAX);
    // A deadlocked acknowledger would never let Close return: leave the store, and what it
    // runs on, to the exit.
    if (deadlocked_) {
      static_cast<void>(store_.release());
      static_cast<void>(env_.release());
      static_cast<void>(new std::shared_ptr<HeldLogSyncFileSystem>(fs_));
    }
  }

  CommandContext Context(const std::string& request_id) {
    CommandContext context;
    context.principal = Principal{"agent-1", "249900028", {Role::kCollectiviteAdmin}};
    context.role = Role::kCollectiviteAdmin;
    context.now = absl::FromUnixSeconds(1760000000);
    context.request_id = request_id;
    context.request_fingerprint = "the same request";
    context.correlation_id = "call-1";
    context.method = "/test.Notes/AddNote";
    return context;
  }

  // Executes "add `note`" on `stream` as the request `request_id`; `done` receives the outcome.
  void AddNote(const std::string& stream, const std::string& note, const std::string& request_id,
               absl::Notification& done, absl::StatusOr<Outcome<NotesAggregate>>& outcome) {
    Execute<NotesAggregate>(
        *store_, repository_, stream, Context(request_id), /*etag=*/"",
        [note](const NotesAggregate::State&)
            -> absl::StatusOr<std::vector<NotesAggregate::Event>> {
          return std::vector<NotesAggregate::Event>{Note(note)};
        },
        [&done, &outcome](absl::StatusOr<Outcome<NotesAggregate>> result) {
          outcome = std::move(result);
          done.Notify();
        });
  }

  // An append of one note to `stream` by something else than this request.
  void AppendAsync(const std::string& stream, absl::Notification& done) {
    CommandContext other = Context("");
    std::vector<eventstore::EventData> events;
    events.push_back(MakeEventData(other, 0, std::get<0>(Note("later")), {}));
    store_->AppendAsync(stream, eventstore::ExpectedRevision::Any(), std::move(events),
                        [&done](absl::StatusOr<eventstore::AppendResult> result) {
                          EXPECT_OK(result.status());
                          done.Notify();
                        });
  }

  testing::TempDir dir_;
  std::shared_ptr<HeldLogSyncFileSystem> fs_ = std::make_shared<HeldLogSyncFileSystem>();
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<eventstore::EventStore> store_;
  Repository<NotesAggregate> repository_;
  bool deadlocked_ = false;
};

TEST_F(CommandHandlerTest, ARetryRacingALaterWriteOfItsStreamGetsTheFirstResult) {
  const std::string request_id = "6f1d2c3b-4a5e-4f60-8172-93a4b5c6d7e8";
  fs_->Hold();
  const int syncs = fs_->syncs();
  const int writes = fs_->writes();

  // The original is written; its sync is held.
  absl::Notification original_done;
  absl::StatusOr<Outcome<NotesAggregate>> original;
  AddNote("notes-1", "first", request_id, original_done, original);
  ASSERT_TRUE(fs_->AwaitWrites(writes + 1));
  ASSERT_TRUE(fs_->AwaitSyncs(syncs + 1));

  // The retry finds nothing durable, decides again, and the store recognises its ids. An
  // unrelated append is written behind it, so that the group the retry's answer rides in
  // needs a sync of its own.
  absl::Notification retry_done;
  absl::StatusOr<Outcome<NotesAggregate>> retry;
  AddNote("notes-1", "first", request_id, retry_done, retry);
  absl::Notification unrelated_done;
  AppendAsync("notes-2", unrelated_done);
  ASSERT_TRUE(fs_->AwaitWrites(writes + 2));

  // The original becomes durable; the sync of the retry's group is held.
  fs_->Release(1);
  ASSERT_TRUE(original_done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  ASSERT_OK(original.status());
  ASSERT_TRUE(fs_->AwaitSyncs(syncs + 2));

  // A later write of the same stream is written (its head is in the store) before the
  // retry's answer is acknowledged.
  absl::Notification later_done;
  AppendAsync("notes-1", later_done);
  ASSERT_TRUE(fs_->AwaitWrites(writes + 3));
  fs_->Release(INT_MAX);

  deadlocked_ = !retry_done.WaitForNotificationWithTimeout(absl::Seconds(30));
  ASSERT_FALSE(deadlocked_) << "the retry's answer never came: its replay waits on the "
                               "acknowledger thread for a durability only that thread publishes";
  ASSERT_OK(retry.status());
  EXPECT_TRUE(retry->replayed);
  EXPECT_FALSE(retry->wrote);
  EXPECT_EQ(retry->revision, original->revision);
  EXPECT_EQ(retry->state.notes, std::vector<std::string>{"first"});
  EXPECT_TRUE(later_done.WaitForNotificationWithTimeout(absl::Seconds(30)));
  EXPECT_TRUE(unrelated_done.WaitForNotificationWithTimeout(absl::Seconds(30)));
}

TEST_F(CommandHandlerTest, ARequestIdIsItsPrincipalsAndItsRequests) {
  const std::string request_id = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
  auto run = [&](const std::string& stream, CommandContext context) {
    absl::Notification done;
    absl::StatusOr<Outcome<NotesAggregate>> outcome;
    Execute<NotesAggregate>(
        *store_, repository_, stream, std::move(context), /*etag=*/"",
        [](const NotesAggregate::State&) -> absl::StatusOr<std::vector<NotesAggregate::Event>> {
          return std::vector<NotesAggregate::Event>{Note("note")};
        },
        [&](absl::StatusOr<Outcome<NotesAggregate>> result) {
          outcome = std::move(result);
          done.Notify();
        });
    done.WaitForNotification();
    return outcome;
  };
  ASSERT_OK_AND_ASSIGN(Outcome<NotesAggregate> first, run("notes-a", Context(request_id)));
  EXPECT_TRUE(first.wrote);

  enum class Expect { kFirstResult, kNewRequest, kReused };
  struct Case {
    const char* what;
    std::string stream;
    CommandContext context;
    Expect expect;
  };
  CommandContext other_subject = Context(request_id);
  other_subject.principal.subject = "agent-2";
  CommandContext other_organisation = Context(request_id);
  other_organisation.principal.organisation = "249900051";
  CommandContext other_request = Context(request_id);
  other_request.request_fingerprint = "another request";
  const Case cases[] = {
      {"a retry", "notes-a", Context(request_id), Expect::kFirstResult},
      {"another subject", "notes-a", other_subject, Expect::kNewRequest},
      {"another organisation", "notes-a", other_organisation, Expect::kNewRequest},
      {"another stream", "notes-b", Context(request_id), Expect::kReused},
      {"another request", "notes-a", other_request, Expect::kReused},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    absl::StatusOr<Outcome<NotesAggregate>> outcome = run(c.stream, c.context);
    if (c.expect == Expect::kReused) {
      EXPECT_EQ(outcome.status().code(), absl::StatusCode::kInvalidArgument) << outcome.status();
      std::optional<google::rpc::ErrorInfo> info = ErrorInfoOf(outcome.status());
      ASSERT_TRUE(info.has_value());
      EXPECT_EQ(info->reason(), "REQUEST_ID_REUSED");
      continue;
    }
    ASSERT_OK(outcome.status());
    EXPECT_EQ(outcome->replayed, c.expect == Expect::kFirstResult);
    EXPECT_EQ(outcome->wrote, c.expect == Expect::kNewRequest);
    if (c.expect == Expect::kFirstResult) {
      EXPECT_EQ(outcome->revision, first.revision);
    }
  }
  EXPECT_EQ(repository_.Get("notes-a").state.notes.size(), 3u);  // first + two principals
  EXPECT_FALSE(repository_.Get("notes-b").revision.has_value());
}

}  // namespace
}  // namespace ctg::platform
