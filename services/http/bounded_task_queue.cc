#include "services/http/bounded_task_queue.h"

#include <cassert>

namespace arrs::services::http {

BoundedTaskQueue::BoundedTaskQueue(int threads, int capacity) : capacity_(capacity) {
  assert(threads > 0 && capacity > 0);
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Work(); });
}

BoundedTaskQueue::~BoundedTaskQueue() { shutdown(); }

void BoundedTaskQueue::enqueue(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  auto has_room = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    return stopping_ || tasks_.size() < capacity_;
  };
  mu_.Await(absl::Condition(&has_room));
  if (stopping_) return;
  tasks_.push_back(std::move(task));
  assert(tasks_.size() <= capacity_);
}

void BoundedTaskQueue::shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
  }
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

void BoundedTaskQueue::Work() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) {
        return stopping_ || !tasks_.empty();
      };
      mu_.Await(absl::Condition(&ready));
      if (tasks_.empty()) return;  // stopping, and nothing left to do
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task();
  }
}

}  // namespace arrs::services::http
