// arrsd: the ARRS ledger server. Opens (or creates) the ledger in --data, publishes the
// shipped rule files not yet in force, serves gRPC until SIGTERM/SIGINT, then drains
// in-flight calls and closes the database cleanly. With --jwks, SIGHUP re-reads the JWKS file.
// Exit codes: 0 stopped cleanly, 1 could not start, kWriteStallExit (75) appends stalled
// for --write-stall-exit-seconds (docs/RELIABILITY.md section 5; the supervisor restarts it).
#include <signal.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
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

using namespace arrs;

// Exit code after a write stall (EX_TEMPFAIL): distinct from 1, and a restart should cure it.
constexpr int kWriteStallExit = 75;

// What the command line sets.
struct Config {
  std::string data_dir = "data";
  std::string tokens_file;  // required without --jwks: there is no default principal list
  std::string jwks_file;
  std::string jwt_config_file;
  std::string rules_dir;
  std::string log_level = "info";
  std::string port_file;
  std::string http_port_file;
  int grace_seconds = 10;
  int subscriber_stall_seconds = 30;
  int write_stall_exit_seconds = 120;
  services::ServerOptions options;
  engine::LedgerOptions ledger_options;
};

int Fail(const std::string& message) {
  std::fprintf(stderr, "arrsd: %s\n", message.c_str());
  return 1;
}

// One option per flag, in --help order: long by nature, one place to read them all.
void AddFlags(CLI::App* app, Config* c) {
  app->add_option("--data", c->data_dir, "Data folder (created if missing)")->capture_default_str();
  app->add_option("--listen", c->options.listen_address, "host:port to listen on (port 0: any)")
      ->capture_default_str();
  app->add_option("--tokens", c->tokens_file,
                  "Tokens file (sha256 role scope name per line); required unless --jwks, no "
                  "default (config/demo-tokens.txt is for the demo only)");
  app->add_option("--jwks", c->jwks_file,
                  "JWKS file of the identity provider's public keys (RSA for RS256, EC P-256 "
                  "for ES256): JWT bearer tokens signed by them are accepted. Re-read on "
                  "SIGHUP. Needs --jwt-config");
  app->add_option("--jwt-config", c->jwt_config_file,
                  "JWT claims file: issuer, audience, which claims hold the role and the ICB "
                  "and PCN codes, clock skew, role value mapping (docs/SECURITY.md)");
  app->add_option("--rules-dir", c->rules_dir,
                  "Publish the rule files in this folder that are not yet in force");
  app->add_option("--tls-cert", c->options.tls_cert_file, "PEM server certificate (enables TLS)");
  app->add_option("--tls-key", c->options.tls_key_file, "PEM server private key");
  app->add_option("--tls-client-ca", c->options.tls_client_ca_file,
                  "PEM CA bundle; when given, clients must present a certificate it signed");
  app->add_flag("--allow-insecure-non-loopback", c->options.allow_insecure_non_loopback,
                "Allow plaintext on a non-loopback address");
  app->add_option("--max-message-bytes", c->options.max_message_bytes,
                  "gRPC message limit, both directions (at least 4 MiB)")
      ->capture_default_str();
  app->add_option("--max-streams", c->options.max_concurrent_streams,
                  "Concurrent streams per connection")
      ->capture_default_str();
  app->add_option("--max-subscribers", c->options.max_subscribers)->capture_default_str();
  app->add_option("--subscriber-stall-seconds", c->subscriber_stall_seconds,
                  "A Subscribe client that leaves an event unread this long is cut off "
                  "(RESOURCE_EXHAUSTED, naming the position to resume from) and its slot freed")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  app->add_option("--write-stall-exit-seconds", c->write_stall_exit_seconds,
                  "Exit with code 75 (for the supervisor to restart arrsd) when appends have "
                  "waited this long with none completing, a storage engine hang (0: never)")
      ->capture_default_str()
      ->check(CLI::Range(0, 86400));
  app->add_option("--max-threads", c->options.max_threads,
                  "Threads gRPC may run calls on; a call beyond is refused (at least 16)")
      ->capture_default_str();
  app->add_option("--http", c->options.http_listen_address,
                  "host:port for the JSON API, /healthz, /readyz, /metrics and the web console "
                  "(port 0: any; off when not given)");
  app->add_option("--http-port-file", c->http_port_file,
                  "Write the bound HTTP port to this file once serving");
  app->add_option("--web-root", c->options.web_root,
                  "The console's folder (web/ of the source tree, after scripts/web-deps.sh)");
  app->add_flag("--metrics-require-token", c->options.metrics_require_token,
                "/metrics answers only an admin's or auditor's bearer token");
  app->add_option("--backup-root", c->options.backup_root,
                  "Folder that Backup RPCs (arrsctl backup) may write inside; without it they "
                  "are refused. Must exist and not be inside --data");
  app->add_flag("--reflection", c->options.reflection,
                "Serve gRPC server reflection to anyone (off: each idle reflection stream "
                "holds a server thread)");
  app->add_option("--grace-seconds", c->grace_seconds, "Drain time on SIGTERM")
      ->capture_default_str();
  app->add_option("--log-level", c->log_level, "debug, info, warn, error or off")
      ->capture_default_str();
  app->add_option("--port-file", c->port_file, "Write the bound port to this file once serving");
  app->add_option("--snapshot-every-events", c->ledger_options.snapshot_every_events,
                  "Write a state snapshot after this many events (0: only when stopping)")
      ->capture_default_str();
  app->add_option("--max-queued-per-stream", c->ledger_options.max_queued_per_stream,
                  "Commands that may wait behind the one running on a PCN; one more is refused "
                  "with RESOURCE_EXHAUSTED")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  app->add_option("--max-queued-appends", c->ledger_options.log.max_queued_appends,
                  "Appends queued or committing in the log at once; one more is refused with "
                  "RESOURCE_EXHAUSTED")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000000));
  app->add_flag("!--no-snapshot-restore", c->ledger_options.restore_snapshot,
                "Start by folding the whole log, ignoring any snapshot");
}

