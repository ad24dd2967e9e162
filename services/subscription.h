// SubscriptionHub: AdminService.Subscribe on gRPC's callback API — every event from a
// position, then live events, in order, with no gap or duplicate — and the bounds on
// what subscribers, slow ones included, may hold.
//
// Why the callback API and not the synchronous one with a watchdog: a synchronous
// ServerWriter::Write blocks its thread until HTTP/2 flow control lets the message out,
// so a client that stops reading held a server thread and a subscriber slot for as long
// as its connection lived (memory stayed bounded by flow control; docs/BENCHMARKS.md has
// the measurement). A watchdog could end such a call only with ServerContext::TryCancel,
// which the client sees as a bare CANCELLED, without the position to resume from. Here:
//   * a subscription has at most one write outstanding and one page (at most 256 events,
//     and 4 MiB beyond its first event) read ahead, so the server holds, per subscriber, one page plus gRPC's flow-control
//     window, whatever the client does; it holds no thread while it waits;
//   * a write still outstanding after the stall limit ends the subscription with
//     RESOURCE_EXHAUSTED "subscriber fell behind ...; resume from position N", and its
//     slot is freed at once. The status follows the outstanding event on the stream, so
//     a client that reads again gets every event before N, then the status;
//   * a subscription finished but not done two stall limits later (its client still
//     reads nothing, so the status cannot be delivered) is cancelled, which frees its
//     HTTP/2 stream and the call itself.
#ifndef ARRS_SERVICES_SUBSCRIPTION_H_
#define ARRS_SERVICES_SUBSCRIPTION_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "arrs/v1/api.pb.h"

namespace arrs::engine {
class Ledger;
}

namespace arrs::services {

class TokenStore;
class SubscribeReactor;

struct SubscriptionLimits {
  int max_subscribers = 32;
  // How long one event may wait for the client to make room for it.
  absl::Duration stall = absl::Seconds(30);
  // What a subscription keeps of a page (of at most 256 events) beyond its first event;
  // the rest is read again in turn.
  size_t page_bytes = 4 << 20;
};

class SubscriptionHub {
 public:
  // `ledger` and `tokens` (not owned) outlive the hub; so does every subscription it
  // started (the gRPC server is shut down and destroyed first).
  SubscriptionHub(engine::Ledger* ledger, const TokenStore* tokens, SubscriptionLimits limits);
  ~SubscriptionHub();

  // The Subscribe handler: authenticates, takes a slot (RESOURCE_EXHAUSTED beyond the
  // limit) and streams.
  grpc::ServerWriteReactor<v1::Event>* Subscribe(grpc::CallbackServerContext* context,
                                                 const v1::SubscribeRequest* request);
  // Ends every subscription (UNAVAILABLE) and refuses new ones.
  void Stop();
  int subscribers() const { return slots_.load(); }
  // Subscriptions ended for a stalled write (RESOURCE_EXHAUSTED) since the hub started.
  uint64_t subscribers_cut_off() const { return cut_off_.load(); }

  // For SubscribeReactor.
  absl::Status TakeSlot();
  void ReleaseSlot() { slots_.fetch_sub(1); }
  void Add(SubscribeReactor* reactor);
  void Remove(SubscribeReactor* reactor);

 private:
  // The hub's one thread: after each commit (and every tick) moves waiting subscriptions
  // on, and enforces the stall limit.
  void Loop();

  engine::Ledger* ledger_;
  const TokenStore* tokens_;
  const SubscriptionLimits limits_;
  std::atomic<int> slots_{0};
  std::atomic<uint64_t> cut_off_{0};
  std::atomic<bool> stopping_{false};
  int listener_id_ = -1;

  absl::Mutex mu_;  // before any reactor's own mutex
  absl::flat_hash_set<SubscribeReactor*> live_ ABSL_GUARDED_BY(mu_);

  absl::Mutex wake_mu_;  // taken by the committing thread: never held for long
  uint64_t commits_ ABSL_GUARDED_BY(wake_mu_) = 0;
  bool quit_ ABSL_GUARDED_BY(wake_mu_) = false;
  std::thread thread_;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_SUBSCRIPTION_H_
