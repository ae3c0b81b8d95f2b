// eventstore_bench: throughput and latency of the event store, next to a raw RocksDB
// baseline, all in one run so that the ratios are comparable. Prints one JSON object per
// measurement on stdout (progress goes to stderr).
//
//   eventstore_bench [--dir=DIR] [--seconds=S] [--events_for_reads=N] [--quick]
//
// Measurements:
//   rocksdb_sync_put   raw RocksDB, WriteOptions::sync, ~500-byte values, random 16-byte
//                      keys, 1 and 64 threads (latency per Put). avg_batch = Puts per WAL
//                      sync (RocksDB statistics).
//   append_durable     EventStore, default (durable) Options, single-event appends,
//                      ~500-byte payload, 2 tags, random stream among 100,000, Any;
//                      1, 8 and 64 threads (latency per Append). avg_batch = events per
//                      group commit, inferred from the distinct recorded times (every event
//                      of a group carries the group's time).
//   append_async       EventStore::AppendAsync with 64 appends in flight on the same store, as a
//                      server would: callbacks hand the slot back, two issuer threads send
//                      the next append (latency: call to callback).
//   build_read_store   building the read store (Options::sync = false, 100 events per
//                      Append, 4 threads); latency per Append of 100 events.
//   read_stream        random streams (100 events each) read forward, max_count 100.
//   read_tag           random tags (100 events each) read forward, max_count 100.
//   verify             EventStore::Verify() over the read store.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "eventstore/event_store.h"
#include "rocksdb/db.h"
#include "rocksdb/options.h"
#include "rocksdb/statistics.h"

namespace ctg::eventstore {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kValueBytes = 500;
constexpr int kAppendStreams = 100000;
constexpr size_t kEventsPerBuildAppend = 100;
constexpr uint64_t kMaxReadStreams = 10000;
constexpr int kBuildThreads = 4;
constexpr uint64_t kSeed = 42;

struct Flags {
  std::string dir;
  std::optional<double> seconds;
  std::optional<uint64_t> events_for_reads;
  bool quick = false;
  std::vector<std::string> phases = {"rocksdb", "append", "reads"};
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "eventstore_bench: %s\n", message.c_str());
  std::exit(1);
}

void Check(const absl::Status& status, absl::string_view what) {
  if (!status.ok()) Die(absl::StrCat(what, ": ", status.ToString()));
}

void Progress(const std::string& message) {
  std::fprintf(stderr, "[bench] %s\n", message.c_str());
  std::fflush(stderr);
}

std::string RandomBytes(std::mt19937_64& rng, size_t n) {
  std::string bytes(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t r = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) bytes[i + j] = static_cast<char>(r >> (8 * j));
  }
  return bytes;
}

// One JSON object on one line. Keys and string values are plain ASCII identifiers.
class JsonLine {
 public:
  JsonLine& Str(absl::string_view key, absl::string_view value) {
    Key(key);
    absl::StrAppend(&text_, "\"", value, "\"");
    return *this;
  }
  JsonLine& Int(absl::string_view key, uint64_t value) {
    Key(key);
    absl::StrAppend(&text_, value);
    return *this;
  }
  JsonLine& Num(absl::string_view key, double value) {
    Key(key);
    absl::StrAppend(&text_, absl::StrFormat("%.6g", value));
    return *this;
  }
  void Print() {
    std::printf("%s}\n", text_.c_str());
    std::fflush(stdout);
  }

 private:
  void Key(absl::string_view key) {
    absl::StrAppend(&text_, text_.empty() ? "{" : ",", "\"", key, "\":");
  }
  std::string text_;
};

// The result of running an operation in a loop on several threads for a while.
struct Run {
  int threads = 0;
  uint64_t ops = 0;
  uint64_t items = 0;  // what the operations returned (e.g. events read)
  double seconds = 0;
  double p50_us = 0;
  double p99_us = 0;
  double max_us = 0;
  double cpu_seconds = 0;  // CPU time of the whole process (all threads) during the run
};

// User plus system CPU time of this process so far, every thread included (the store's
// threads and RocksDB's background jobs too).
double ProcessCpuSeconds() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const struct timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Sets run->p50_us, p99_us and max_us from the latencies (µs) of its operations.
void FillLatencies(std::vector<double> all, Run* run) {
  if (all.empty()) return;
  std::sort(all.begin(), all.end());
  run->p50_us = all[all.size() / 2];
  run->p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  run->max_us = all.back();
}