// The checks CLI11 cannot make; sets the log level and the process's umask.
absl::Status CheckConfig(const Config& c) {
  services::LogLevel level;
  if (!services::ParseLogLevel(c.log_level, &level)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--log-level must be debug, info, warn, error or off, got ", c.log_level));
  }
  services::SetLogLevel(level);
  // The data folder, its files and backups hold personal data: owner only (0700/0600).
  umask(077);
  if (c.tokens_file.empty() && c.jwks_file.empty()) {
    return absl::InvalidArgumentError(
        "--tokens FILE is required (one '<sha256> <role> <scope> <name>' line per principal; "
        "see docs/SECURITY.md), or --jwks FILE with --jwt-config FILE. There is no default: "
        "config/demo-tokens.txt holds published demo tokens and is for the demo only");
  }
  if (c.jwks_file.empty() != c.jwt_config_file.empty()) {
    return absl::InvalidArgumentError(
        "--jwks and --jwt-config go together: the keys, and which issuer, audience "
        "and claims their tokens must have");
  }
  return absl::OkStatus();
}

// The principals: the tokens file, and with --jwks the verifier of JWT bearer tokens
// (set into the store; owned by *jwt, which must outlive the server).
absl::StatusOr<services::TokenStore> LoadPrincipals(const Config& c,
                                                    std::unique_ptr<services::JwtVerifier>* jwt) {
  absl::StatusOr<services::TokenStore> tokens =
      c.tokens_file.empty() ? services::TokenStore() : services::TokenStore::Load(c.tokens_file);
  if (!tokens.ok()) return tokens.status();
  if (!c.jwks_file.empty()) {
    absl::StatusOr<services::JwtConfig> jwt_config = services::JwtConfig::Load(c.jwt_config_file);
    if (!jwt_config.ok()) return jwt_config.status();
    absl::StatusOr<std::unique_ptr<services::JwtVerifier>> verifier =
        services::JwtVerifier::Create(*std::move(jwt_config), c.jwks_file);
    if (!verifier.ok()) return verifier.status();
    *jwt = *std::move(verifier);
    tokens->SetJwtVerifier(jwt->get());
    services::Log(services::LogLevel::kInfo,
                  absl::StrCat("jwks=", c.jwks_file, " keys=", (*jwt)->key_count()));
  }
  if (struct stat st;
      !c.tokens_file.empty() && stat(c.tokens_file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    services::Log(services::LogLevel::kWarn,
                  absl::StrCat("tokens_file=", c.tokens_file, " mode=0",
                               absl::StrFormat("%o", st.st_mode & 0777),
                               " is readable or writable by group or others; chmod 600 it "
                               "(anyone who can write it can make themselves admin)"));
  }
  return tokens;
}

// Opens the ledger, says how it started, and publishes --rules-dir's new versions.
absl::StatusOr<std::unique_ptr<engine::Ledger>> OpenLedger(const Config& c) {
  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger =
      engine::Ledger::Open(c.data_dir, c.ledger_options);
  if (!ledger.ok()) return ledger.status();
  const engine::StartupReport& startup = (*ledger)->startup();
  services::Log(
      startup.snapshot_refused.empty() ? services::LogLevel::kInfo : services::LogLevel::kWarn,
      absl::StrCat("state snapshot_position=", startup.snapshot_position, " events_folded=",
                   startup.events_folded, " streams_warming=", startup.streams_to_warm,
                   startup.snapshot_refused.empty()
                       ? ""
                       : absl::StrCat(" snapshot_refused=\"", startup.snapshot_refused, "\"")));
  if (!c.rules_dir.empty()) {
    absl::StatusOr<int> published = (*ledger)->PublishRulesDir(c.rules_dir, "system:arrsd");
    if (!published.ok()) return published.status();
    services::Log(services::LogLevel::kInfo,
                  absl::StrCat("rules_published=", *published, " rules_dir=", c.rules_dir));
  }
  return ledger;
}

// Waits for SIGTERM or SIGINT; a SIGHUP (blocked only with --jwks) re-reads the JWKS file,
// keeping the previous keys when it is bad. Returns the signal that ends the wait.
int WaitForStop(const sigset_t& signals, const Config& c, services::JwtVerifier* jwt) {
  int received = 0;
  while (sigwait(&signals, &received) == 0 && received == SIGHUP && jwt != nullptr) {
    absl::StatusOr<size_t> reloaded = jwt->Reload();
    if (reloaded.ok()) {
      services::Log(services::LogLevel::kInfo,
                    absl::StrCat("signal=SIGHUP jwks_reloaded=", c.jwks_file, " keys=", *reloaded));
    } else {
      services::Log(services::LogLevel::kError,
                    absl::StrCat("signal=SIGHUP jwks_reload_failed keeping the previous keys: ",
                                 reloaded.status().message()));
    }
  }
  return received;
}

}  // namespace

