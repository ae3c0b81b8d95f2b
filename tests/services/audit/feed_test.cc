// The live feed: catch-up, live events, progress, authorization per event, cancellation.
#include "services/audit/feed.h"

#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/platform/errors.h"
#include "tests/services/audit/audit_fixture.h"

namespace ctg::audit {
namespace {

using namespace ::ctg::audit::testing;  // NOLINT(build/namespaces): the fixtures
using ::ctg::testing::StatusIs;
using ::testing::_;
using ::testing::ElementsAre;

class FeedTest : public AuditStoreTest {
 protected:
  std::unique_ptr<Feed> StartFeed(const platform::Principal& principal, FeedOptions options = {}) {
    absl::StatusOr<std::unique_ptr<Feed>> feed = Feed::Start(*store_, principal, Lookup(), options);
    EXPECT_TRUE(feed.ok()) << feed.status();
    return feed.ok() ? *std::move(feed) : nullptr;
  }

  // Pulls until a Progress reports the log's end (`size`); returns the event positions seen.
  static std::vector<int64_t> DrainTo(Feed& feed, int64_t size) {
    std::vector<int64_t> positions;
    for (int i = 0; i < 100; ++i) {
      absl::StatusOr<std::vector<v1::SubscribeEventsResponse>> messages =
          feed.Next(absl::Milliseconds(100));
      EXPECT_TRUE(messages.ok()) << messages.status();
      if (!messages.ok()) break;
      for (const v1::SubscribeEventsResponse& message : *messages) {
        if (message.has_event()) positions.push_back(message.event().position());
        if (message.has_progress() && message.progress().position() == size) return positions;
      }
    }
    ADD_FAILURE() << "never caught up to " << size;
    return positions;
  }
};

TEST_F(FeedTest, CatchesUpWithWhatThePrincipalMayReadThenReportsProgress) {
  Append("ctg-val-orbe-2025", Drafted("val-orbe-2025", "a"));  // 0
  Append("ctg-plaine-2024", Drafted("plaine-2024", "b"));      // 1
  Append("org-900000002", Retitled("registry"));               // 2
  Append("system-1", Retitled("post"));                          // 3
  std::unique_ptr<Feed> feed = StartFeed(CdtAlice());
  ASSERT_NE(feed, nullptr);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::SubscribeEventsResponse> messages,
                       feed->Next(absl::Milliseconds(100)));
  ASSERT_EQ(messages.size(), 4u);  // 0, 2, 3 then the progress at the end of the log
  EXPECT_EQ(messages[0].event().position(), 0);
  EXPECT_EQ(messages[0].event().type(), "ctg.v1.CtgDrafted");
  EXPECT_FALSE(messages[0].event().payload_json().empty());
  EXPECT_EQ(messages[1].event().position(), 2);
  EXPECT_EQ(messages[2].event().position(), 3);
  ASSERT_TRUE(messages[3].has_progress());
  EXPECT_EQ(messages[3].progress().position(), 4);
  EXPECT_EQ(messages[3].progress().log_size(), 4);
  EXPECT_GT(messages[3].progress().time().seconds(), 0);
}

TEST_F(FeedTest, StartsAtAPositionAndFollowsTheTag) {
  for (int i = 0; i < 3; ++i) Append("ctg-val-orbe-2025", Retitled("a"), {"ctg:val-orbe-2025"});
  for (int i = 0; i < 3; ++i) Append("ctg-plaine-2024", Retitled("b"), {"ctg:plaine-2024"});
  FeedOptions options;
  options.start_position = 1;
  options.tag = "ctg:val-orbe-2025";
  std::unique_ptr<Feed> feed = StartFeed(Commission(), options);
  ASSERT_NE(feed, nullptr);
  EXPECT_THAT(DrainTo(*feed, 6), ElementsAre(1, 2));
}

TEST_F(FeedTest, DeliversLiveEventsInOrder) {
  std::unique_ptr<Feed> feed = StartFeed(ValDOrbeElu());
  ASSERT_NE(feed, nullptr);
  EXPECT_THAT(DrainTo(*feed, 0), ElementsAre());  // an empty log: caught up at once
  std::thread writer([this] {
    for (int i = 0; i < 5; ++i) {
      Append("ctg-val-orbe-2025", Retitled("live"));
      Append("ctg-plaine-2024", Retitled("hidden"));
    }
  });
  std::vector<int64_t> positions = DrainTo(*feed, 10);
  writer.join();
  EXPECT_THAT(positions, ElementsAre(0, 2, 4, 6, 8));
}

TEST_F(FeedTest, ProgressIsSentPeriodicallyWhenNothingHappens) {
  FeedOptions options;
  options.progress_interval = absl::ZeroDuration();
  std::unique_ptr<Feed> feed = StartFeed(Commission(), options);
  ASSERT_NE(feed, nullptr);
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(std::vector<v1::SubscribeEventsResponse> messages,
                         feed->Next(absl::Milliseconds(10)));
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_TRUE(messages[0].has_progress());
  }
  // With a long interval, a caught-up feed stays silent after its first progress.
  options.progress_interval = absl::Hours(1);
  std::unique_ptr<Feed> quiet = StartFeed(Commission(), options);
  ASSERT_NE(quiet, nullptr);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::SubscribeEventsResponse> first,
                       quiet->Next(absl::Milliseconds(10)));
  EXPECT_EQ(first.size(), 1u);
  ASSERT_OK_AND_ASSIGN(std::vector<v1::SubscribeEventsResponse> second,
                       quiet->Next(absl::Milliseconds(10)));
  EXPECT_TRUE(second.empty());
}

