#include "services/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/server_builder.h>
#include <grpcpp/impl/server_builder_option.h>
#include <grpcpp/impl/server_builder_plugin.h>

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "arrs/v1/service.pb.h"
#include "ledger/engine/ledger.h"
#include "services/admin_service.h"
#include "services/backup_target.h"
#include "services/command_service.h"
#include "services/http/http_server.h"
#include "services/http/json_bridge.h"
#include "services/metrics.h"
#include "services/log.h"
#include "services/query_service.h"
#include "services/stall_watchdog.h"
#include "services/tls_files.h"

namespace arrs::services {
namespace {

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& o) {
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both --tls-cert and --tls-key");
  }
  if (o.tls_cert_file.empty()) {
    if (!o.tls_client_ca_file.empty()) {
      return absl::InvalidArgumentError("--tls-client-ca needs --tls-cert and --tls-key");
    }
    if (!IsLoopbackAddress(o.listen_address) && !o.allow_insecure_non_loopback) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to listen on ", o.listen_address,
          " without TLS; give --tls-cert/--tls-key or --allow-insecure-non-loopback"));
    }
    return grpc::InsecureServerCredentials();
  }
  absl::StatusOr<ServerTlsFiles> files =
      LoadServerTlsFiles(o.tls_cert_file, o.tls_key_file, o.tls_client_ca_file);
  if (!files.ok()) return files.status();
  if (std::string warning = CertificateValidityWarning(*files, o.tls_cert_file, absl::Now(),
                                                       absl::Hours(24 * 30));
      !warning.empty()) {
    Log(LogLevel::kWarn, warning);
  }
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({files->key_pem, files->cert_pem});
  if (!files->client_ca_pem.empty()) {
    ssl.pem_root_certs = files->client_ca_pem;
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

// Removes the reflection plugin, which InitProtoReflectionServerBuilderPlugin registers
// for every ServerBuilder of the process, from one builder.
class WithoutReflection : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments*) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>* plugins) override {
    plugins->erase(std::remove_if(plugins->begin(), plugins->end(),
                                  [](const std::unique_ptr<grpc::ServerBuilderPlugin>& p) {
                                    return p->name() == "proto_server_reflection";
                                  }),
                   plugins->end());
  }
};

}  // namespace

