// Appends, expected revisions, idempotency, validation and reads of the event store.
#include "eventstore/event_store.h"

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "tests/eventstore/store_fixture.h"

namespace ctg::eventstore {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST_F(StoreTest, AppendAssignsConsecutivePositionsAndRevisions) {
  ASSERT_OK_AND_ASSIGN(AppendResult first,
                       store_->Append("post-1", ExpectedRevision::NoStream(),
                                      {MakeEvent("t.A", "a"), MakeEvent("t.B", "b")}));
  EXPECT_EQ(first.first_position, 0u);
  EXPECT_EQ(first.last_position, 1u);
  EXPECT_EQ(first.revision, 1u);
  EXPECT_FALSE(first.replayed);
  ASSERT_OK_AND_ASSIGN(AppendResult second,
                       store_->Append("post-2", ExpectedRevision::Any(), {MakeEvent("t.C", "c")}));
  EXPECT_EQ(second.first_position, 2u);
  EXPECT_EQ(second.revision, 0u);
  ASSERT_OK_AND_ASSIGN(AppendResult third, store_->Append("post-1", ExpectedRevision::Exact(1),
                                                          {MakeEvent("t.D", "d")}));
  EXPECT_EQ(third.first_position, 3u);
  EXPECT_EQ(third.revision, 2u);
  EXPECT_EQ(store_->Size(), 4u);
  ASSERT_OK_AND_ASSIGN(StreamHead head, store_->GetStreamHead("post-1"));
  EXPECT_EQ(head.revision, 2u);
  EXPECT_EQ(head.last_position, 3u);
}

// Every expected-revision kind against a missing stream, a stream at revision 0 and one at
// revision 2.
struct ExpectedRevisionCase {
  std::string name;
  int existing_events;  // events in the stream before the append
  ExpectedRevision expected;
  bool ok;
  std::string message;  // part of the ABORTED message
};
// gtest prints a row by its name, not its bytes.
void PrintTo(const ExpectedRevisionCase& row, std::ostream* os) { *os << row.name; }

class ExpectedRevisionTest : public StoreTest,
                             public ::testing::WithParamInterface<ExpectedRevisionCase> {};

TEST_P(ExpectedRevisionTest, ChecksTheStreamRevision) {
  const ExpectedRevisionCase& c = GetParam();
  AppendMany("ctg-7", c.existing_events);
  const uint64_t size_before = store_->Size();
  auto result = store_->Append("ctg-7", c.expected, {MakeEvent("t.X", "x")});
  if (c.ok) {
    ASSERT_OK(result);
    EXPECT_EQ(result->revision, static_cast<uint64_t>(c.existing_events));
    EXPECT_EQ(store_->Size(), size_before + 1);
  } else {
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kAborted, HasSubstr(c.message)));
    EXPECT_EQ(store_->Size(), size_before);  // nothing written
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllKinds, ExpectedRevisionTest,
    ::testing::Values(
        ExpectedRevisionCase{"any_missing", 0, ExpectedRevision::Any(), true, ""},
        ExpectedRevisionCase{"any_existing", 3, ExpectedRevision::Any(), true, ""},
        ExpectedRevisionCase{"no_stream_missing", 0, ExpectedRevision::NoStream(), true, ""},
        ExpectedRevisionCase{"no_stream_existing", 1, ExpectedRevision::NoStream(), false,
                             "expected revision no_stream but stream 'ctg-7' is at revision 0"},
        ExpectedRevisionCase{"exists_missing", 0, ExpectedRevision::StreamExists(), false,
                             "'ctg-7' does not exist"},
        ExpectedRevisionCase{"exists_existing", 1, ExpectedRevision::StreamExists(), true, ""},
        ExpectedRevisionCase{"exact_match", 3, ExpectedRevision::Exact(2), true, ""},
        ExpectedRevisionCase{"exact_behind", 3, ExpectedRevision::Exact(1), false,
                             "expected revision exact(1) but stream 'ctg-7' is at revision 2"},
        ExpectedRevisionCase{"exact_ahead", 1, ExpectedRevision::Exact(5), false,
                             "is at revision 0"},
        ExpectedRevisionCase{"exact_missing", 0, ExpectedRevision::Exact(0), false,
                             "does not exist"}),
    [](const ::testing::TestParamInfo<ExpectedRevisionCase>& info) { return info.param.name; });

