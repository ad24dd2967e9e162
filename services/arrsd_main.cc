// arrsd: the ARRS ledger server. Opens (or creates) the ledger in --data, publishes the
// shipped rule files not yet in force, serves gRPC until SIGTERM/SIGINT, then drains
// in-flight calls and closes the database cleanly. With --jwks, SIGHUP re-reads the JWKS file.
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "ledger/engine/ledger.h"
#include "services/auth.h"
#include "services/jwt_auth.h"
#include "services/jwt_config.h"
#include "services/log.h"
#include "services/server.h"

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "arrsd: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace arrs;
  std::string data_dir = "data";
  std::string tokens_file;  // required without --jwks: there is no default principal list
  std::string jwks_file;
  std::string jwt_config_file;
  std::string rules_dir;
  std::string log_level = "info";
  std::string port_file;
  std::string http_port_file;
  int grace_seconds = 10;
  services::ServerOptions options;
  engine::LedgerOptions ledger_options;

  CLI::App app{"arrsd: the ARRS claims ledger server (gRPC on an embedded RocksDB)"};
  app.add_option("--data", data_dir, "Data folder (created if missing)")->capture_default_str();
  app.add_option("--listen", options.listen_address, "host:port to listen on (port 0: any)")
      ->capture_default_str();
  app.add_option("--tokens", tokens_file,
                 "Tokens file (sha256 role scope name per line); required unless --jwks, no "
                 "default (config/demo-tokens.txt is for the demo only)");
  app.add_option("--jwks", jwks_file,
                 "JWKS file of the identity provider's public keys (RSA for RS256, EC P-256 "
                 "for ES256): JWT bearer tokens signed by them are accepted. Re-read on "
                 "SIGHUP. Needs --jwt-config");
  app.add_option("--jwt-config", jwt_config_file,
                 "JWT claims file: issuer, audience, which claims hold the role and the ICB "
                 "and PCN codes, clock skew, role value mapping (docs/SECURITY.md)");
  app.add_option("--rules-dir", rules_dir,
                 "Publish the rule files in this folder that are not yet in force");
  app.add_option("--tls-cert", options.tls_cert_file, "PEM server certificate (enables TLS)");
  app.add_option("--tls-key", options.tls_key_file, "PEM server private key");
  app.add_option("--tls-client-ca", options.tls_client_ca_file,
                 "PEM CA bundle; when given, clients must present a certificate it signed");
  app.add_flag("--allow-insecure-non-loopback", options.allow_insecure_non_loopback,
               "Allow plaintext on a non-loopback address");
  app.add_option("--max-message-bytes", options.max_message_bytes,
                 "gRPC message limit, both directions (at least 4 MiB)")
      ->capture_default_str();
  app.add_option("--max-streams", options.max_concurrent_streams,
                 "Concurrent streams per connection")->capture_default_str();
  app.add_option("--max-subscribers", options.max_subscribers)->capture_default_str();
  int subscriber_stall_seconds = 30;
  app.add_option("--subscriber-stall-seconds", subscriber_stall_seconds,
                 "A Subscribe client that leaves an event unread this long is cut off "
                 "(RESOURCE_EXHAUSTED, naming the position to resume from) and its slot freed")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app.add_option("--max-threads", options.max_threads,
                 "Threads gRPC may run calls on; a call beyond is refused (at least 16)")
      ->capture_default_str();
  app.add_option("--http", options.http_listen_address,
                 "host:port for the JSON API, /healthz, /readyz, /metrics and the web console "
                 "(port 0: any; off when not given)");
  app.add_option("--http-port-file", http_port_file,
                 "Write the bound HTTP port to this file once serving");
  app.add_option("--web-root", options.web_root,
                 "The console's folder (web/ of the source tree, after scripts/web-deps.sh)");
  app.add_flag("--metrics-require-token", options.metrics_require_token,
               "/metrics answers only an admin's or auditor's bearer token");
  app.add_option("--backup-root", options.backup_root,
                 "Folder that Backup RPCs (arrsctl backup) may write inside; without it they "
                 "are refused. Must exist and not be inside --data");
  app.add_flag("--reflection", options.reflection,
               "Serve gRPC server reflection to anyone (off: each idle reflection stream "
               "holds a server thread)");
  app.add_option("--grace-seconds", grace_seconds, "Drain time on SIGTERM")->capture_default_str();
  app.add_option("--log-level", log_level, "debug, info, warn, error or off")
      ->capture_default_str();
  app.add_option("--port-file", port_file, "Write the bound port to this file once serving");
  app.add_option("--snapshot-every-events", ledger_options.snapshot_every_events,
                 "Write a state snapshot after this many events (0: only when stopping)")
      ->capture_default_str();
  app.add_option("--max-queued-per-stream", ledger_options.max_queued_per_stream,
                 "Commands that may wait behind the one running on a PCN; one more is refused "
                 "with RESOURCE_EXHAUSTED")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app.add_option("--max-queued-appends", ledger_options.log.max_queued_appends,
                 "Appends queued or committing in the log at once; one more is refused with "
                 "RESOURCE_EXHAUSTED")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  app.add_flag("!--no-snapshot-restore", ledger_options.restore_snapshot,
               "Start by folding the whole log, ignoring any snapshot");
  CLI11_PARSE(app, argc, argv);

  services::LogLevel level;
  if (!services::ParseLogLevel(log_level, &level)) {
    return Fail(absl::StrCat("--log-level must be debug, info, warn, error or off, got ", log_level));
  }
  services::SetLogLevel(level);
  // The data folder, its files and backups hold personal data: owner only (0700/0600).
  umask(077);
  if (tokens_file.empty() && jwks_file.empty()) {
    return Fail(
        "--tokens FILE is required (one '<sha256> <role> <scope> <name>' line per principal; "
        "see docs/SECURITY.md), or --jwks FILE with --jwt-config FILE. There is no default: "
        "config/demo-tokens.txt holds published demo tokens and is for the demo only");
  }
  if (jwks_file.empty() != jwt_config_file.empty()) {
    return Fail(
        "--jwks and --jwt-config go together: the keys, and which issuer, audience "
        "and claims their tokens must have");
  }
  // Debian's abseil is built with mutex deadlock detection on; it records every lock
  // order in a global graph, which costs a few per cent on every request. The ledger's
  // locks are few and taken in a fixed order by design, so turn it off.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Block the shutdown signals (and with --jwks SIGHUP) in every thread; main waits for
  // them with sigwait, so that a reload runs on main's thread, never in a signal handler.
  // Without --jwks, SIGHUP keeps its default action (it ends the process).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  if (!jwks_file.empty()) sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<services::TokenStore> tokens =
      tokens_file.empty() ? services::TokenStore() : services::TokenStore::Load(tokens_file);
  if (!tokens.ok()) return Fail(std::string(tokens.status().message()));
  std::unique_ptr<services::JwtVerifier> jwt;
  if (!jwks_file.empty()) {
    absl::StatusOr<services::JwtConfig> jwt_config = services::JwtConfig::Load(jwt_config_file);
    if (!jwt_config.ok()) return Fail(std::string(jwt_config.status().message()));
    absl::StatusOr<std::unique_ptr<services::JwtVerifier>> verifier =
        services::JwtVerifier::Create(*std::move(jwt_config), jwks_file);
    if (!verifier.ok()) return Fail(std::string(verifier.status().message()));
    jwt = *std::move(verifier);
    tokens->SetJwtVerifier(jwt.get());
    services::Log(services::LogLevel::kInfo,
                  absl::StrCat("jwks=", jwks_file, " keys=", jwt->key_count()));
  }
  if (struct stat st;
      !tokens_file.empty() && stat(tokens_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    services::Log(services::LogLevel::kWarn,
                  absl::StrCat("tokens_file=", tokens_file, " mode=0",
                               absl::StrFormat("%o", st.st_mode & 0777),
                               " is readable or writable by group or others; chmod 600 it "
                               "(anyone who can write it can make themselves admin)"));
  }
  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger =
      engine::Ledger::Open(data_dir, ledger_options);
  if (!ledger.ok()) return Fail(std::string(ledger.status().message()));
  const engine::StartupReport& startup = (*ledger)->startup();
  services::Log(
      startup.snapshot_refused.empty() ? services::LogLevel::kInfo : services::LogLevel::kWarn,
      absl::StrCat("state snapshot_position=", startup.snapshot_position,
                   " events_folded=", startup.events_folded,
                   " streams_warming=", startup.streams_to_warm,
                   startup.snapshot_refused.empty()
                       ? ""
                       : absl::StrCat(" snapshot_refused=\"", startup.snapshot_refused, "\"")));
  if (!rules_dir.empty()) {
    absl::StatusOr<int> published = (*ledger)->PublishRulesDir(rules_dir, "system:arrsd");
    if (!published.ok()) return Fail(std::string(published.status().message()));
    services::Log(services::LogLevel::kInfo,
                  absl::StrCat("rules_published=", *published, " rules_dir=", rules_dir));
  }
  options.data_dir = data_dir;
  options.subscriber_stall = absl::Seconds(subscriber_stall_seconds);
  absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
      services::ArrsServer::Start(ledger->get(), &*tokens, options);
  if (!server.ok()) return Fail(std::string(server.status().message()));

  const store::Head head = (*ledger)->log().head();
  services::Log(services::LogLevel::kInfo,
                absl::StrCat("serving port=", (*server)->port(), " data=", data_dir,
                             " head_position=", head.position, " principals=", tokens->size(),
                             " tls=", options.tls_cert_file.empty() ? "off" : "on",
                             (*server)->http_port() > 0
                                 ? absl::StrCat(" http_port=", (*server)->http_port())
                                 : ""));
  if (!http_port_file.empty() && (*server)->http_port() > 0) {
    std::ofstream(http_port_file) << (*server)->http_port() << "\n";
  }
  if (!port_file.empty()) {
    std::ofstream(port_file) << (*server)->port() << "\n";
  }

  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP && jwt != nullptr) {
    absl::StatusOr<size_t> reloaded = jwt->Reload();
    if (reloaded.ok()) {
      services::Log(services::LogLevel::kInfo,
                    absl::StrCat("signal=SIGHUP jwks_reloaded=", jwks_file, " keys=", *reloaded));
    } else {
      services::Log(services::LogLevel::kError,
                    absl::StrCat("signal=SIGHUP jwks_reload_failed keeping the previous keys: ",
                                 reloaded.status().message()));
    }
  }
  services::Log(services::LogLevel::kInfo,
                absl::StrCat("signal=", received, " draining grace_seconds=", grace_seconds));
  (*server)->Shutdown(absl::Seconds(grace_seconds));
  server->reset();
  ledger->reset();  // closes RocksDB after the last call finished
  jwt.reset();      // after the server: its calls use the verifier
  services::Log(services::LogLevel::kInfo, "stopped cleanly");
  return 0;
}
