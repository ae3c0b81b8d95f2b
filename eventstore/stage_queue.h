// StageQueue: the FIFO between two threads of the append pipeline (sequencer → writer →
// syncer → acknowledger). One producer pushes and finally calls Finish; one consumer takes
// items one at a time or all at once, and learns from an empty result that the producer
// finished and everything was taken.
//
//   queue.Push(std::move(group));           // producer
//   while (auto group = queue.TakeOne()) …  // consumer, until Finish and drained
#ifndef CTG_EVENTSTORE_STAGE_QUEUE_H_
#define CTG_EVENTSTORE_STAGE_QUEUE_H_

#include <cstddef>
#include <deque>
#include <optional>
#include <utility>

#include "absl/synchronization/mutex.h"

namespace ctg::eventstore {

template <typename T>
class StageQueue {
 public:
  void Push(T item) {
    absl::MutexLock lock(&mu_);
    items_.push_back(std::move(item));
    cv_.SignalAll();
  }

  // Blocks while the queue holds `limit` items or more: the producer waits for room.
  void WaitForRoomBelow(size_t limit) {
    absl::MutexLock lock(&mu_);
    while (items_.size() >= limit) cv_.Wait(&mu_);
  }

  // The oldest item, waiting for one; nullopt once Finish was called and all was taken.
  std::optional<T> TakeOne() {
    absl::MutexLock lock(&mu_);
    while (items_.empty() && !finished_) cv_.Wait(&mu_);
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    cv_.SignalAll();  // room for the producer
    return item;
  }

  // Every queued item, oldest first, waiting for at least one; empty once Finish was called
  // and all was taken.
  std::deque<T> TakeAll() {
    absl::MutexLock lock(&mu_);
    while (items_.empty() && !finished_) cv_.Wait(&mu_);
    std::deque<T> items;
    items.swap(items_);
    cv_.SignalAll();
    return items;
  }

  // The producer will push no more.
  void Finish() {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    cv_.SignalAll();
  }

 private:
  absl::Mutex mu_;
  absl::CondVar cv_;
  std::deque<T> items_ ABSL_GUARDED_BY(mu_);
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace ctg::eventstore

#endif  // CTG_EVENTSTORE_STAGE_QUEUE_H_