// Calls op(thread_index, rng) in a loop on `threads` threads for `seconds`, timing each
// call. op returns a count of items (events appended or read).
Run RunThreads(int threads, double seconds,
               const std::function<uint64_t(int, std::mt19937_64&)>& op) {
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> latencies(threads);
  std::vector<uint64_t> items(threads, 0);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 rng(kSeed * 7919 + static_cast<uint64_t>(t));
      std::vector<double>& lat = latencies[t];
      lat.reserve(1 << 16);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      while (!stop.load(std::memory_order_relaxed)) {
        const Clock::time_point begin = Clock::now();
        items[t] += op(t, rng);
        lat.push_back(std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
      }
    });
  }
  const double cpu_start = ProcessCpuSeconds();
  const Clock::time_point start = Clock::now();
  go.store(true, std::memory_order_release);
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop.store(true);
  for (std::thread& worker : workers) worker.join();
  Run run;
  run.threads = threads;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.cpu_seconds = ProcessCpuSeconds() - cpu_start;
  std::vector<double> all;
  for (int t = 0; t < threads; ++t) {
    all.insert(all.end(), latencies[t].begin(), latencies[t].end());
    run.items += items[t];
  }
  run.ops = all.size();
  FillLatencies(std::move(all), &run);
  return run;
}

JsonLine RunJson(absl::string_view name, const Run& run) {
  JsonLine line;
  line.Str("name", name)
      .Int("threads", static_cast<uint64_t>(run.threads))
      .Num("ops_per_s", static_cast<double>(run.ops) / run.seconds)
      .Num("p50_us", run.p50_us)
      .Num("p99_us", run.p99_us)
      .Num("max_us", run.max_us)
      .Num("cpu_us_per_op",
           run.ops == 0 ? 0.0 : run.cpu_seconds * 1e6 / static_cast<double>(run.ops))
      .Num("cpu_cores", run.cpu_seconds / run.seconds)
      .Int("ops", run.ops)
      .Num("seconds", run.seconds);
  return line;
}

// ---------------------------------------------------------------------------------------

void BenchRocksDbSyncPut(const std::string& dir, double seconds) {
  rocksdb::Options options;
  options.create_if_missing = true;
  options.statistics = rocksdb::CreateDBStatistics();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, dir, &raw);
  if (!s.ok()) Die(absl::StrCat("opening RocksDB at ", dir, ": ", s.ToString()));
  std::unique_ptr<rocksdb::DB> db(raw);
  std::mt19937_64 value_rng(kSeed);
  const std::string value = RandomBytes(value_rng, kValueBytes);
  for (int threads : {1, 64}) {
    Progress(absl::StrCat("rocksdb_sync_put, ", threads, " threads"));
    const uint64_t syncs_before = options.statistics->getTickerCount(rocksdb::WAL_FILE_SYNCED);
    Run run = RunThreads(threads, seconds, [&](int, std::mt19937_64& rng) -> uint64_t {
      const std::string key = RandomBytes(rng, 16);
      rocksdb::WriteOptions write_options;
      write_options.sync = true;
      rocksdb::Status put = db->Put(write_options, key, value);
      if (!put.ok()) Die(absl::StrCat("Put: ", put.ToString()));
      return 1;
    });
    const uint64_t syncs =
        options.statistics->getTickerCount(rocksdb::WAL_FILE_SYNCED) - syncs_before;
    RunJson("rocksdb_sync_put", run)
        .Int("events", run.ops)
        .Int("wal_syncs", syncs)
        .Num("avg_batch", syncs == 0 ? 0.0 : static_cast<double>(run.ops) / syncs)
        .Print();
  }
  s = db->Close();
  if (!s.ok()) Die(absl::StrCat("closing RocksDB: ", s.ToString()));
}

