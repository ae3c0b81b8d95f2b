// A bounded queue of tasks run one at a time, in order, on a thread of its own: for work that
// must not run on a gRPC or event-store thread (it blocks, or it may wait for that thread)
// and must not grow without bound under load.
//
//   WorkQueue erasures("ctg-erasure", /*capacity=*/64);
//   if (absl::Status s = erasures.Submit([&] { vault.Erase(subject); }); !s.ok()) {
//     return s;  // RESOURCE_EXHAUSTED: 64 tasks already wait
//   }
#ifndef CTG_SERVICES_PLATFORM_WORK_QUEUE_H_
#define CTG_SERVICES_PLATFORM_WORK_QUEUE_H_

#include <cstddef>
#include <deque>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace ctg::platform {

class WorkQueue {
 public:
  // Starts the thread, named `name` (at most 15 characters: top -H, gdb). At most `capacity`
  // (at least 1) tasks wait besides the one running.
  WorkQueue(std::string name, size_t capacity);
  // Runs every task already accepted, then joins the thread.
  ~WorkQueue();

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `task`. RESOURCE_EXHAUSTED (the message says how many wait, and to retry later)
  // when `capacity` tasks already wait; the task is then dropped without running.
  absl::Status Submit(absl::AnyInvocable<void() &&> task);

  // The tasks waiting, not counting the one running.
  size_t waiting() const;

 private:
  void Run();

  const std::string name_;
  const size_t capacity_;
  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ctg::platform

#endif  // CTG_SERVICES_PLATFORM_WORK_QUEUE_H_
