// arrsctl: the ARRS ledger's command line. Global options and the subcommands are wired
// here; each subcommand group lives in its own cli/cmd_*.cc.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/commands.h"
#include "cli/context.h"

namespace {

std::string DefaultConfigPath() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg) return std::string(xdg) + "/arrsctl.ini";
  const char* home = std::getenv("HOME");
  return home ? std::string(home) + "/.config/arrsctl.ini" : "arrsctl.ini";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace arrs::cli;
  Context ctx;
  GlobalOptions& g = ctx.options;

  CLI::App app{"arrsctl: the command line of the ARRS claims ledger"};
  app.footer(
      "\nExamples:\n"
      "  arrsctl demo                                   load a demonstration\n"
      "  arrsctl pcn list\n"
      "  arrsctl balance U10001 --year 2024/25\n"
      "  arrsctl explain U10001 2024-10 --line 1\n"
      "Connection: --server/ARRS_SERVER, --token/ARRS_TOKEN, or a config file\n"
      "(" + DefaultConfigPath() + ") with lines such as  server = \"host:50151\"");
  app.require_subcommand(1);
  app.fallthrough();
  app.set_config("--config", DefaultConfigPath(), "Defaults for the global options (ini)");
  app.add_option("--server", g.server, "arrsd address host:port")
      ->envname("ARRS_SERVER")->capture_default_str();
  app.add_option("--token", g.token, "Bearer token")->envname("ARRS_TOKEN");
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

  AddPcnCommands(app, ctx);
  AddStaffCommands(app, ctx);
  AddClaimCommands(app, ctx);
  AddQueryCommands(app, ctx);
  AddSettleCommands(app, ctx);
  AddAuditCommands(app, ctx);
  AddAdminCommands(app, ctx);
  AddOfflineCommands(app, ctx);
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
  if (!ctx.action) return kExitUsage;
  return ctx.action();
}
