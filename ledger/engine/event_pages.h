// EventPages: the one owner of the events a LedgerState points at (internal to
// ledger/engine).
//
// Every event the state folds or serves lives in a page kept here until the pages are
// destroyed, so `const v1::Event*` pointers into them stay valid for the state's life.
// There are two ways to hand events over, both without copying them:
//   - KeepArena: an arena the events were parsed into (the log loader at Open, the
//     warm-up thread's reads of restored streams);
//   - KeepBatch: a vector of events (a commit handed to Apply, a restored stream's events
//     read on first use, the rule book's events at restore). The vector is moved into a
//     page owned by an arena, which keeps the elements' addresses.
// Nothing is ever freed before the pages.
//
// Thread safety: all methods may be called concurrently. mu_ is a leaf lock: taken after
// LedgerState::mu and StreamState::load_mu, never before them.
#ifndef ARRS_LEDGER_ENGINE_EVENT_PAGES_H_
#define ARRS_LEDGER_ENGINE_EVENT_PAGES_H_

#include <cstddef>
#include <memory>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "arrs/v1/events.pb.h"
#include "google/protobuf/arena.h"

namespace arrs::engine {

class EventPages {
 public:
  EventPages() = default;
  EventPages(const EventPages&) = delete;
  EventPages& operator=(const EventPages&) = delete;

  // Keeps `arena`, and with it every event allocated in it.
  void KeepArena(std::unique_ptr<google::protobuf::Arena> arena) ABSL_LOCKS_EXCLUDED(mu_);
  // Keeps `batch`; the returned vector and its events live as long as the pages.
  const std::vector<v1::Event>& KeepBatch(std::vector<v1::Event> batch)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Pages kept so far (arenas handed over, batches kept), for tests and stats.
  size_t arenas() const ABSL_LOCKS_EXCLUDED(mu_);
  size_t batches() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<google::protobuf::Arena>> arenas_ ABSL_GUARDED_BY(mu_);
  // Owns every kept batch (Arena::Own); thread-safe itself, counted under mu_.
  google::protobuf::Arena batch_owner_;
  size_t batches_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_EVENT_PAGES_H_
