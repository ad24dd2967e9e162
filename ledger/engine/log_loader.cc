#include "ledger/engine/log_loader.h"

#include <deque>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "google/protobuf/arena.h"
#include "ledger/engine/ledger_state.h"

namespace arrs::engine {
namespace {

constexpr size_t kPageEvents = 4096;
constexpr size_t kPagesAhead = 4;  // parsed pages waiting to be folded, at most

struct Page {
  std::unique_ptr<google::protobuf::Arena> arena;
  std::vector<v1::Event*> events;
};

std::unique_ptr<google::protobuf::Arena> NewPageArena() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 64 << 10;  // a page of events is megabytes, not bytes
  options.max_block_size = 1 << 20;
  return std::make_unique<google::protobuf::Arena>(options);
}

// Pages handed from the reading thread to the folding one.
class PageQueue {
 public:
  // Blocks while kPagesAhead pages wait. False when the consumer has given up.
  bool Push(Page page) {
    absl::MutexLock lock(&mu_);
    auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return pages_.size() < kPagesAhead || abandoned_;
    };
    mu_.Await(absl::Condition(&room));
    if (abandoned_) return false;
    pages_.push_back(std::move(page));
    return true;
  }
  // The reader is done: `status` says whether it read everything.
  void Close(absl::Status status) {
    absl::MutexLock lock(&mu_);
    closed_ = true;
    status_ = std::move(status);
  }
  // The next page; false when there is none left (then see status()).
  bool Pop(Page* page) {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return !pages_.empty() || closed_;
    };
    mu_.Await(absl::Condition(&ready));
    if (pages_.empty()) return false;
    *page = std::move(pages_.front());
    pages_.pop_front();
    return true;
  }
  void Abandon() {
    absl::MutexLock lock(&mu_);
    abandoned_ = true;
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  absl::Mutex mu_;
  std::deque<Page> pages_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool abandoned_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::Status LoadLog(const store::EventLog& log, LedgerState& state) {
  uint64_t from = 0;
  {
    absl::MutexLock lock(&state.mu);
    from = state.head_position + 1;
  }
  const uint64_t last = log.head().position;
  PageQueue queue;
  std::thread reader([&log, &queue, from, last] {
    for (uint64_t next = from; next <= last;) {
      Page page;
      page.arena = NewPageArena();
      absl::StatusOr<std::vector<v1::Event*>> events =
          log.ReadFromArena(next, std::min<uint64_t>(kPageEvents, last - next + 1),
                            page.arena.get());
      if (!events.ok()) {
        queue.Close(events.status());
        return;
      }
      if (events->empty()) break;
      next = events->back()->position() + 1;
      page.events = *std::move(events);
      if (!queue.Push(std::move(page))) return;
    }
    queue.Close(absl::OkStatus());
  });
  Page page;
  while (queue.Pop(&page)) {
    absl::MutexLock lock(&state.mu);
    state.Apply(std::move(page.arena), page.events);
  }
  queue.Abandon();
  reader.join();
  return queue.status();
}

}  // namespace arrs::engine
