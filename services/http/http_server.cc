#include "services/http/http_server.h"

#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/auth.h"
#include "services/authorize.h"
#include "services/http/bounded_task_queue.h"
#include "services/http/http_status.h"
#include "services/http/json_bridge.h"
#include "services/listen_address.h"
#include "services/log.h"
#include "services/server.h"

namespace arrs::services::http {
namespace {

// The console loads scripts, styles, fonts and images from arrsd only, and talks to the
// API only; nothing may frame it.
constexpr char kContentSecurityPolicy[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

void SendError(httplib::Response& res, const absl::Status& status) {
  res.status = HttpStatusFor(status.code());
  res.set_content(ErrorJson(status), "application/json");
}

std::string Peer(const httplib::Request& req) {
  return absl::StrCat(req.remote_addr, ":", req.remote_port);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(const HttpOptions& options,
                                                              std::unique_ptr<JsonBridge> bridge,
                                                              HttpHooks hooks,
                                                              const TokenStore* tokens) {
  absl::StatusOr<ListenAddress> host_port = ParseListenAddress(options.listen_address, "--http");
  if (!host_port.ok()) return host_port.status();
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("HTTPS needs both --tls-cert and --tls-key");
  }
  const bool tls = !options.tls_cert_file.empty();
  if (!tls && !IsLoopbackAddress(options.listen_address) && !options.allow_insecure_non_loopback) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to serve HTTP on ", options.listen_address,
                     " without TLS; give --tls-cert/--tls-key or --allow-insecure-non-loopback"));
  }
  if (!options.web_root.empty() &&
      !std::filesystem::is_regular_file(std::filesystem::path(options.web_root) / "index.html")) {
    return absl::InvalidArgumentError(
        absl::StrCat("--web-root ", options.web_root, " has no index.html"));
  }

  std::unique_ptr<HttpServer> server(new HttpServer());
  server->options_ = options;
  server->bridge_ = std::move(bridge);
  server->hooks_ = std::move(hooks);
  server->tokens_ = tokens;
  server->tls_ = tls;
  if (tls) {
    const char* client_ca =
        options.tls_client_ca_file.empty() ? nullptr : options.tls_client_ca_file.c_str();
    auto ssl = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(),
                                                    options.tls_key_file.c_str(), client_ca);
    if (!ssl->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "HTTPS: could not load the certificate ", options.tls_cert_file, ", the key ",
          options.tls_key_file,
          client_ca ? absl::StrCat(" or the client CA ", options.tls_client_ca_file) : "",
          " (PEM files that match each other)"));
    }
    server->server_ = std::move(ssl);
  } else {
    server->server_ = std::make_unique<httplib::Server>();
  }
  server->Route();

  httplib::Server& http = *server->server_;
  const int threads = options.threads;
  const int queued = options.queued_connections;
  http.new_task_queue = [threads, queued] { return new BoundedTaskQueue(threads, queued); };
  http.set_payload_max_length(options.max_request_bytes);
  http.set_read_timeout(10, 0);
  http.set_write_timeout(10, 0);
  http.set_keep_alive_timeout(5);
  http.set_keep_alive_max_count(100);

  const auto& [host, port] = *host_port;
  server->port_ =
      port == 0 ? http.bind_to_any_port(host) : (http.bind_to_port(host, port) ? port : -1);
  if (server->port_ <= 0) {
    return absl::UnavailableError(absl::StrCat("could not listen for HTTP on ",
                                               options.listen_address, " (in use or invalid)"));
  }
  server->listener_ = std::thread([raw = server.get()] { raw->server_->listen_after_bind(); });
  // httplib's stop() does nothing until the listener has begun (is_running): a Stop soon
  // after Start, on a loaded machine, found it not yet begun and then waited for ever to
  // join it. Return only once it has begun, so that Stop always ends it.
  while (!http.is_running()) absl::SleepFor(absl::Milliseconds(1));
  return server;
}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::Stop() {
  if (server_ == nullptr) return;
  server_->stop();
  if (listener_.joinable()) listener_.join();
}

void HttpServer::Route() {
  httplib::Server& http = *server_;
  httplib::Headers headers = {
      {"Content-Security-Policy", kContentSecurityPolicy},
      {"X-Content-Type-Options", "nosniff"},
      {"X-Frame-Options", "DENY"},
      {"Referrer-Policy", "no-referrer"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"Cross-Origin-Resource-Policy", "same-origin"},
  };
  if (tls_) headers.emplace("Strict-Transport-Security", "max-age=31536000");
  http.set_default_headers(std::move(headers));
  RouteProbes();
  RouteApi();
  if (!options_.web_root.empty()) RouteConsole();
}