TEST_F(StoreTest, RetriedAppendReturnsTheOriginalResultAndWritesNothing) {
  std::vector<EventData> events = {MakeEvent("t.A", "a", {"x:1"}), MakeEvent("t.B", "b")};
  ASSERT_OK_AND_ASSIGN(AppendResult original,
                       store_->Append("post-9", ExpectedRevision::NoStream(), events));
  AppendMany("post-other", 3);
  // The retry carries a stale expectation: idempotency wins over the revision check.
  ASSERT_OK_AND_ASSIGN(AppendResult retried,
                       store_->Append("post-9", ExpectedRevision::NoStream(), events));
  EXPECT_TRUE(retried.replayed);
  EXPECT_EQ(retried.first_position, original.first_position);
  EXPECT_EQ(retried.last_position, original.last_position);
  EXPECT_EQ(retried.revision, original.revision);
  EXPECT_EQ(store_->Size(), 5u);

  Reopen();  // also after a restart
  ASSERT_OK_AND_ASSIGN(AppendResult after_restart,
                       store_->Append("post-9", ExpectedRevision::Any(), events));
  EXPECT_TRUE(after_restart.replayed);
  EXPECT_EQ(after_restart.first_position, original.first_position);
  EXPECT_EQ(store_->Size(), 5u);
}

TEST_F(StoreTest, ConcurrentRetriesOfOneAppendWriteItOnce) {
  const std::vector<EventData> events = {MakeEvent("t.A", "a")};
  std::vector<std::thread> threads;
  std::atomic<int> written{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto result = store_->Append("post-1", ExpectedRevision::Any(), events);
      ASSERT_OK(result);
      if (!result->replayed) ++written;
      EXPECT_EQ(result->first_position, 0u);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(written.load(), 1);
  EXPECT_EQ(store_->Size(), 1u);
}

TEST_F(StoreTest, ReusedIdWithOtherContentIsRejected) {
  EventData event = MakeEvent("t.A", "a");
  ASSERT_OK(store_->Append("post-1", ExpectedRevision::Any(), {event}));
  EventData changed = event;
  changed.payload = "tampered";
  EXPECT_THAT(store_->Append("post-1", ExpectedRevision::Any(), {changed}),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("already stored at position 0 with other content")));
  EXPECT_THAT(store_->Append("post-2", ExpectedRevision::Any(), {event}),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("other content")));
  EXPECT_THAT(store_->Append("post-1", ExpectedRevision::Any(), {event, MakeEvent("t.B", "b")}),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("mixes stored and new")));
  EXPECT_EQ(store_->Size(), 1u);
}

struct InvalidAppendCase {
  std::string name;
  std::string stream;
  std::vector<EventData> events;
  std::string message;
};
// gtest prints a row by its name, not its bytes.
void PrintTo(const InvalidAppendCase& row, std::ostream* os) { *os << row.name; }

class InvalidAppendTest : public StoreTest,
                          public ::testing::WithParamInterface<InvalidAppendCase> {};

TEST_P(InvalidAppendTest, IsRejectedWithTheFieldAndWritesNothing) {
  const InvalidAppendCase& c = GetParam();
  EXPECT_THAT(store_->Append(c.stream, ExpectedRevision::Any(), c.events),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.message)));
  EXPECT_EQ(store_->Size(), 0u);
}

EventData WithId(EventData event, const EventId& id) {
  event.id = id;
  return event;
}

const EventId kSharedId = NewEventId();

