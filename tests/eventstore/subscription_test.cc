// Subscriptions: catch-up then live, exactly once and in order under concurrent appends,
// filtering with checkpoints, cancellation, and slow subscribers.
#include <atomic>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "tests/eventstore/store_fixture.h"

namespace ctg::eventstore {
namespace {

using ::ctg::testing::StatusIs;
using ::testing::HasSubstr;

TEST_F(StoreTest, CatchesUpThenGoesLiveWithoutGapsOrDuplicates) {
  AppendMany("pre-1", 50);
  ASSERT_OK_AND_ASSIGN(auto subscription, store_->Subscribe({.from_position = 0, .max_batch = 7}));
  constexpr int kWriters = 4;
  constexpr int kPerWriter = 100;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] { AppendMany(absl::StrCat("live-", w), kPerWriter); });
  }
  const uint64_t total = 50 + kWriters * kPerWriter;
  uint64_t next = 0;
  while (next < total) {
    ASSERT_OK_AND_ASSIGN(SubscriptionBatch batch, subscription->Next(absl::Seconds(10)));
    ASSERT_LE(batch.events.size(), 7u);
    for (const RecordedEvent& event : batch.events) ASSERT_EQ(event.position, next++);
    ASSERT_EQ(batch.position, next);
    ASSERT_GE(batch.log_size, batch.position);
  }
  for (auto& w : writers) w.join();
  // Nothing more: the next call times out with a pure checkpoint at the end of the log.
  ASSERT_OK_AND_ASSIGN(SubscriptionBatch idle, subscription->Next(absl::Milliseconds(50)));
  EXPECT_TRUE(idle.events.empty());
  EXPECT_EQ(idle.position, total);
  EXPECT_EQ(idle.log_size, total);
}

TEST_F(StoreTest, StartsFromAPositionAndRefusesOneBeyondTheLog) {
  AppendMany("s-1", 10);
  ASSERT_OK_AND_ASSIGN(auto subscription, store_->Subscribe({.from_position = 6}));
  ASSERT_OK_AND_ASSIGN(SubscriptionBatch batch, subscription->Next(absl::Seconds(1)));
  ASSERT_EQ(batch.events.size(), 4u);
  EXPECT_EQ(batch.events.front().position, 6u);
  EXPECT_THAT(store_->Subscribe({.from_position = 11}),
              StatusIs(absl::StatusCode::kOutOfRange, HasSubstr("beyond")));
  EXPECT_THAT(store_->Subscribe({.from_position = 0, .tag = ""}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("tag")));
}

TEST_F(StoreTest, FilteredSubscriptionDeliversMatchesAndCheckpointsPastTheRest) {
  ASSERT_OK_AND_ASSIGN(auto subscription,
                       store_->Subscribe({.from_position = 0, .tag = "ctg:1", .max_batch = 100}));
  AppendMany("other-1", 20, {"ctg:2"});
  // Only non-matching events so far: a pure checkpoint that still moves to the log's end.
  ASSERT_OK_AND_ASSIGN(SubscriptionBatch batch, subscription->Next(absl::Seconds(5)));
  EXPECT_TRUE(batch.events.empty());
  EXPECT_EQ(batch.position, 20u);
  EXPECT_EQ(batch.log_size - batch.position, 0u);  // no lag
  AppendMany("ctg-1", 3, {"ctg:1"});
  AppendMany("other-1", 5, {"ctg:2"});
  std::vector<uint64_t> delivered;
  while (delivered.size() < 3) {
    ASSERT_OK_AND_ASSIGN(batch, subscription->Next(absl::Seconds(5)));
    for (const auto& e : batch.events) {
      EXPECT_EQ(e.stream, "ctg-1");
      delivered.push_back(e.position);
    }
  }
  EXPECT_EQ(delivered, (std::vector<uint64_t>{20, 21, 22}));
}

TEST_F(StoreTest, CancelWakesABlockedSubscriber) {
  ASSERT_OK_AND_ASSIGN(auto subscription, store_->Subscribe({}));
  std::thread canceller([&] {
    absl::SleepFor(absl::Milliseconds(100));
    subscription->Cancel();
  });
  const absl::Time start = absl::Now();
  EXPECT_THAT(subscription->Next(absl::Seconds(30)),
              StatusIs(absl::StatusCode::kCancelled, HasSubstr("cancelled")));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  canceller.join();
  EXPECT_THAT(subscription->Next(absl::Seconds(1)),
              StatusIs(absl::StatusCode::kCancelled, HasSubstr("")));
}

TEST_F(StoreTest, ClosingTheStoreEndsSubscriptions) {
  ASSERT_OK_AND_ASSIGN(auto subscription, store_->Subscribe({}));
  std::thread closer([&] {
    absl::SleepFor(absl::Milliseconds(100));
    ASSERT_OK(store_->Close());
  });
  const absl::Time start = absl::Now();
  EXPECT_THAT(subscription->Next(absl::Seconds(30)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("closed")));
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  closer.join();
}

TEST_F(StoreTest, ASlowSubscriberNeverBlocksAppendsAndCatchesUpLater) {
  ASSERT_OK_AND_ASSIGN(auto subscription, store_->Subscribe({.max_batch = 1000}));
  ASSERT_OK_AND_ASSIGN(SubscriptionBatch first, subscription->Next(absl::Milliseconds(10)));
  EXPECT_TRUE(first.events.empty());
  // The subscriber does not read while 500 appends complete.
  AppendMany("s-1", 500);
  EXPECT_EQ(store_->Size(), 500u);
  uint64_t next = 0;
  while (next < 500) {
    ASSERT_OK_AND_ASSIGN(SubscriptionBatch batch, subscription->Next(absl::Seconds(5)));
    EXPECT_EQ(batch.log_size, 500u);  // lag is visible to the subscriber
    for (const auto& e : batch.events) ASSERT_EQ(e.position, next++);
  }
}

}  // namespace
}  // namespace ctg::eventstore
