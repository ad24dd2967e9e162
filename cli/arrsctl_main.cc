// arrsctl: the ARRS ledger's command line. Global options and the subcommands are wired
// here; each subcommand group lives in its own cli/cmd_*.cc.
#include <CLI/CLI.hpp>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "cli/commands.h"
#include "cli/context.h"

namespace {

using arrs::cli::GlobalOptions;
using arrs::cli::kExitOk;
using arrs::cli::kExitUsage;

std::string DefaultConfigPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) return std::string(xdg) + "/arrsctl.ini";
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.config/arrsctl.ini" : "arrsctl.ini";
}

// A file holding a token that group or others can read or write: say so on stderr.
void WarnIfOthersCanRead(const std::string& path, const char* what) {
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
    std::fprintf(stderr,
                 "warning: %s %s has mode %03o: group or others can read or write it; "
                 "chmod 600 %s\n",
                 what, path.c_str(), static_cast<unsigned>(st.st_mode & 0777), path.c_str());
  }
}

bool ConfigHoldsToken(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    absl::string_view l = absl::StripLeadingAsciiWhitespace(line);
    if (absl::StartsWith(l, "token") && !absl::StartsWith(l, "token-file")) return true;
  }
  return false;
}

// The options every subcommand shares (GlobalOptions), with their environment variables.
void AddGlobalOptions(CLI::App& app, GlobalOptions& g) {
  app.add_option("--server", g.server, "arrsd address host:port")
      ->envname("ARRS_SERVER")->capture_default_str();
  app.add_option("--token", g.token,
                 "Bearer token (shows in `ps`: prefer env ARRS_TOKEN or --token-file)")
      ->envname("ARRS_TOKEN");
  app.add_option("--token-file", g.token_file, "File whose first line is the bearer token")
      ->envname("ARRS_TOKEN_FILE");
  app.add_option("--tls-ca", g.tls_ca_file, "PEM CA bundle: connect with TLS");
  app.add_flag("--json", g.json, "Print the response in protobuf's JSON mapping");
  app.add_flag("--csv", g.csv, "Print CSV");
  app.add_option("--request-id", g.request_id,
                 "Idempotency key of a command (default: a fresh random one)");
  app.add_option("--reason", g.reason, "Why (recorded; required for corrections, reductions)");
  app.add_option("--as-of", g.as_of, "Valid date of a query (YYYY-MM-DD)");
  app.add_option("--known-at", g.known_at,
                 "History point of a query: log position or YYYY-MM-DDTHH:MM:SSZ");
  app.add_option("--timeout", g.timeout_seconds, "Seconds to wait for each call")
      ->capture_default_str();
}

// Reads --token-file into g.token, and warns when the token's file, or a config file
// holding one, can be read by others. kExitOk, or kExitUsage when the file cannot be read.
int ReadTokenAndWarn(const CLI::App& app, GlobalOptions& g) {
  if (!g.token_file.empty()) {
    std::ifstream in(g.token_file);
    std::string line;
    if (!in || !std::getline(in, line)) {
      std::fprintf(stderr, "error: cannot read the token file %s\n", g.token_file.c_str());
      return kExitUsage;
    }
    g.token = std::string(absl::StripAsciiWhitespace(line));
    WarnIfOthersCanRead(g.token_file, "token file");
  }
  const CLI::Option* config_option = app.get_config_ptr();
  if (const std::string config = config_option != nullptr && config_option->count() > 0
                                     ? config_option->as<std::string>()
                                     : DefaultConfigPath();
      !config.empty() && ConfigHoldsToken(config)) {
    WarnIfOthersCanRead(config, "config file holding a token");
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace arrs::cli;
  // Offline tools write data folders, backups and exports holding personal data: owner only.
  umask(077);
  Context ctx;
  GlobalOptions& g = ctx.options;

  CLI::App app{"arrsctl: the command line of the ARRS claims ledger"};
  app.footer(
      "\nExamples:\n"
      "  arrsctl demo                                   load a demonstration\n"
      "  arrsctl pcn list\n"
      "  arrsctl balance U10001 --year 2024/25\n"
      "  arrsctl explain U10001 2024-10 --line 1\n"
      "Connection: --server/ARRS_SERVER, ARRS_TOKEN or --token-file/ARRS_TOKEN_FILE, or a\n"
      "config file; prefer the environment or a file (mode 600) to --token, which other\n"
      "local users can read in `ps`. Config file: " +
      DefaultConfigPath() + " with lines such as  server = \"host:50151\"");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_config("--config", DefaultConfigPath(), "Defaults for the global options (ini)");
  AddGlobalOptions(app, g);
  AddPcnCommands(app, ctx);
  AddStaffCommands(app, ctx);
  AddClaimCommands(app, ctx);
  AddQueryCommands(app, ctx);
  AddSettleCommands(app, ctx);
  AddAuditCommands(app, ctx);
  AddAdminCommands(app, ctx);
  AddOfflineCommands(app, ctx);
  AddRepairCommand(app, ctx);
  AddImportCommands(app, ctx);
  AddDemoCommand(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (g.json && g.csv) {
    std::fprintf(stderr, "error: give at most one of --json and --csv\n");
    return kExitUsage;
  }
  if (int read = ReadTokenAndWarn(app, g); read != kExitOk) return read;
  if (!ctx.action) return kExitUsage;
  return ctx.action();
}