int main(int argc, char** argv) {
  Config c;
  CLI::App app{"arrsd: the ARRS claims ledger server (gRPC on an embedded RocksDB)"};
  AddFlags(&app, &c);
  CLI11_PARSE(app, argc, argv);
  if (absl::Status ok = CheckConfig(c); !ok.ok()) return Fail(std::string(ok.message()));
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
  if (!c.jwks_file.empty()) sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  std::unique_ptr<services::JwtVerifier> jwt;
  absl::StatusOr<services::TokenStore> tokens = LoadPrincipals(c, &jwt);
  if (!tokens.ok()) return Fail(std::string(tokens.status().message()));
  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger = OpenLedger(c);
  if (!ledger.ok()) return Fail(std::string(ledger.status().message()));
  c.options.data_dir = c.data_dir;
  c.options.subscriber_stall = absl::Seconds(c.subscriber_stall_seconds);
  c.options.write_stall_limit = absl::Seconds(c.write_stall_exit_seconds);
  c.options.on_write_stall = [](const std::string& message) {
    // Acknowledged events are synced: exiting loses none; the pending appends were not
    // acknowledged, and their clients retry with the same request ids.
    std::fprintf(stderr, "arrsd: %s\n", message.c_str());
    std::fflush(stderr);
    std::_Exit(kWriteStallExit);
  };
  absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
      services::ArrsServer::Start(ledger->get(), &*tokens, c.options);
  if (!server.ok()) return Fail(std::string(server.status().message()));

  const store::Head head = (*ledger)->log().head();
  services::Log(
      services::LogLevel::kInfo,
      absl::StrCat(
          "serving port=", (*server)->port(), " data=", c.data_dir,
          " head_position=", head.position, " principals=", tokens->size(),
          " tls=", c.options.tls_cert_file.empty() ? "off" : "on",
          (*server)->http_port() > 0 ? absl::StrCat(" http_port=", (*server)->http_port()) : ""));
  if (!c.http_port_file.empty() && (*server)->http_port() > 0) {
    std::ofstream(c.http_port_file) << (*server)->http_port() << "\n";
  }
  if (!c.port_file.empty()) std::ofstream(c.port_file) << (*server)->port() << "\n";

  const int received = WaitForStop(signals, c, jwt.get());
  services::Log(services::LogLevel::kInfo,
                absl::StrCat("signal=", received, " draining grace_seconds=", c.grace_seconds));
  (*server)->Shutdown(absl::Seconds(c.grace_seconds));
  server->reset();
  ledger->reset();  // closes RocksDB after the last call finished
  jwt.reset();      // after the server: its calls use the verifier
  services::Log(services::LogLevel::kInfo, "stopped cleanly");
  return 0;
}