// Groups among the events [from, to): consecutive events of one group share its recorded
// time, and successive groups are stamped at least one fsync apart.
uint64_t CountGroups(EventStore& store, uint64_t from, uint64_t to) {
  uint64_t groups = 0;
  std::optional<absl::Time> last;
  uint64_t position = from;
  while (position < to) {
    absl::StatusOr<ReadPage> page = store.ReadLog(position, Direction::kForward, 1000);
    Check(page.status(), "ReadLog");
    if (page->events.empty()) break;
    for (const RecordedEvent& event : page->events) {
      if (event.position >= to) break;
      if (!last.has_value() || event.recorded_time != *last) ++groups;
      last = event.recorded_time;
    }
    position = page->events.back().position + 1;
  }
  return groups;
}

// One single-event append like the server's: random stream among kAppendStreams, 2 tags.
std::pair<std::string, EventData> MakeBenchAppend(uint64_t n, int client,
                                                  const std::string& payload) {
  EventData event;
  event.id = NewEventId();
  event.type = "bench.v1.Appended";
  event.metadata = absl::StrCat("client=", client);
  event.payload = payload;
  event.payload[0] = static_cast<char>(n);  // not all identical
  event.tags = {absl::StrCat("bench:", n % 1000), absl::StrCat("kind:", (n >> 20) % 10)};
  return {absl::StrCat("bench-", (n >> 32) % kAppendStreams), std::move(event)};
}