INSTANTIATE_TEST_SUITE_P(
    Cases, InvalidAppendTest,
    ::testing::Values(
        InvalidAppendCase{"empty_stream", "", {MakeEvent("t.A", "a")}, "stream is empty"},
        InvalidAppendCase{"space_in_stream",
                          "post 1",
                          {MakeEvent("t.A", "a")},
                          "stream has byte 0x20 at offset 4"},
        InvalidAppendCase{"long_stream",
                          std::string(257, 'p'),
                          {MakeEvent("t.A", "a")},
                          "stream is 257 bytes long"},
        InvalidAppendCase{"no_events", "post-1", {}, "events is empty"},
        InvalidAppendCase{"empty_type", "post-1", {MakeEvent("", "a")}, "events[0].type is empty"},
        InvalidAppendCase{"nil_id",
                          "post-1",
                          {WithId(MakeEvent("t.A", "a"), EventId{})},
                          "events[0].id is the nil UUID"},
        InvalidAppendCase{
            "repeated_id",
            "post-1",
            {WithId(MakeEvent("t.A", "a"), kSharedId), WithId(MakeEvent("t.B", "b"), kSharedId)},
            "events[1].id"},
        InvalidAppendCase{"bad_tag",
                          "post-1",
                          {MakeEvent("t.A", "a", {"ok", "bad\ntag"})},
                          "events[0].tags[1] has byte 0x0a"},
        InvalidAppendCase{"too_many_tags",
                          "post-1",
                          {MakeEvent("t.A", "a", std::vector<std::string>(33, "t"))},
                          "events[0].tags has 33 tags"},
        InvalidAppendCase{"too_big",
                          "post-1",
                          {MakeEvent("t.A", std::string(1 << 20, 'x'))},
                          "events[0] is 1048577 bytes"}),
    [](const ::testing::TestParamInfo<InvalidAppendCase>& info) { return info.param.name; });

TEST_F(StoreTest, TooManyEventsInOneAppendIsRejected) {
  std::vector<EventData> events;
  for (int i = 0; i < 1001; ++i) events.push_back(MakeEvent("t.A", "a"));
  EXPECT_THAT(store_->Append("post-1", ExpectedRevision::Any(), events),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("limit per append is 1000")));
}

TEST_F(StoreTest, RecordedEventsCarryWhatWasAppendedWithCanonicalTags) {
  EventData event =
      MakeEvent("ctg.v1.CtgCreated", std::string("\0\1binary", 8), {"b", "a", "b"}, "meta-bytes");
  ASSERT_OK(store_->Append("ctg-1", ExpectedRevision::Any(), {event}));
  ASSERT_OK_AND_ASSIGN(RecordedEvent recorded, store_->GetEvent(0));
  EXPECT_EQ(recorded.id, event.id);
  EXPECT_EQ(recorded.stream, "ctg-1");
  EXPECT_EQ(recorded.type, "ctg.v1.CtgCreated");
  EXPECT_EQ(recorded.payload, event.payload);
  EXPECT_EQ(recorded.metadata, "meta-bytes");
  EXPECT_THAT(recorded.tags, ElementsAre("a", "b"));
  ASSERT_OK_AND_ASSIGN(RecordedEvent found, store_->FindEvent(event.id));
  EXPECT_EQ(found.position, 0u);
  EXPECT_EQ(found.leaf_hash, recorded.leaf_hash);
  EXPECT_THAT(store_->FindEvent(NewEventId()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("")));
  EXPECT_THAT(store_->GetEvent(1), StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("beyond")));
  EXPECT_THAT(store_->GetStreamHead("ctg-2"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("'ctg-2' has no event")));
}