// /healthz, /readyz and /metrics.
void HttpServer::RouteProbes() {
  httplib::Server& http = *server_;
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\":\"SERVING\"}", "application/json");
  });
  http.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    const bool ready = hooks_.ready && hooks_.ready();
    res.status = ready ? 200 : 503;
    res.set_content(ready ? "{\"status\":\"READY\"}" : "{\"status\":\"NOT_READY\"}",
                    "application/json");
  });
  http.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    if (options_.metrics_require_token) {
      absl::StatusOr<Principal> who = tokens_->Authenticate(req.get_header_value("Authorization"));
      absl::Status allowed =
          who.ok() ? Authorize(*who, Access::kLogRead, "metrics", "", "") : who.status();
      if (!allowed.ok()) return SendError(res, allowed);
    }
    if (!hooks_.metrics_text) {
      return SendError(res, absl::UnimplementedError("this server keeps no metrics"));
    }
    res.set_header("Cache-Control", "no-store");
    res.set_content(hooks_.metrics_text(), "text/plain; version=0.0.4; charset=utf-8");
  });
}

// POST /api/v1/<Service>/<Method> onto the bridge; every other method or path under /api
// and every error httplib answers itself get a JSON error body.
void HttpServer::RouteApi() {
  httplib::Server& http = *server_;
  http.Post(R"(/api/v1/([A-Za-z]+/[A-Za-z]+))", [this](const httplib::Request& req,
                                                       httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    const std::string route = req.matches[1];
    if (!bridge_->Has(route)) {
      return SendError(res, absl::NotFoundError(
                                absl::StrCat("no API method ", route, " (POST /api/v1/",
                                             "QueryService/<Method> or CommandService/<Method>)")));
    }
    const std::string type = req.get_header_value("Content-Type");
    if (!req.body.empty() && !absl::StartsWith(type, "application/json")) {
      return SendError(res, absl::InvalidArgumentError(absl::StrCat(
                                "Content-Type must be application/json, got '", type, "'")));
    }
    JsonReply reply =
        bridge_->Call(route, req.body, req.get_header_value("Authorization"), Peer(req));
    res.status = reply.http_status;
    res.set_content(std::move(reply.body), "application/json");
  });
  auto no_such_route = [](const httplib::Request& req, httplib::Response& res) {
    SendError(res, absl::NotFoundError(absl::StrCat("no API method at ", req.path)));
  };
  http.Post(R"(/api/.*)", no_such_route);
  auto wrong_method = [](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Allow", "POST");
    res.status = 405;
    res.set_content(ErrorJson(absl::InvalidArgumentError(
                                  absl::StrCat("the API takes POST with a JSON body, not ",
                                               req.method, " (", req.path, ")")),
                              405),
                    "application/json");
  };
  http.Get(R"(/api/.*)", wrong_method);
  http.Put(R"(/api/.*)", wrong_method);
  http.Patch(R"(/api/.*)", wrong_method);
  http.Delete(R"(/api/.*)", wrong_method);
  http.Options(R"(/api/.*)", wrong_method);

  // Errors httplib answers itself (413 for an oversize body, 400 for a malformed request,
  // 404 for a missing file) get a JSON body too.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        absl::StatusCode code = absl::StatusCode::kInvalidArgument;
        std::string message = absl::StrCat("HTTP ", res.status);
        if (res.status == 404) {
          code = absl::StatusCode::kNotFound;
          message = "not found";
        } else if (res.status == 413) {
          code = absl::StatusCode::kResourceExhausted;
          message = "request body too large";
        }
        res.set_content(ErrorJson(absl::Status(code, message), res.status), "application/json");
        return httplib::Server::HandlerResponse::Handled;
      }));
}

// The console's static files under --web-root, and the npm packages it uses.
void HttpServer::RouteConsole() {
  httplib::Server& http = *server_;
  const std::filesystem::path root(options_.web_root);
  const httplib::Headers cache = {{"Cache-Control", "no-cache"}};
  const std::filesystem::path modules = root / "node_modules";
  if (std::filesystem::is_directory(modules / "nhsuk-frontend")) {
    http.set_mount_point("/vendor/nhsuk-frontend", (modules / "nhsuk-frontend").string(), cache);
  }
  if (std::filesystem::is_directory(modules / "chart.js")) {
    http.set_mount_point("/vendor/chart.js", (modules / "chart.js").string(), cache);
  }
  for (const char* folder : {"js", "css", "img"}) {
    if (std::filesystem::is_directory(root / folder)) {
      http.set_mount_point(absl::StrCat("/", folder), (root / folder).string(), cache);
    }
  }
  const std::string index = (root / "index.html").string();
  http.Get("/", [index](const httplib::Request&, httplib::Response& res) {
    std::ifstream in(index);
    std::stringstream text;
    text << in.rdbuf();
    res.set_header("Cache-Control", "no-cache");
    res.set_content(text.str(), "text/html; charset=utf-8");
  });
}

}  // namespace arrs::services::http