// Keeps `in_flight` AppendAsync calls outstanding for `seconds`, as a server's handlers
// would: a completion only hands its slot back, and two issuer threads (a server's gRPC
// threads on this 2-core machine) send the next append. Latency: call to callback.
Run RunAsync(EventStore& store, int in_flight, double seconds, const std::string& payload) {
  absl::Mutex mu;
  absl::CondVar ready_cv;
  std::deque<int> ready;  // slots whose append completed, guarded by mu
  std::vector<double> latencies;
  int outstanding = 0;
  bool stop = false;
  std::vector<std::thread> issuers;
  for (int issuer = 0; issuer < 2; ++issuer) {
    issuers.emplace_back([&, issuer] {
      std::mt19937_64 rng(kSeed * 31 + static_cast<uint64_t>(issuer));
      while (true) {
        int slot;
        {
          absl::MutexLock lock(&mu);
          while (ready.empty() && !stop) ready_cv.Wait(&mu);
          if (stop) return;
          slot = ready.front();
          ready.pop_front();
          ++outstanding;
        }
        auto [stream, event] = MakeBenchAppend(rng(), slot, payload);
        std::vector<EventData> events;
        events.push_back(std::move(event));
        const Clock::time_point begin = Clock::now();
        store.AppendAsync(
            stream, ExpectedRevision::Any(), std::move(events),
            [&, slot, begin](absl::StatusOr<AppendResult> result) {
              Check(result.status(), "AppendAsync");
              const double us =
                  std::chrono::duration<double, std::micro>(Clock::now() - begin).count();
              absl::MutexLock lock(&mu);
              latencies.push_back(us);
              --outstanding;
              ready.push_back(slot);
              ready_cv.Signal();
            });
      }
    });
  }
  const double cpu_start = ProcessCpuSeconds();
  const Clock::time_point start = Clock::now();
  {
    absl::MutexLock lock(&mu);
    for (int slot = 0; slot < in_flight; ++slot) ready.push_back(slot);
    ready_cv.SignalAll();
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  Run run;
  {
    absl::MutexLock lock(&mu);
    stop = true;
    ready_cv.SignalAll();
    run.ops = latencies.size();  // completions within the measured time
  }
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.cpu_seconds = ProcessCpuSeconds() - cpu_start;
  for (std::thread& issuer : issuers) issuer.join();
  {
    absl::MutexLock lock(&mu);  // the last appends complete before their slots are dropped
    mu.Await(absl::Condition(
        +[](int* n) { return *n == 0; }, &outstanding));
  }
  run.threads = in_flight;
  std::vector<double> all(latencies.begin(), latencies.begin() + run.ops);
  FillLatencies(std::move(all), &run);
  return run;
}

void BenchAppendDurable(const std::string& dir, double seconds) {
  absl::StatusOr<std::unique_ptr<EventStore>> opened = EventStore::Open(dir, Options());
  Check(opened.status(), "opening the append store");
  EventStore& store = **opened;
  std::mt19937_64 payload_rng(kSeed + 1);
  const std::string payload = RandomBytes(payload_rng, kValueBytes);
  for (int threads : {1, 8, 64}) {
    Progress(absl::StrCat("append_durable, ", threads, " threads"));
    const uint64_t size_before = store.Size();
    Run run = RunThreads(threads, seconds, [&](int t, std::mt19937_64& rng) -> uint64_t {
      auto [stream, event] = MakeBenchAppend(rng(), t, payload);
      std::vector<EventData> events;
      events.push_back(std::move(event));
      absl::StatusOr<AppendResult> result =
          store.Append(stream, ExpectedRevision::Any(), std::move(events));
      Check(result.status(), "Append");
      return 1;
    });
    const uint64_t size_after = store.Size();
    const uint64_t groups = CountGroups(store, size_before, size_after);
    RunJson("append_durable", run)
        .Int("events", size_after - size_before)
        .Int("groups", groups)
        .Num("avg_batch",
             groups == 0 ? 0.0 : static_cast<double>(size_after - size_before) / groups)
        .Print();
  }
  const uint64_t size_before = store.Size();
  Progress("append_async, 64 in flight");
  Run run = RunAsync(store, /*in_flight=*/64, seconds, payload);
  const uint64_t size_after = store.Size();
  const uint64_t groups = CountGroups(store, size_before, size_after);
  RunJson("append_async", run)
      .Int("events", size_after - size_before)
      .Int("groups", groups)
      .Num("avg_batch", groups == 0 ? 0.0 : static_cast<double>(size_after - size_before) / groups)
      .Print();
  Check(store.Close(), "closing the append store");
}

// The read store: `events` events in appends of 100 to min(10,000, appends) streams, so
// that every stream holds ~100 events; event k carries tag "g:<k % (events / 100)>", so
// that every tag holds ~100 events spread over the log.
struct ReadStore {
  uint64_t events = 0;
  uint64_t streams = 0;
  uint64_t tags = 0;
};

ReadStore BuildReadStore(const std::string& dir, uint64_t events_wanted) {
  ReadStore shape;
  const uint64_t appends =
      std::max<uint64_t>(1, (events_wanted + kEventsPerBuildAppend - 1) / kEventsPerBuildAppend);
  shape.events = appends * kEventsPerBuildAppend;
  shape.streams = std::min(kMaxReadStreams, appends);
  shape.tags = appends;  // events / 100
  Progress(absl::StrCat("building the read store: ", shape.events, " events, ", shape.streams,
                        " streams, ", shape.tags, " tags"));
  Options options;
  options.sync = false;
  const Clock::time_point start = Clock::now();
  {
    absl::StatusOr<std::unique_ptr<EventStore>> opened = EventStore::Open(dir, options);
    Check(opened.status(), "opening the read store");
    EventStore& store = **opened;
    std::atomic<uint64_t> next_append{0};
    std::vector<std::vector<double>> latencies(kBuildThreads);
    std::vector<std::thread> builders;
    for (int t = 0; t < kBuildThreads; ++t) {
      builders.emplace_back([&, t] {
        std::mt19937_64 rng(kSeed + 100 + static_cast<uint64_t>(t));
        const std::string payload = RandomBytes(rng, kValueBytes);
        for (uint64_t j = next_append++; j < appends; j = next_append++) {
          std::vector<EventData> events(kEventsPerBuildAppend);
          for (uint64_t i = 0; i < kEventsPerBuildAppend; ++i) {
            const uint64_t k = j * kEventsPerBuildAppend + i;
            EventData& event = events[i];
            event.id = NewEventId();
            event.type = "bench.v1.Stored";
            event.payload = payload;
            event.payload[0] = static_cast<char>(k);
            event.tags = {absl::StrCat("g:", k % shape.tags)};
          }
          const Clock::time_point begin = Clock::now();
          absl::StatusOr<AppendResult> result = store.Append(
              absl::StrCat("read-", j % shape.streams), ExpectedRevision::Any(), std::move(events));
          latencies[t].push_back(
              std::chrono::duration<double, std::micro>(Clock::now() - begin).count());
          Check(result.status(), "Append (building the read store)");
          if (j % 1000 == 999) {
            Progress(absl::StrCat("  ", (j + 1) * kEventsPerBuildAppend, " events"));
          }
        }
      });
    }
    for (std::thread& builder : builders) builder.join();
    if (store.Size() != shape.events) {
      Die(absl::StrCat("the read store has ", store.Size(), " events, expected ", shape.events));
    }
    Check(store.Close(), "closing the read store");
    const double build_seconds = std::chrono::duration<double>(Clock::now() - start).count();
    std::vector<double> all;
    for (const auto& lat : latencies) all.insert(all.end(), lat.begin(), lat.end());
    Run run;
    FillLatencies(std::move(all), &run);
    JsonLine()
        .Str("name", "build_read_store")
        .Int("threads", kBuildThreads)
        .Num("ops_per_s", static_cast<double>(appends) / build_seconds)
        .Num("p50_us", run.p50_us)
        .Num("p99_us", run.p99_us)
        .Int("ops", appends)
        .Int("events", shape.events)
        .Num("events_per_s", static_cast<double>(shape.events) / build_seconds)
        .Num("seconds", build_seconds)
        .Int("sync", 0)
        .Print();
  }
  return shape;
}

// `read_check`: Options::verify_reads (every event read checked against the tree). The verify
// row is measured with `verify`.
void BenchReads(const std::string& dir, const ReadStore& shape, double seconds, bool read_check,
                bool verify) {
  const Clock::time_point open_start = Clock::now();
  Options options;
  options.verify_reads = read_check;
  absl::StatusOr<std::unique_ptr<EventStore>> opened = EventStore::Open(dir, options);
  Check(opened.status(), "reopening the read store (durable)");
  EventStore& store = **opened;
  Progress(absl::StrCat("reopened the read store in ",
                        std::chrono::duration<double>(Clock::now() - open_start).count(), " s"));

  // Reads of 100 events at 1 and 8 threads; `read` returns the events of one call.
  auto bench_reads = [&](absl::string_view name,
                         const std::function<uint64_t(std::mt19937_64&)>& read) {
    for (int threads : {1, 8}) {
      Progress(absl::StrCat(name, ", ", threads, " threads"));
      Run run = RunThreads(threads, seconds,
                           [&](int, std::mt19937_64& rng) -> uint64_t { return read(rng); });
      RunJson(name, run)
          .Int("events", run.items)
          .Num("events_per_s", static_cast<double>(run.items) / run.seconds)
          .Num("avg_events_per_read", run.ops == 0 ? 0.0 : static_cast<double>(run.items) / run.ops)
          .Int("store_events", shape.events)
          .Str("read_check", read_check ? "on" : "off")
          .Print();
    }
  };
  bench_reads("read_stream", [&](std::mt19937_64& rng) -> uint64_t {
    absl::StatusOr<ReadPage> page =
        store.ReadStream(absl::StrCat("read-", rng() % shape.streams), 0, Direction::kForward, 100);
    Check(page.status(), "ReadStream");
    return page->events.size();
  });
  bench_reads("read_tag", [&](std::mt19937_64& rng) -> uint64_t {
    absl::StatusOr<ReadPage> page =
        store.ReadTag(absl::StrCat("g:", rng() % shape.tags), 0, Direction::kForward, 100);
    Check(page.status(), "ReadTag");
    return page->events.size();
  });

  if (!verify) {
    Check(store.Close(), "closing the read store");
    return;
  }
  Progress("verify");
  const Clock::time_point verify_start = Clock::now();
  absl::StatusOr<VerifyReport> report = store.Verify();
  const double verify_seconds = std::chrono::duration<double>(Clock::now() - verify_start).count();
  Check(report.status(), "Verify");
  if (!report->ok()) Die(absl::StrCat("Verify reported a problem: ", report->problem));
  const double verify_us = verify_seconds * 1e6;
  JsonLine()
      .Str("name", "verify")
      .Int("threads", 1)
      .Num("ops_per_s", static_cast<double>(report->events_checked) / verify_seconds)
      .Num("p50_us", verify_us)  // a single call
      .Num("p99_us", verify_us)
      .Int("events", report->events_checked)
      .Num("seconds", verify_seconds)
      .Num(
          "seconds_per_million",
          verify_seconds * 1e6 / static_cast<double>(std::max<uint64_t>(1, report->events_checked)))
      .Print();
  Check(store.Close(), "closing the read store");
}

void Usage(const char* argv0) {
  std::fprintf(
      stderr,
      "usage: %s [--dir=DIR] [--seconds=S] [--events_for_reads=N] [--quick] [--phases=P]\n"
      "  --dir               working directory (default: a fresh directory under /tmp,\n"
      "                      removed at the end); its subdirectories must not exist\n"
      "  --seconds           seconds per measurement (default 5; --quick: 1)\n"
      "  --events_for_reads  events in the read store (default 1000000; --quick: 20000)\n"
      "  --quick             small sizes for a smoke run\n"
      "  --phases            comma-separated subset of rocksdb,append,reads (default all)\n"
      "Prints one JSON object per measurement on stdout.\n",
      argv0);
}

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      Usage(argv[0]);
      std::exit(0);
    }
    if (arg == "--quick") {
      flags.quick = true;
      continue;
    }
    std::string name = arg;
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      name = arg.substr(0, eq);
      value = arg.substr(eq + 1);
      has_value = true;
    }
    if (name != "--dir" && name != "--seconds" && name != "--events_for_reads" &&
        name != "--phases") {
      std::fprintf(stderr, "unknown flag '%s'\n", arg.c_str());
      Usage(argv[0]);
      std::exit(2);
    }
    if (!has_value) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "flag %s needs a value\n", name.c_str());
        std::exit(2);
      }
      value = argv[++i];
    }
    bool ok = true;
    if (name == "--dir") {
      flags.dir = value;
      ok = !value.empty();
    } else if (name == "--phases") {
      flags.phases = absl::StrSplit(value, ',');
      for (const std::string& phase : flags.phases) {
        ok = ok && (phase == "rocksdb" || phase == "append" || phase == "reads");
      }
    } else if (name == "--seconds") {
      double seconds = 0;
      ok = absl::SimpleAtod(value, &seconds) && seconds > 0;
      flags.seconds = seconds;
    } else {
      uint64_t events = 0;
      ok = absl::SimpleAtoi(value, &events) && events > 0;
      flags.events_for_reads = events;
    }
    if (!ok) {
      std::fprintf(stderr, "bad value '%s' for %s\n", value.c_str(), name.c_str());
      std::exit(2);
    }
  }
  return flags;
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  const double seconds = flags.seconds.value_or(flags.quick ? 1.0 : 5.0);
  const uint64_t events_for_reads = flags.events_for_reads.value_or(flags.quick ? 20000 : 1000000);

  std::string dir = flags.dir;
  const bool own_dir = dir.empty();
  if (own_dir) {
    std::string pattern = "/tmp/eventstore_bench.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) Die("mkdtemp failed");
    dir = pattern;
  } else {
    std::filesystem::create_directories(dir);
  }
  const std::string rocksdb_dir = dir + "/rocksdb_sync_put";
  const std::string append_dir = dir + "/append_durable";
  const std::string read_dir = dir + "/reads";
  for (const std::string& sub : {rocksdb_dir, append_dir, read_dir}) {
    if (std::filesystem::exists(sub)) Die(absl::StrCat(sub, " already exists; remove it first"));
  }
  Progress(absl::StrCat("dir ", dir, ", ", seconds, " s per measurement, ", events_for_reads,
                        " events for reads, ", std::thread::hardware_concurrency(), " cores"));

  auto wanted = [&](absl::string_view phase) {
    return std::find(flags.phases.begin(), flags.phases.end(), phase) != flags.phases.end();
  };
  if (wanted("rocksdb")) BenchRocksDbSyncPut(rocksdb_dir, seconds);
  if (wanted("append")) BenchAppendDurable(append_dir, seconds);
  if (wanted("reads")) {
    const ReadStore shape = BuildReadStore(read_dir, events_for_reads);
    // With the per-read check (the default), then without, in the same run.
    BenchReads(read_dir, shape, seconds, /*read_check=*/true, /*verify=*/false);
    BenchReads(read_dir, shape, seconds, /*read_check=*/false, /*verify=*/true);
  }

  if (own_dir) {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  return 0;
}

}  // namespace
}  // namespace ctg::eventstore

int main(int argc, char** argv) { return ctg::eventstore::Main(argc, argv); }