TEST_F(StoreTest, RecordedTimeComesFromTheClockAndNeverGoesBack) {
  // Shared with the store, which reads the clock until it closes (after this body).
  auto now =
      std::make_shared<absl::Time>(absl::FromUnixSeconds(1'800'000'000) + absl::Nanoseconds(1500));
  options_.clock = [now] { return *now; };
  Reopen();
  AppendMany("s-1", 1);
  *now -= absl::Hours(1);  // a clock step backwards
  AppendMany("s-1", 1);
  ASSERT_OK_AND_ASSIGN(ReadPage page, store_->ReadLog(0, Direction::kForward, 10));
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.events[0].recorded_time, absl::FromUnixMicros(1'800'000'000'000'001));
  EXPECT_EQ(page.events[1].recorded_time, page.events[0].recorded_time);
}

TEST_F(StoreTest, ReadsStreamsForwardAndBackwardInPages) {
  AppendMany("post-1", 5);
  AppendMany("post-10", 3);  // a stream whose name extends post-1's
  ASSERT_OK_AND_ASSIGN(ReadPage page, store_->ReadStream("post-1", 0, Direction::kForward, 2));
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.events[0].revision, 0u);
  EXPECT_EQ(page.events[1].revision, 1u);
  ASSERT_EQ(page.next, 2u);
  ASSERT_OK_AND_ASSIGN(page, store_->ReadStream("post-1", 2, Direction::kForward, 10));
  ASSERT_EQ(page.events.size(), 3u);
  EXPECT_EQ(page.events.back().revision, 4u);
  EXPECT_FALSE(page.next.has_value());
  for (const RecordedEvent& e : page.events) EXPECT_EQ(e.stream, "post-1");

  ASSERT_OK_AND_ASSIGN(page, store_->ReadStream("post-1", UINT64_MAX, Direction::kBackward, 3));
  ASSERT_EQ(page.events.size(), 3u);
  EXPECT_EQ(page.events[0].revision, 4u);
  EXPECT_EQ(page.events[2].revision, 2u);
  ASSERT_EQ(page.next, 1u);
  ASSERT_OK_AND_ASSIGN(page, store_->ReadStream("post-1", 1, Direction::kBackward, 3));
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_FALSE(page.next.has_value());

  EXPECT_THAT(store_->ReadStream("post-2", 0, Direction::kForward, 10),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("post-2")));
  EXPECT_THAT(store_->ReadStream("post-1", 0, Direction::kForward, 0),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("max_count")));
}

TEST_F(StoreTest, ReadsTheLogBothWaysAndClampsPageSize) {
  options_.max_read_count = 4;
  Reopen();
  AppendMany("a-1", 3);
  AppendMany("b-1", 3);
  ASSERT_OK_AND_ASSIGN(ReadPage page, store_->ReadLog(0, Direction::kForward, 100));
  ASSERT_EQ(page.events.size(), 4u);  // clamped
  EXPECT_EQ(page.next, 4u);
  ASSERT_OK_AND_ASSIGN(page, store_->ReadLog(4, Direction::kForward, 100));
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.events[1].position, 5u);
  EXPECT_FALSE(page.next.has_value());
  ASSERT_OK_AND_ASSIGN(page, store_->ReadLog(UINT64_MAX, Direction::kBackward, 3));
  ASSERT_EQ(page.events.size(), 3u);
  EXPECT_EQ(page.events[0].position, 5u);
  EXPECT_EQ(page.next, 2u);
  ASSERT_OK_AND_ASSIGN(page, store_->ReadLog(6, Direction::kForward, 3));
  EXPECT_TRUE(page.events.empty());
}

TEST_F(StoreTest, PagesStopAtTheByteLimitButAlwaysProgress) {
  options_.max_read_bytes = 1000;
  Reopen();
  for (int i = 0; i < 4; ++i) {
    ASSERT_OK(store_->Append("big-1", ExpectedRevision::Any(),
                             {MakeEvent("t.Big", std::string(600, 'x'), {"k"})}));
  }
  ASSERT_OK_AND_ASSIGN(ReadPage page, store_->ReadLog(0, Direction::kForward, 100));
  EXPECT_EQ(page.events.size(), 2u);  // stops after the event that crosses the limit
  EXPECT_EQ(page.next, 2u);
  ASSERT_OK_AND_ASSIGN(page, store_->ReadTag("k", 0, Direction::kForward, 100));
  EXPECT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.next, 2u);
  ASSERT_OK_AND_ASSIGN(page, store_->ReadStream("big-1", 3, Direction::kForward, 100));
  EXPECT_EQ(page.events.size(), 1u);
}