TEST_F(FeedTest, AFeedStartingAtTheLogsEndReportsProgressAtOnce) {
  Append("ctg-val-orbe-2025", Retitled("a"));
  Append("ctg-val-orbe-2025", Retitled("b"));
  FeedOptions options;
  options.start_position = 2;
  std::unique_ptr<Feed> feed = StartFeed(Commission(), options);
  ASSERT_NE(feed, nullptr);
  absl::StatusOr<std::vector<v1::SubscribeEventsResponse>> first;
  absl::Notification returned;
  std::thread waiter([&] {
    first = feed->Next(absl::Hours(1));  // no event will come
    returned.Notify();
  });
  // Unblocks a first Next that waits for events instead of answering (the defect).
  if (!returned.WaitForNotificationWithTimeout(absl::Seconds(30))) feed->Cancel();
  waiter.join();
  ASSERT_OK(first.status());
  ASSERT_EQ(first->size(), 1u);
  ASSERT_TRUE((*first)[0].has_progress());
  EXPECT_EQ((*first)[0].progress().position(), 2);
  EXPECT_EQ((*first)[0].progress().log_size(), 2);
}

TEST_F(FeedTest, CancelWakesAWaitingNext) {
  std::unique_ptr<Feed> feed = StartFeed(Commission());
  ASSERT_NE(feed, nullptr);
  ASSERT_OK(feed->Next(absl::Milliseconds(1)).status());  // the first progress
  absl::Notification returned;
  std::thread waiter([&] {
    EXPECT_THAT(feed->Next(absl::Hours(1)), StatusIs(absl::StatusCode::kCancelled, _));
    returned.Notify();
  });
  absl::SleepFor(absl::Milliseconds(50));
  feed->Cancel();
  EXPECT_TRUE(returned.WaitForNotificationWithTimeout(absl::Seconds(10)));
  waiter.join();
  EXPECT_THAT(feed->Next(absl::Milliseconds(1)), StatusIs(absl::StatusCode::kCancelled, _));
}

TEST_F(FeedTest, ClosingTheStoreEndsTheFeed) {
  std::unique_ptr<Feed> feed = StartFeed(Commission());
  ASSERT_NE(feed, nullptr);
  ASSERT_OK(store_->Close());
  EXPECT_THAT(feed->Next(absl::Seconds(10)),
              StatusIs(absl::StatusCode::kFailedPrecondition, _));
}

TEST_F(FeedTest, StartPositionAndTagAreChecked) {
  Append("system-1", Retitled("a"));
  FeedOptions negative;
  negative.start_position = -1;
  absl::StatusOr<std::unique_ptr<Feed>> feed = Feed::Start(*store_, CafAdmin(), Lookup(), negative);
  EXPECT_THAT(feed, StatusIs(absl::StatusCode::kInvalidArgument, _));
  ASSERT_TRUE(platform::BadRequestOf(feed.status()).has_value());
  EXPECT_EQ(platform::BadRequestOf(feed.status())->field_violations(0).field(), "start_position");

  FeedOptions beyond;
  beyond.start_position = 2;
  feed = Feed::Start(*store_, CafAdmin(), Lookup(), beyond);
  EXPECT_THAT(feed, StatusIs(absl::StatusCode::kOutOfRange, ::testing::HasSubstr("size 1")));
  ASSERT_TRUE(platform::BadRequestOf(feed.status()).has_value());
  EXPECT_EQ(platform::BadRequestOf(feed.status())->field_violations(0).field(), "start_position");

  FeedOptions at_end;
  at_end.start_position = 1;  // the log's size: only new events
  EXPECT_OK(Feed::Start(*store_, CafAdmin(), Lookup(), at_end));

  FeedOptions bad_tag;
  bad_tag.tag = "two words";
  feed = Feed::Start(*store_, CafAdmin(), Lookup(), bad_tag);
  EXPECT_THAT(feed, StatusIs(absl::StatusCode::kInvalidArgument, _));
  EXPECT_EQ(platform::BadRequestOf(feed.status())->field_violations(0).field(), "tag");
}

}  // namespace
}  // namespace ctg::audit
