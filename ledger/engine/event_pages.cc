#include "ledger/engine/event_pages.h"

#include <utility>

#include "ledger/util/assert.h"

namespace arrs::engine {

void EventPages::KeepArena(std::unique_ptr<google::protobuf::Arena> arena) {
  ARRS_ASSERT(arena != nullptr, "a kept arena exists");
  absl::MutexLock lock(&mu_);
  arenas_.push_back(std::move(arena));
}

const std::vector<v1::Event>& EventPages::KeepBatch(std::vector<v1::Event> batch) {
  // Moving the vector into the page moves its buffer, not its elements.
  auto* page = new std::vector<v1::Event>(std::move(batch));
  batch_owner_.Own(page);
  absl::MutexLock lock(&mu_);
  ++batches_;
  return *page;
}

size_t EventPages::arenas() const {
  absl::MutexLock lock(&mu_);
  return arenas_.size();
}

size_t EventPages::batches() const {
  absl::MutexLock lock(&mu_);
  return batches_;
}

}  // namespace arrs::engine