TEST_F(StoreTest, ReadsByTag) {
  for (int i = 0; i < 10; ++i) {
    std::vector<std::string> tags = {absl::StrCat("n:", i % 3)};
    if (i % 2 == 0) tags.push_back("even");
    ASSERT_OK(store_->Append(absl::StrCat("s-", i), ExpectedRevision::Any(),
                             {MakeEvent("t.A", "a", tags)}));
  }
  ASSERT_OK_AND_ASSIGN(ReadPage page, store_->ReadTag("n:1", 0, Direction::kForward, 100));
  std::vector<uint64_t> positions;
  for (const auto& e : page.events) positions.push_back(e.position);
  EXPECT_THAT(positions, ElementsAre(1, 4, 7));
  ASSERT_OK_AND_ASSIGN(page, store_->ReadTag("even", 3, Direction::kForward, 2));
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.events[0].position, 4u);
  EXPECT_EQ(page.next, 8u);
  ASSERT_OK_AND_ASSIGN(page, store_->ReadTag("even", UINT64_MAX, Direction::kBackward, 2));
  ASSERT_EQ(page.events.size(), 2u);
  EXPECT_EQ(page.events[0].position, 8u);
  EXPECT_EQ(page.next, 4u);
  ASSERT_OK_AND_ASSIGN(page, store_->ReadTag("unknown", 0, Direction::kForward, 10));
  EXPECT_TRUE(page.events.empty());
  EXPECT_FALSE(page.next.has_value());
}

TEST_F(StoreTest, ConcurrentAppendersGetGapFreePositionsAndContiguousRevisions) {
  constexpr int kThreads = 8;
  constexpr int kAppends = 150;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppends; ++i) {
        const std::string stream = absl::StrCat("s-", (t + i) % 5);
        // Optimistic concurrency: read the head, append with Exact, retry on conflict.
        while (true) {
          auto head = store_->GetStreamHead(stream);
          ExpectedRevision expected =
              head.ok() ? ExpectedRevision::Exact(head->revision) : ExpectedRevision::NoStream();
          auto result = store_->Append(stream, expected, {MakeEvent("t.A", "x")});
          if (result.ok()) break;
          ASSERT_EQ(result.status().code(), absl::StatusCode::kAborted) << result.status();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(store_->Size(), static_cast<uint64_t>(kThreads * kAppends));
  std::map<std::string, uint64_t> next_revision;
  uint64_t expected_position = 0;
  std::optional<uint64_t> from = 0;
  while (from.has_value()) {
    ASSERT_OK_AND_ASSIGN(ReadPage page, store_->ReadLog(*from, Direction::kForward, 1000));
    for (const RecordedEvent& e : page.events) {
      ASSERT_EQ(e.position, expected_position++);
      ASSERT_EQ(e.revision, next_revision[e.stream]++) << e.stream;
    }
    from = page.next;
  }
  EXPECT_EQ(expected_position, store_->Size());
}

// A written group sits in RocksDB during its fsync before it is durable (the syncer's
// SyncWAL). No read may show it then: a crash could still take it back. Each check reads
// Size() after the read returns, so a read that leaked a not-yet-durable event is caught
// whenever its sync was still running, which happens many times over this run.
TEST_F(StoreTest, ReadsNeverShowEventsThatAreNotYetDurable) {
  constexpr int kAppenders = 4;
  constexpr int kAppendsEach = 150;
  const std::vector<std::string> streams = {"s-0", "s-1", "s-2"};
  std::atomic<int> appenders_left{kAppenders};
  std::vector<std::thread> threads;
  for (int t = 0; t < kAppenders; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAppendsEach; ++i) {
        ASSERT_OK(store_
                      ->Append(streams[(t + i) % streams.size()], ExpectedRevision::Any(),
                               {MakeEvent("t.A", "x", {"shared"})})
                      .status());
      }
      --appenders_left;
    });
  }
  std::atomic<int> checks{0};
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      while (appenders_left.load() > 0) {
        const std::string& stream = streams[checks.load() % streams.size()];
        absl::StatusOr<StreamHead> head = store_->GetStreamHead(stream);
        if (head.ok()) {
          ASSERT_LT(head->last_position, store_->Size()) << "a head that is not durable yet";
        } else {
          ASSERT_TRUE(absl::IsNotFound(head.status())) << head.status();
        }
        absl::StatusOr<ReadPage> page =
            r == 0 ? store_->ReadStream(stream, UINT64_MAX, Direction::kBackward, 5)
                   : store_->ReadTag("shared", UINT64_MAX, Direction::kBackward, 5);
        if (page.ok()) {
          const uint64_t size = store_->Size();
          for (const RecordedEvent& event : page->events) {
            ASSERT_LT(event.position, size) << "an event that is not durable yet";
          }
        } else {
          ASSERT_TRUE(absl::IsNotFound(page.status())) << page.status();
        }
        ++checks;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_GT(checks.load(), 0);
  EXPECT_EQ(store_->Size(), static_cast<uint64_t>(kAppenders * kAppendsEach));
}

