// Crash test: a child process (crash_appender) appends from several threads to a durable
// store and reports every acknowledged event on a pipe; the test SIGKILLs it at a random
// moment, many times over in the same directory, and after each kill reopens the store and
// checks that
//   1. every event ever acknowledged is there, at the acknowledged position;
//   2. the log is gap-free: ReadLog from 0 returns positions 0..Size()-1 exactly;
//   3. Verify() is ok, checked every event, and its root equals RootAt(Size());
//   4. the latest checkpoint covers at most Size() events, its root equals
//      RootAt(checkpoint size), and its note verifies with the store's key;
// and that the log only grows: the root at the previous round's size is unchanged.
//
// Reproducibility: the seed (printed) drives the kill delays and the appender's choices;
// set CTG_CRASH_SEED to replay a run (thread scheduling still varies).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "eventstore/event_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

extern char** environ;

namespace ctg::eventstore {
namespace {

#ifndef CTG_CRASH_APPENDER_PATH
#error "CTG_CRASH_APPENDER_PATH must name the crash_appender executable"
#endif

constexpr int kRounds = 15;
constexpr int kAppenderThreads = 8;
constexpr uint64_t kDefaultSeed = 20240611;
constexpr auto kReadyTimeout = std::chrono::seconds(30);

using Clock = std::chrono::steady_clock;

struct Ack {
  EventId id{};
  uint64_t position = 0;
};

// What one run of the appender produced.
struct RoundOutput {
  bool ready = false;
  std::vector<Ack> acks;
  std::string error;  // empty if the child ran until it was killed
};

// Reads what is available on `fd` into `buffer`, waiting at most until `deadline`.
// Returns false at end of file (or on a read error).
bool ReadSome(int fd, std::string& buffer, Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  pollfd pfd{fd, POLLIN, 0};
  int rc = ::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(left, 0)));
  if (rc < 0 && errno == EINTR) return true;
  if (rc <= 0) return rc == 0;  // timeout: still open
  char chunk[65536];
  ssize_t n = ::read(fd, chunk, sizeof(chunk));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return true;
  if (n <= 0) return false;
  buffer.append(chunk, static_cast<size_t>(n));
  return true;
}

// Parses the complete lines of `text` (a trailing partial line is ignored).
void ParseLines(const std::string& text, RoundOutput& out) {
  const size_t end = text.rfind('\n');
  if (end == std::string::npos) return;
  for (absl::string_view line : absl::StrSplit(absl::string_view(text.data(), end), '\n')) {
    if (line == "ready") {
      out.ready = true;
      continue;
    }
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ');
    Ack ack;
    absl::StatusOr<EventId> id = fields.size() == 3 && fields[0] == "ack"
                                     ? ParseEventId(fields[1])
                                     : absl::InvalidArgumentError("not an ack");
    if (!out.ready || !id.ok() || !absl::SimpleAtoi(fields[2], &ack.position)) {
      ADD_FAILURE() << "unexpected line from crash_appender: '" << line << "'";
      continue;
    }
    ack.id = *id;
    out.acks.push_back(ack);
  }
}

// Starts the appender on `dir`, waits for "ready", lets it append for `delay`, SIGKILLs it
// and returns every complete line it wrote.
RoundOutput RunAppender(const std::string& dir, uint64_t seed, std::chrono::milliseconds delay) {
  RoundOutput out;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    out.error = absl::StrCat("pipe2: ", std::strerror(errno));
    return out;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  std::string path = CTG_CRASH_APPENDER_PATH;
  std::string threads = std::to_string(kAppenderThreads);
  std::string seed_text = std::to_string(seed);
  std::vector<char*> argv = {path.data(), const_cast<char*>(dir.c_str()), threads.data(),
                             seed_text.data(), nullptr};
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, path.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    out.error = absl::StrCat("posix_spawn ", path, ": ", std::strerror(rc));
    return out;
  }

  std::string buffer;
  bool open = true;
  const Clock::time_point ready_deadline = Clock::now() + kReadyTimeout;
  while (open && buffer.find('\n') == std::string::npos && Clock::now() < ready_deadline) {
    open = ReadSome(fds[0], buffer, ready_deadline);
  }
  const bool got_ready = buffer.rfind("ready\n", 0) == 0;
  if (got_ready) {
    const Clock::time_point kill_at = Clock::now() + delay;
    // Drain the pipe meanwhile so that the appender never blocks on a full pipe.
    while (open && Clock::now() < kill_at) open = ReadSome(fds[0], buffer, kill_at);
    if (!open) out.error = "crash_appender closed its output before it was killed";
  } else {
    out.error = open ? "crash_appender did not print 'ready' in time"
                     : "crash_appender exited before printing 'ready'";
  }

  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  // The child is gone: read to the end of the pipe.
  while (open) open = ReadSome(fds[0], buffer, Clock::now() + std::chrono::seconds(10));
  ::close(fds[0]);
  if (out.error.empty() && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
    out.error = absl::StrCat("crash_appender ended by itself (wait status ", status, ")");
  }
  ParseLines(buffer, out);
  return out;
}