absl::StatusOr<std::unique_ptr<ArrsServer>> ArrsServer::Start(engine::Ledger* ledger,
                                                             const TokenStore* tokens,
                                                             const ServerOptions& options) {
  if (options.max_message_bytes < kMinMessageBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--max-message-bytes must be at least ", kMinMessageBytes,
        " (4 MiB, four times the largest stored event), got ", options.max_message_bytes));
  }
  if (options.max_threads < kMinThreads) {
    return absl::InvalidArgumentError(absl::StrCat("--max-threads must be at least ",
                                                   kMinThreads, ", got ", options.max_threads));
  }
  if (options.subscriber_stall < absl::Seconds(1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--subscriber-stall-seconds must be at least 1, got ",
        absl::FormatDuration(options.subscriber_stall)));
  }
  if (absl::Status root = CheckBackupRoot(options.backup_root, options.data_dir); !root.ok()) {
    return root;
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials = Credentials(options);
  if (!credentials.ok()) return credentials.status();

  std::unique_ptr<ArrsServer> server(new ArrsServer());
  server->commands_ = std::make_unique<CommandServiceImpl>(ledger, tokens);
  server->queries_ = std::make_unique<QueryServiceImpl>(ledger, tokens);
  server->admin_ = std::make_unique<AdminServiceImpl>(
      ledger, tokens,
      SubscriptionLimits{.max_subscribers = options.max_subscribers,
                         .stall = options.subscriber_stall,
                         .page_bytes = options.subscriber_page_bytes},
      options.backup_root, options.data_dir);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  if (!options.reflection) builder.SetOption(std::make_unique<WithoutReflection>());
  builder.AddListeningPort(options.listen_address, *credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  // The synchronous server runs each call on a worker thread. By default it keeps at most
  // two idle workers and ends every other one when its call is done, so a steady load of
  // concurrent calls creates and ends a thread per call; keep up to one per stream.
  // Pollers count against the thread quota below: keep half of it for calls.
  builder.SetSyncServerOption(
      grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
      std::max(2, std::min(options.max_concurrent_streams, options.max_threads / 2)));
  grpc::ResourceQuota quota("arrsd");
  quota.SetMaxThreads(options.max_threads);
  builder.SetResourceQuota(quota);
  builder.RegisterService(server->commands_.get());
  builder.RegisterService(server->queries_.get());
  builder.RegisterService(server->admin_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(
        absl::StrCat("could not listen on ", options.listen_address, " (in use or invalid)"));
  }
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  if (health != nullptr) health->SetServingStatus(true);
  if (!options.http_listen_address.empty()) {
    if (absl::Status http = server->StartHttp(ledger, tokens, options); !http.ok()) {
      return http;
    }
  }
  if (options.on_write_stall) {
    server->watchdog_ = std::make_unique<StallWatchdog>(
        [ledger] { return ledger->WriteProgress(); }, options.write_stall_limit,
        /*period=*/absl::Seconds(1), options.on_write_stall);
  }
  return server;
}

absl::Status ArrsServer::StartHttp(engine::Ledger* ledger, const TokenStore* tokens,
                                   const ServerOptions& options) {
  // service.pb.cc holds nothing but the services' descriptors, so nothing refers to it
  // and a static link drops it; refer to it, so that the bridge finds the services.
  const void* volatile keep_service_descriptors = &descriptor_table_arrs_2fv1_2fservice_2eproto;
  (void)keep_service_descriptors;
  grpc::ChannelArguments in_process;
  in_process.SetMaxReceiveMessageSize(options.max_message_bytes);
  in_process.SetMaxSendMessageSize(options.max_message_bytes);
  auto bridge = std::make_unique<http::JsonBridge>(
      server_->InProcessChannel(in_process),
      std::vector<std::string>{"arrs.v1.QueryService", "arrs.v1.CommandService"},
      absl::Seconds(30));
  http::HttpOptions http_options;
  http_options.listen_address = options.http_listen_address;
  http_options.allow_insecure_non_loopback = options.allow_insecure_non_loopback;
  http_options.tls_cert_file = options.tls_cert_file;
  http_options.tls_key_file = options.tls_key_file;
  http_options.tls_client_ca_file = options.tls_client_ca_file;
  http_options.web_root = options.web_root;
  http_options.max_request_bytes = static_cast<size_t>(options.max_message_bytes);
  http_options.metrics_require_token = options.metrics_require_token;
  http::HttpHooks hooks;
  // Ready once every restored stream's events are read, until shutdown begins or the log
  // stops writing for good (a storage error: only a restart recovers).
  hooks.ready = [this, ledger] {
    return !stopping_.load() && ledger->ColdStreams() == 0 && ledger->WritingStopped().ok();
  };
  hooks.metrics_text = [this, ledger] {
    return RenderMetrics(*ledger,
                         ServerGauges{.subscribers = admin_->subscribers(),
                                      .subscribers_cut_off = admin_->subscribers_cut_off()});
  };
  absl::StatusOr<std::unique_ptr<http::HttpServer>> started =
      http::HttpServer::Start(http_options, std::move(bridge), std::move(hooks), tokens);
  if (!started.ok()) return started.status();
  http_ = *std::move(started);
  return absl::OkStatus();
}

int ArrsServer::http_port() const { return http_ ? http_->port() : 0; }

ArrsServer::~ArrsServer() { Shutdown(absl::Seconds(5)); }

void ArrsServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  stopping_ = true;
  // HTTP first: its calls go through the gRPC server's in-process channel.
  if (http_) http_->Stop();
  if (grpc::HealthCheckServiceInterface* health = server_->GetHealthCheckService()) {
    health->SetServingStatus(false);
  }
  admin_->StopSubscriptions();
  server_->Shutdown(std::chrono::system_clock::now() +
                    std::chrono::microseconds(absl::ToInt64Microseconds(grace)));
  server_->Wait();
  // Last: a drain stuck behind a hung append is a write stall too.
  if (watchdog_) watchdog_->Stop();
}

void ArrsServer::Wait() { server_->Wait(); }

std::shared_ptr<grpc::Channel> ArrsServer::InProcessChannel(const grpc::ChannelArguments& args) {
  return server_->InProcessChannel(args);
}

}  // namespace arrs::services