TEST_F(StoreTest, ReopenKeepsEverythingAndContinuesPositions) {
  AppendMany("post-1", 3);
  Reopen();
  EXPECT_EQ(store_->Size(), 3u);
  ASSERT_OK_AND_ASSIGN(AppendResult r,
                       store_->Append("post-1", ExpectedRevision::Exact(2), {MakeEvent("t", "x")}));
  EXPECT_EQ(r.first_position, 3u);
  EXPECT_EQ(r.revision, 3u);
}

TEST_F(StoreTest, ClosedStoreRefusesCalls) {
  AppendMany("post-1", 1);
  ASSERT_OK(store_->Close());
  ASSERT_OK(store_->Close());  // idempotent
  EXPECT_THAT(store_->Append("post-1", ExpectedRevision::Any(), {MakeEvent("t", "x")}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
  EXPECT_THAT(store_->ReadLog(0, Direction::kForward, 1),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
  EXPECT_THAT(store_->GetStreamHead("post-1"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
}

TEST(StoreOpenTest, RefusesMissingStoreWithoutCreateAndASecondOpen) {
  ctg::testing::TempDir dir;
  Options options;
  options.create_if_missing = false;
  EXPECT_THAT(EventStore::Open(dir.Sub("none"), options),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no event store")));
  EXPECT_THAT(EventStore::Open(dir.path(), options),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("no event store")));
  ASSERT_OK_AND_ASSIGN(auto first, EventStore::Open(dir.Sub("s"), Options()));
  EXPECT_THAT(EventStore::Open(dir.Sub("s"), Options()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("another process")));
  Options bad_origin;
  bad_origin.origin = "has space";
  EXPECT_THAT(EventStore::Open(dir.Sub("t"), bad_origin),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("origin")));
}

}  // namespace
}  // namespace ctg::eventstore

namespace ctg::eventstore {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST_F(StoreTest, AppendAsyncCompletesInLogOrderOnceDurable) {
  constexpr int kAppends = 300;
  absl::Mutex mu;
  std::vector<uint64_t> completed;  // positions, in callback order
  absl::BlockingCounter pending(kAppends);
  for (int i = 0; i < kAppends; ++i) {
    store_->AppendAsync(absl::StrCat("a-", i % 7), ExpectedRevision::Any(), {MakeEvent("t.A", "x")},
                        [&](absl::StatusOr<AppendResult> result) {
                          ASSERT_OK(result);
                          {
                            absl::MutexLock lock(&mu);
                            completed.push_back(result->first_position);
                          }
                          pending.DecrementCount();
                        });
  }
  pending.Wait();
  ASSERT_EQ(completed.size(), static_cast<size_t>(kAppends));
  for (int i = 0; i < kAppends; ++i) EXPECT_EQ(completed[i], static_cast<uint64_t>(i));
  EXPECT_EQ(store_->Size(), static_cast<uint64_t>(kAppends));
}

TEST_F(StoreTest, AppendAsyncReportsInvalidRequestsOnTheCallingThread) {
  bool called = false;
  const std::thread::id caller = std::this_thread::get_id();
  store_->AppendAsync("bad stream", ExpectedRevision::Any(), {MakeEvent("t.A", "x")},
                      [&](absl::StatusOr<AppendResult> result) {
                        called = true;
                        EXPECT_EQ(std::this_thread::get_id(), caller);
                        EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument,
                                                     HasSubstr("stream has byte 0x20")));
                      });
  EXPECT_TRUE(called);
}

TEST_F(StoreTest, AppendAsyncCallbacksMayChainAppends) {
  constexpr uint64_t kChain = 50;
  absl::Notification finished;
  std::atomic<bool> all_ok{true};
  // Link i appends revision i with Exact(i - 1), from the previous link's callback (the
  // writer thread).
  std::function<void(uint64_t)> link = [&](uint64_t i) {
    store_->AppendAsync("chain-1", ExpectedRevision::Exact(i - 1), {MakeEvent("t.A", "x")},
                        [&, i](absl::StatusOr<AppendResult> result) {
                          if (!result.ok() || result->revision != i) all_ok = false;
                          if (i == kChain || !result.ok()) {
                            finished.Notify();
                          } else {
                            link(i + 1);
                          }
                        });
  };
  ASSERT_OK(store_->Append("chain-1", ExpectedRevision::NoStream(), {MakeEvent("t.A", "x")}));
  link(1);
  ASSERT_TRUE(finished.WaitForNotificationWithTimeout(absl::Seconds(60)));
  EXPECT_TRUE(all_ok.load());
  ASSERT_OK_AND_ASSIGN(StreamHead head, store_->GetStreamHead("chain-1"));
  EXPECT_EQ(head.revision, kChain);
}

TEST_F(StoreTest, AppendAsyncAfterCloseIsRefused) {
  ASSERT_OK(store_->Close());
  bool called = false;
  store_->AppendAsync(
      "s-1", ExpectedRevision::Any(), {MakeEvent("t.A", "x")},
      [&](absl::StatusOr<AppendResult> result) {
        called = true;
        EXPECT_THAT(result, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
      });
  EXPECT_TRUE(called);
}

}  // namespace
}  // namespace ctg::eventstore

