// The bounded work queue: tasks run in order on one thread of the queue's own, at most
// `capacity` wait (the next is refused and never runs), and destruction runs what was accepted.
#include "services/platform/work_queue.h"

#include <memory>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace ctg::platform {
namespace {

TEST(WorkQueueTest, RunsTasksInOrderOnItsOwnThread) {
  absl::Mutex mu;
  std::vector<int> order;
  std::vector<std::thread::id> threads;
  {
    WorkQueue queue("test-queue", 16);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(queue
                      .Submit([&, i] {
                        absl::MutexLock lock(&mu);
                        order.push_back(i);
                        threads.push_back(std::this_thread::get_id());
                      })
                      .ok());
    }
  }  // the destructor runs everything accepted
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  for (std::thread::id id : threads) {
    EXPECT_NE(id, std::this_thread::get_id());
    EXPECT_EQ(id, threads.front());
  }
}

TEST(WorkQueueTest, RefusesBeyondItsCapacityAndDropsTheRefusedTask) {
  absl::Notification started;
  absl::Notification release;
  int ran = 0;
  {
    WorkQueue queue("test-queue", 2);
    ASSERT_TRUE(queue
                    .Submit([&] {
                      started.Notify();
                      release.WaitForNotification();
                      ++ran;
                    })
                    .ok());
    started.WaitForNotification();  // the first one runs: it does not count as waiting
    ASSERT_TRUE(queue.Submit([&] { ++ran; }).ok());
    ASSERT_TRUE(queue.Submit([&] { ++ran; }).ok());
    EXPECT_EQ(queue.waiting(), 2u);
    const absl::Status refused = queue.Submit([&] { ran += 100; });
    EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_NE(refused.message().find("retry later"), absl::string_view::npos) << refused;
    release.Notify();
  }
  EXPECT_EQ(ran, 3);
}

TEST(WorkQueueTest, AcceptsAgainOnceTasksHaveRun) {
  WorkQueue queue("test-queue", 1);
  for (int i = 0; i < 5; ++i) {
    absl::Notification done;
    ASSERT_TRUE(queue.Submit([&] { done.Notify(); }).ok()) << i;
    done.WaitForNotification();
  }
  EXPECT_EQ(queue.waiting(), 0u);
}

}  // namespace
}  // namespace ctg::platform
