#include "services/platform/work_queue.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ctg::platform {

WorkQueue::WorkQueue(std::string name, size_t capacity)
    : name_(std::move(name)), capacity_(std::max<size_t>(capacity, 1)) {
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), name_.substr(0, 15).c_str());
    Run();
  });
}

WorkQueue::~WorkQueue() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

absl::Status WorkQueue::Submit(absl::AnyInvocable<void() &&> task) {
  absl::MutexLock lock(&mu_);
  if (tasks_.size() >= capacity_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        name_, ": ", tasks_.size(), " tasks already wait, the most it takes; retry later"));
  }
  tasks_.push_back(std::move(task));
  return absl::OkStatus();
}

size_t WorkQueue::waiting() const {
  absl::MutexLock lock(&mu_);
  return tasks_.size();
}

void WorkQueue::Run() {
  absl::MutexLock lock(&mu_);
  while (true) {
    mu_.Await(absl::Condition(
        +[](WorkQueue* queue) ABSL_EXCLUSIVE_LOCKS_REQUIRED(queue->mu_) {
          return queue->stopping_ || !queue->tasks_.empty();
        },
        this));
    if (tasks_.empty()) return;  // stopping, and everything accepted has run
    absl::AnyInvocable<void() &&> task = std::move(tasks_.front());
    tasks_.pop_front();
    mu_.Unlock();
    std::move(task)();
    mu_.Lock();
  }
}

}  // namespace ctg::platform