namespace ctg::eventstore {
namespace {

// Each append is sent twice back to back, so that the retry lands in the same group as the
// original, in the next group while the original is still being written, or after it is
// durable: every case must write once and give both callers the same positions.
TEST_F(StoreTest, RetriesRacingTheirOriginalAcrossGroupsWriteOnce) {
  constexpr int kAppends = 600;
  struct Outcome {
    absl::Mutex mu;
    std::vector<absl::StatusOr<AppendResult>> results;
  };
  std::vector<Outcome> outcomes(kAppends);
  absl::BlockingCounter pending(2 * kAppends);
  uint64_t events_sent = 0;
  for (int i = 0; i < kAppends; ++i) {
    std::vector<EventData> events;
    for (int k = 0; k <= i % 3; ++k) events.push_back(MakeEvent("t.A", absl::StrCat(i, "/", k)));
    events_sent += events.size();
    for (int copy = 0; copy < 2; ++copy) {
      store_->AppendAsync(absl::StrCat("r-", i % 20), ExpectedRevision::Any(), events,
                          [&, i](absl::StatusOr<AppendResult> result) {
                            {
                              absl::MutexLock lock(&outcomes[i].mu);
                              outcomes[i].results.push_back(std::move(result));
                            }
                            pending.DecrementCount();
                          });
    }
  }
  pending.Wait();
  for (int i = 0; i < kAppends; ++i) {
    const auto& results = outcomes[i].results;
    ASSERT_EQ(results.size(), 2u);
    ASSERT_OK(results[0]);
    ASSERT_OK(results[1]);
    EXPECT_NE(results[0]->replayed, results[1]->replayed) << "append " << i;
    EXPECT_EQ(results[0]->first_position, results[1]->first_position) << "append " << i;
    EXPECT_EQ(results[0]->last_position, results[1]->last_position) << "append " << i;
    EXPECT_EQ(results[0]->revision, results[1]->revision) << "append " << i;
  }
  EXPECT_EQ(store_->Size(), events_sent);
  ASSERT_OK_AND_ASSIGN(VerifyReport report, store_->Verify());
  EXPECT_TRUE(report.ok()) << report.problem;
}

}  // namespace
}  // namespace ctg::eventstore
