// HttpServer: arrsd's HTTP listener (cpp-httplib). It serves
//   POST /api/v1/<Service>/<Method>  the JSON API (JsonBridge: the same checks as gRPC);
//   GET  /healthz, /readyz           liveness, and readiness (the state is fully built);
//   GET  /metrics                    Prometheus text (a bearer token of an admin or auditor
//                                    when `metrics_require_token`);
//   GET  /, /vendor/...              the console's static files, when `web_root` is set.
// Every response carries a strict Content-Security-Policy and no cookies are ever read,
// so the API's only credential is the Authorization header.
#ifndef ARRS_SERVICES_HTTP_HTTP_SERVER_H_
#define ARRS_SERVICES_HTTP_HTTP_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"

namespace httplib {
class Server;
}

namespace arrs::services {
class TokenStore;
}

namespace arrs::services::http {

class JsonBridge;

struct HttpOptions {
  std::string listen_address;  // host:port; port 0 picks a free one
  bool allow_insecure_non_loopback = false;
  std::string tls_cert_file;  // PEM; TLS when cert and key are given
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // The console's folder (index.html, js/, css/, node_modules/ from npm); "" serves none.
  std::string web_root;
  size_t max_request_bytes = 16 << 20;
  int threads = 16;        // connections served at once
  int queued_connections = 64;
  bool metrics_require_token = false;
};

struct HttpHooks {
  std::function<bool()> ready;                // /readyz
  std::function<std::string()> metrics_text;  // /metrics
};

class HttpServer {
 public:
  // Binds and starts serving on a thread of its own. `tokens` (not owned) must outlive
  // the server. INVALID_ARGUMENT for a bad option, UNAVAILABLE when it cannot listen.
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(const HttpOptions& options,
                                                           std::unique_ptr<JsonBridge> bridge,
                                                           HttpHooks hooks,
                                                           const TokenStore* tokens);
  ~HttpServer();

  int port() const { return port_; }
  bool tls() const { return tls_; }
  // Stops accepting, finishes the requests in progress. Idempotent.
  void Stop();

 private:
  HttpServer() = default;
  void Route();
  void RouteProbes();
  void RouteApi();
  void RouteConsole();

  HttpOptions options_;
  std::unique_ptr<JsonBridge> bridge_;
  HttpHooks hooks_;
  const TokenStore* tokens_ = nullptr;
  std::unique_ptr<httplib::Server> server_;
  std::thread listener_;
  int port_ = 0;
  bool tls_ = false;
};

}  // namespace arrs::services::http

#endif  // ARRS_SERVICES_HTTP_HTTP_SERVER_H_
