// crash_appender: a child process for crash_test. It opens an event store (default Options:
// durable) and appends forever from several threads, printing one line per acknowledged
// event so that the parent, which SIGKILLs it at a random moment, knows exactly what the
// store promised to keep.
//
// Usage: crash_appender <store_dir> <threads> [seed]
//
// Output on stdout (each group of lines is written with a single write(2) under a mutex,
// right after Append returned, so a line is in the pipe before anything else happens):
//   ready\n                        once the store is open
//   ack <event-id-uuid> <position>\n   one per event of every successful Append
// Errors go to stderr; an unexpected append error makes the process exit with status 3
// (the parent expects to kill it with SIGKILL and treats any exit as a failure).
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "eventstore/event_store.h"

namespace ctg::eventstore {
namespace {

constexpr int kStreams = 50;

std::mutex g_stdout_mu;

// Writes all of `text` to fd 1 (one write(2) unless the pipe takes it in pieces, which it
// does not for writes up to PIPE_BUF bytes).
void WriteStdout(const std::string& text) {
  std::lock_guard<std::mutex> lock(g_stdout_mu);
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(STDOUT_FILENO, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::fprintf(stderr, "crash_appender: write to stdout failed: %s\n", std::strerror(errno));
      std::_Exit(4);
    }
    done += static_cast<size_t>(n);
  }
}

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "crash_appender: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(3);
}

std::string StreamName(int index) { return absl::StrCat("crash-", index); }

void AppendLoop(EventStore* store, int thread_index, uint64_t seed) {
  std::mt19937_64 rng(seed * 1000003u + static_cast<uint64_t>(thread_index));
  std::uniform_int_distribution<int> stream_dist(0, kStreams - 1);
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> byte_dist(0, 255);
  uint64_t counter = 0;
  while (true) {
    const int stream_index = stream_dist(rng);
    const std::string stream = StreamName(stream_index);
    // Batches of 2 or 3 events one time in five, single events otherwise.
    const int count = percent(rng) < 20 ? 2 + percent(rng) % 2 : 1;
    std::vector<EventData> events;
    events.reserve(count);
    for (int i = 0; i < count; ++i) {
      EventData event;
      event.id = NewEventId();
      event.type = "crash.v1.Appended";
      event.metadata = absl::StrCat("thread=", thread_index, " n=", counter);
      event.payload.resize(200);
      for (char& c : event.payload) c = static_cast<char>(byte_dist(rng));
      event.tags = {absl::StrCat("stream:", stream), absl::StrCat("t:", counter % 7)};
      ++counter;
      events.push_back(std::move(event));
    }
    std::vector<EventId> ids;
    ids.reserve(events.size());
    for (const EventData& event : events) ids.push_back(event.id);

    // Every fifth stream uses optimistic concurrency on its current head.
    ExpectedRevision expected = ExpectedRevision::Any();
    if (stream_index % 5 == 0) {
      absl::StatusOr<StreamHead> head = store->GetStreamHead(stream);
      if (head.ok()) {
        expected = ExpectedRevision::Exact(head->revision);
      } else if (absl::IsNotFound(head.status())) {
        expected = ExpectedRevision::NoStream();
      } else {
        Fail(absl::StrCat("GetStreamHead(", stream, "): ", head.status().ToString()));
      }
    }

    absl::StatusOr<AppendResult> result = store->Append(stream, expected, std::move(events));
    if (absl::IsAborted(result.status())) continue;  // another thread got there first
    if (!result.ok()) Fail(absl::StrCat("Append(", stream, "): ", result.status().ToString()));
    if (result->replayed || result->last_position - result->first_position + 1 != ids.size()) {
      Fail(absl::StrCat("Append(", stream, ") returned an unexpected result: positions ",
                        result->first_position, "..", result->last_position,
                        " replayed=", result->replayed, " for ", ids.size(), " events"));
    }
    std::string lines;
    for (size_t i = 0; i < ids.size(); ++i) {
      absl::StrAppend(&lines, "ack ", EventIdToString(ids[i]), " ", result->first_position + i,
                      "\n");
    }
    WriteStdout(lines);
  }
}

int Main(int argc, char** argv) {
  if (argc < 3 || argc > 4) {
    std::fprintf(stderr, "usage: %s <store_dir> <threads> [seed]\n", argv[0]);
    return 2;
  }
  int threads = 0;
  if (!absl::SimpleAtoi(argv[2], &threads) || threads < 1 || threads > 1024) {
    std::fprintf(stderr, "crash_appender: bad thread count '%s'\n", argv[2]);
    return 2;
  }
  uint64_t seed = static_cast<uint64_t>(::getpid());
  if (argc == 4 && !absl::SimpleAtoi(argv[3], &seed)) {
    std::fprintf(stderr, "crash_appender: bad seed '%s'\n", argv[3]);
    return 2;
  }
  absl::StatusOr<std::unique_ptr<EventStore>> store = EventStore::Open(argv[1], Options());
  if (!store.ok()) {
    std::fprintf(stderr, "crash_appender: cannot open %s: %s\n", argv[1],
                 store.status().ToString().c_str());
    return 1;
  }
  WriteStdout("ready\n");
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back(AppendLoop, store->get(), i, seed);
  }
  for (std::thread& worker : workers) worker.join();  // never returns: the parent kills us
  return 0;
}

}  // namespace
}  // namespace ctg::eventstore

int main(int argc, char** argv) { return ctg::eventstore::Main(argc, argv); }
