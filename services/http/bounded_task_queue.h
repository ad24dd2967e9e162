// BoundedTaskQueue: cpp-httplib's TaskQueue with a fixed number of worker threads and a
// bounded backlog. httplib's own ThreadPool queues accepted connections without limit;
// here, when `capacity` connections already wait, the accepting thread blocks until a
// worker frees a place, so the kernel's listen backlog absorbs (and then refuses) the
// excess instead of the heap.
#ifndef ARRS_SERVICES_HTTP_BOUNDED_TASK_QUEUE_H_
#define ARRS_SERVICES_HTTP_BOUNDED_TASK_QUEUE_H_

#include <httplib.h>

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace arrs::services::http {

class BoundedTaskQueue : public httplib::TaskQueue {
 public:
  BoundedTaskQueue(int threads, int capacity);
  ~BoundedTaskQueue() override;

  // Blocks while `capacity` tasks wait; runs `task` on a worker. After shutdown, drops it.
  void enqueue(std::function<void()> task) override;
  // Lets the workers finish the queued tasks, then joins them. Idempotent.
  void shutdown() override;

 private:
  void Work();

  const size_t capacity_;
  absl::Mutex mu_;
  std::deque<std::function<void()>> tasks_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> workers_;
};

}  // namespace arrs::services::http

#endif  // ARRS_SERVICES_HTTP_BOUNDED_TASK_QUEUE_H_
