// ArrsServer: wires the ledger, the token store and the three services into a gRPC
// server with health checking (and reflection when asked), and optionally an HTTP listener for the
// JSON API and the console. arrsd's main and the integration tests
// both use it.
#ifndef ARRS_SERVICES_SERVER_H_
#define ARRS_SERVICES_SERVER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/listen_address.h"

namespace grpc {
class Channel;
class ChannelArguments;
class Server;
}  // namespace grpc

namespace arrs::engine {
class Ledger;
}

namespace arrs::services {
namespace http {
class HttpServer;
}

class TokenStore;
class StallWatchdog;
class CommandServiceImpl;
class QueryServiceImpl;
class AdminServiceImpl;

inline constexpr int kMinMessageBytes = 4 << 20;

struct ServerOptions {
  // host:port; port 0 picks a free one (see ArrsServer::port()).
  std::string listen_address = "127.0.0.1:50151";
  // Without TLS only loopback addresses are accepted unless this is set.
  bool allow_insecure_non_loopback = false;
  // PEM files; TLS is on when cert and key are given.
  std::string tls_cert_file;
  std::string tls_key_file;
  // PEM CA bundle to verify client certificates; when set, clients must present one.
  std::string tls_client_ca_file;
  // gRPC message limit, both directions; at least kMinMessageBytes, so that any stored
  // event (at most store::kDefaultMaxEventBytes, 1 MiB) can always be sent to readers.
  int max_message_bytes = 16 << 20;
  int max_concurrent_streams = 64;
  int max_subscribers = 32;
  // A subscriber whose client leaves one event unread this long is cut off with
  // RESOURCE_EXHAUSTED naming the position to resume from, and its slot freed
  // (services/subscription.h).
  absl::Duration subscriber_stall = absl::Seconds(30);
  // What a subscriber's page keeps beyond its first event (services/subscription.h).
  size_t subscriber_page_bytes = 4 << 20;
  // Upper bound on the threads gRPC may run calls on (its resource quota): the synchronous
  // methods (queries, PublishRules, reflection) each hold one while
  // they run, so unauthenticated clients holding streams open cannot grow the server past
  // it; a call beyond it is refused with RESOURCE_EXHAUSTED. At least kMinThreads.
  int max_threads = 128;
  // Backups over RPC go only inside this folder ("" = refused); never inside `data_dir`,
  // the folder the ledger was opened on (services/backup_target.h).
  std::string backup_root;
  std::string data_dir;
  // gRPC server reflection (the public API's descriptors, to anyone: it takes no token).
  // Off by default: a reflection stream is a synchronous bidirectional call, so each idle
  // one holds a server thread, and unauthenticated clients could take the whole quota.
  bool reflection = false;

  // HTTP (services/http/http_server.h): the JSON API, /healthz, /readyz, /metrics and the
  // console, on `http_listen_address` ("" = no HTTP listener). It takes the TLS files and
  // the loopback rule above.
  std::string http_listen_address;
  std::string web_root;  // the console's folder; "" serves the API without the console
  bool metrics_require_token = false;

  // Write stall watchdog (services/stall_watchdog.h), polling every second: when appends
  // have waited this long with no commit group finishing (RocksDB's error recovery can
  // hang: docs/RELIABILITY.md section 5), on_write_stall is called once, on the watchdog's
  // thread, with a message saying so; arrsd's exits the process for its supervisor to
  // restart it. Zero, or no on_write_stall, disables the watchdog.
  absl::Duration write_stall_limit = absl::Seconds(120);
  std::function<void(const std::string& message)> on_write_stall;
};

inline constexpr int kMinThreads = 16;

class ArrsServer {
 public:
  // Starts serving `ledger` (not owned; must outlive the server).
  static absl::StatusOr<std::unique_ptr<ArrsServer>> Start(engine::Ledger* ledger,
                                                           const TokenStore* tokens,
                                                           const ServerOptions& options);
  ~ArrsServer();

  int port() const { return port_; }
  // The HTTP listener's port; 0 when there is none.
  int http_port() const;
  // Stops accepting calls, lets in-flight calls finish within `grace`, then cancels the
  // rest. Idempotent.
  void Shutdown(absl::Duration grace);
  void Wait();
  // A channel to this server that bypasses the network (what the HTTP bridge calls through;
  // the RPC fuzz target uses it too). Calls on it still need a bearer token.
  std::shared_ptr<grpc::Channel> InProcessChannel(const grpc::ChannelArguments& args);

 private:
  ArrsServer() = default;
  absl::Status StartHttp(engine::Ledger* ledger, const TokenStore* tokens,
                         const ServerOptions& options);

  std::unique_ptr<CommandServiceImpl> commands_;
  std::unique_ptr<QueryServiceImpl> queries_;
  std::unique_ptr<AdminServiceImpl> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<StallWatchdog> watchdog_;  // polls the ledger; stopped by Shutdown
  std::atomic<bool> stopping_{false};
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_SERVER_H_
