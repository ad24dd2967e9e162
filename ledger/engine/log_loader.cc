#include "ledger/engine/log_loader.h"

#include <algorithm>
#include <map>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/arena.h"
#include "ledger/engine/ledger_state.h"

namespace arrs::engine {
namespace {

struct Page {
  std::unique_ptr<google::protobuf::Arena> arena;
  std::vector<v1::Event*> events;
};

// Parsed pages, by index, handed from the reading threads to the folding one in order.
class PageQueue {
 public:
  explicit PageQueue(size_t ahead) : ahead_(ahead) {}

  // Blocks until page `index` is within `ahead` pages of the next to fold. False when
  // the load has stopped (an error, or the folder gave up).
  bool Push(size_t index, Page page) {
    absl::MutexLock lock(&mu_);
    auto room = [this, index]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return index < next_ + ahead_ || stopped_;
    };
    mu_.Await(absl::Condition(&room));
    if (stopped_) return false;
    pages_.emplace(index, std::move(page));
    return true;
  }
  // A reader failed: the load stops with `status` (the first failure is kept).
  void Fail(absl::Status status) {
    absl::MutexLock lock(&mu_);
    if (status_.ok()) status_ = std::move(status);
    stopped_ = true;
  }
  // Page `index`, once parsed; false if the load stopped first.
  bool Pop(size_t index, Page* page) {
    absl::MutexLock lock(&mu_);
    auto ready = [this, index]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return pages_.count(index) > 0 || stopped_;
    };
    mu_.Await(absl::Condition(&ready));
    if (stopped_) return false;
    auto it = pages_.find(index);
    *page = std::move(it->second);
    pages_.erase(it);
    next_ = index + 1;
    return true;
  }
  void Stop() {
    absl::MutexLock lock(&mu_);
    stopped_ = true;
  }
  absl::Status status() {
    absl::MutexLock lock(&mu_);
    return status_;
  }

 private:
  const size_t ahead_;
  absl::Mutex mu_;
  std::map<size_t, Page> pages_ ABSL_GUARDED_BY(mu_);
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;  // the next page to fold
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status status_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<google::protobuf::Arena> NewEventPageArena() {
  google::protobuf::ArenaOptions options;
  options.start_block_size = 64 << 10;  // a page of events is megabytes, not bytes
  options.max_block_size = 1 << 20;
  return std::make_unique<google::protobuf::Arena>(options);
}

absl::Status LoadLog(const store::EventLog& log, LedgerState& state,
                     const LoadOptions& options) {
  if (options.page_events == 0 || options.readers < 1 || options.pages_ahead == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "load options out of range: page_events ", options.page_events, ", readers ",
        options.readers, ", pages_ahead ", options.pages_ahead, " (each must be >= 1)"));
  }
  const uint64_t from = state.HeadPosition() + 1;
  const uint64_t last = log.head().position;
  if (from > last) return absl::OkStatus();
  const size_t pages = static_cast<size_t>((last - from) / options.page_events + 1);
  const size_t readers = std::min<size_t>(static_cast<size_t>(options.readers), pages);
  // No deadlock whatever the bound: the page the folder waits for is always within it,
  // and its reader has pushed every earlier page of its own.
  PageQueue queue(options.pages_ahead);
  std::vector<std::thread> threads;
  for (size_t r = 0; r < readers; ++r) {
    threads.emplace_back([&, r] {
      for (size_t index = r; index < pages; index += readers) {
        const uint64_t first = from + index * options.page_events;
        const uint64_t count = std::min<uint64_t>(options.page_events, last - first + 1);
        Page page;
        page.arena = NewEventPageArena();
        absl::StatusOr<std::vector<v1::Event*>> events =
            log.ReadFromArena(first, count, page.arena.get());
        if (!events.ok()) return queue.Fail(events.status());
        if (events->size() != count) {
          return queue.Fail(absl::DataLossError(absl::StrCat(
              "reading events ", first, "..", first + count - 1, " gave ", events->size())));
        }
        page.events = *std::move(events);
        if (!queue.Push(index, std::move(page))) return;
      }
    });
  }
  for (size_t index = 0; index < pages; ++index) {
    Page page;
    if (!queue.Pop(index, &page)) break;
    state.Apply(std::move(page.arena), page.events);
  }
  queue.Stop();
  for (std::thread& thread : threads) thread.join();
  return queue.status();
}

}  // namespace arrs::engine
