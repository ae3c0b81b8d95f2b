// Subscriptions: catch up from the log, then wait for commits. A subscription holds only a
// cursor (the next position); reading is always from the store, so a slow subscriber costs
// the appenders nothing and never misses an event.
#include <atomic>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eventstore/base/status_macros.h"
#include "eventstore/event_store_impl.h"

namespace ctg::eventstore {
namespace {

class SubscriptionImpl final : public Subscription {
 public:
  SubscriptionImpl(EventStoreImpl* store, const SubscriptionOptions& options, size_t max_batch)
      : store_(store), position_(options.from_position), tag_(options.tag), max_batch_(max_batch) {}

  absl::StatusOr<SubscriptionBatch> Next(absl::Duration timeout) override {
    if (cancelled_.load()) return absl::CancelledError("the subscription was cancelled");
    ASSIGN_OR_RETURN(uint64_t log_size, store_->WaitForCommit(position_, timeout, &cancelled_));
    SubscriptionBatch batch;
    batch.log_size = log_size;
    batch.time = absl::Now();
    if (log_size > position_) {
      ASSIGN_OR_RETURN(RangeRead read, store_->ReadRange(position_, log_size, tag_, max_batch_));
      batch.events = std::move(read.events);
      position_ = read.next;
    }
    batch.position = position_;
    return batch;
  }

  void Cancel() override {
    cancelled_.store(true);
    store_->WakeWaiters();
  }

 private:
  EventStoreImpl* const store_;
  uint64_t position_;  // every event before it was delivered or filtered out
  const std::optional<std::string> tag_;
  const size_t max_batch_;
  std::atomic<bool> cancelled_{false};
};

}  // namespace

absl::StatusOr<std::unique_ptr<Subscription>> EventStoreImpl::Subscribe(
    const SubscriptionOptions& options) {
  if (options.from_position > Size()) {
    return absl::OutOfRangeError(absl::StrCat("from_position ", options.from_position,
                                              " is beyond the log (size ", Size(), ")"));
  }
  if (options.tag.has_value() && options.tag->empty()) {
    return absl::InvalidArgumentError("tag is set but empty");
  }
  if (options.max_batch == 0) return absl::InvalidArgumentError("max_batch must be positive");
  const size_t max_batch = std::min(options.max_batch, options_.max_read_count);
  return std::unique_ptr<Subscription>(new SubscriptionImpl(this, options, max_batch));
}

absl::StatusOr<uint64_t> EventStoreImpl::WaitForCommit(uint64_t position, absl::Duration timeout,
                                                       const std::atomic<bool>* cancelled) {
  absl::MutexLock lock(&commit_mu_);
  const absl::Time deadline = absl::Now() + timeout;
  while (committed_size_ <= position && !closed_ && !cancelled->load()) {
    if (commit_cv_.WaitWithDeadline(&commit_mu_, deadline)) break;
  }
  if (cancelled->load()) return absl::CancelledError("the subscription was cancelled");
  if (closed_) return absl::FailedPreconditionError("the event store is closed");
  return committed_size_;
}

void EventStoreImpl::WakeWaiters() {
  absl::MutexLock lock(&commit_mu_);
  commit_cv_.SignalAll();
}

}  // namespace ctg::eventstore