// Reopens the store and checks everything listed at the top of the file.
void CheckStore(const std::string& dir, const std::map<EventId, uint64_t>& acked,
                uint64_t& previous_size, tlog::Hash& previous_root) {
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<EventStore> store, EventStore::Open(dir, Options()));
  const uint64_t size = store->Size();

  // The log only grows, and what it held is unchanged.
  ASSERT_GE(size, previous_size) << "the log shrank";
  ASSERT_OK_AND_ASSIGN(tlog::Hash old_root, store->RootAt(previous_size));
  EXPECT_EQ(old_root, previous_root) << "the root at size " << previous_size << " changed";

  // 1. Every acknowledged event, at its acknowledged position.
  int missing = 0;
  for (const auto& [id, position] : acked) {
    absl::StatusOr<RecordedEvent> event = store->FindEvent(id);
    if (!event.ok() || event->position != position || event->id != id) {
      ADD_FAILURE() << "acknowledged event " << EventIdToString(id) << " at position " << position
                    << ": "
                    << (event.ok() ? absl::StrCat("found at position ", event->position)
                                   : event.status().ToString());
      if (++missing >= 10) break;
    }
  }
  ASSERT_EQ(missing, 0) << "acknowledged events were lost (log size " << size << ")";

  // 2. Gap-free positions 0..size-1.
  uint64_t expected = 0;
  std::optional<uint64_t> from = 0;
  while (from.has_value()) {
    ASSERT_OK_AND_ASSIGN(ReadPage page, store->ReadLog(*from, Direction::kForward, 1000));
    ASSERT_TRUE(!page.events.empty() || !page.next.has_value()) << "empty page at " << *from;
    for (const RecordedEvent& event : page.events) {
      ASSERT_EQ(event.position, expected) << "gap in the log";
      ++expected;
    }
    from = page.next;
  }
  ASSERT_EQ(expected, size) << "ReadLog returned " << expected << " events, Size() is " << size;

  // 3. Verify, and its root against the stored tree.
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store->Verify());
  EXPECT_TRUE(report.ok()) << "Verify: position " << report.first_bad_position.value_or(UINT64_MAX)
                           << ": " << report.problem;
  EXPECT_EQ(report.events_checked, size);
  ASSERT_OK_AND_ASSIGN(tlog::Hash root, store->RootAt(size));
  EXPECT_EQ(report.root, root);

  // 4. The latest checkpoint.
  absl::StatusOr<SignedCheckpoint> checkpoint = store->LatestCheckpoint();
  if (checkpoint.ok()) {
    EXPECT_LE(checkpoint->checkpoint.size, size);
    ASSERT_OK_AND_ASSIGN(tlog::Hash checkpoint_root, store->RootAt(checkpoint->checkpoint.size));
    EXPECT_EQ(checkpoint_root, checkpoint->checkpoint.root);
    ASSERT_OK_AND_ASSIGN(tlog::Checkpoint verified,
                         tlog::VerifyCheckpoint(checkpoint->note, store->verifier_key()));
    EXPECT_EQ(verified, checkpoint->checkpoint);
  } else {
    EXPECT_TRUE(absl::IsNotFound(checkpoint.status())) << checkpoint.status();
    EXPECT_EQ(previous_size, 0u) << "no checkpoint although an earlier round closed the store";
  }

  previous_size = size;
  previous_root = root;
  EXPECT_OK(store->Close());
}

TEST(CrashTest, SigkillDuringAppendsLosesNoAcknowledgedEvent) {
  uint64_t seed = kDefaultSeed;
  if (const char* env = std::getenv("CTG_CRASH_SEED"); env != nullptr) {
    ASSERT_TRUE(absl::SimpleAtoi(env, &seed)) << "bad CTG_CRASH_SEED '" << env << "'";
  }
  std::cout << "crash test seed: " << seed << " (set CTG_CRASH_SEED to change it)" << std::endl;
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> delay_ms(20, 300);

  ctg::testing::TempDir temp;
  const std::string dir = temp.Sub("store");
  std::map<EventId, uint64_t> acked;
  std::map<uint64_t, EventId> positions;
  uint64_t previous_size = 0;
  tlog::Hash previous_root = tlog::EmptyRoot();
  const Clock::time_point start = Clock::now();

  for (int round = 0; round < kRounds; ++round) {
    const std::chrono::milliseconds delay(delay_ms(rng));
    RoundOutput out = RunAppender(dir, seed + static_cast<uint64_t>(round), delay);
    ASSERT_TRUE(out.error.empty()) << "round " << round << ": " << out.error;
    ASSERT_TRUE(out.ready) << "round " << round;
    for (const Ack& ack : out.acks) {
      ASSERT_TRUE(acked.emplace(ack.id, ack.position).second)
          << "event " << EventIdToString(ack.id) << " acknowledged twice";
      auto [it, inserted] = positions.emplace(ack.position, ack.id);
      ASSERT_TRUE(inserted) << "position " << ack.position << " acknowledged for "
                            << EventIdToString(it->second) << " and " << EventIdToString(ack.id);
    }
    CheckStore(dir, acked, previous_size, previous_root);
    if (HasFatalFailure()) return;
    std::cout << "round " << round << ": killed after " << delay.count() << " ms, "
              << out.acks.size() << " acks, log size " << previous_size << std::endl;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::cout << kRounds << " rounds, " << acked.size() << " acknowledged events, log size "
            << previous_size << ", " << seconds << " s" << std::endl;
  EXPECT_GT(acked.size(), 0u) << "the appender never acknowledged an event";
}

}  // namespace
}  // namespace ctg::eventstore
