// The subcommands of arrsctl, one registration function per group (one .cc each), and
// the helpers their actions share.
#ifndef ARRS_CLI_COMMANDS_H_
#define ARRS_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli/context.h"
#include "cli/parse.h"

namespace arrs::cli {

void AddPcnCommands(CLI::App& app, Context& ctx);      // cmd_pcn.cc
void AddStaffCommands(CLI::App& app, Context& ctx);    // cmd_staff.cc
void AddClaimCommands(CLI::App& app, Context& ctx);    // cmd_claim.cc
void AddQueryCommands(CLI::App& app, Context& ctx);    // cmd_query.cc
// claim pay-arrears, claim recover, arrears (after AddClaimCommands).
void AddSettleCommands(CLI::App& app, Context& ctx);   // cmd_settle.cc
void AddAuditCommands(CLI::App& app, Context& ctx);    // cmd_audit.cc
void AddAdminCommands(CLI::App& app, Context& ctx);    // cmd_admin.cc
void AddOfflineCommands(CLI::App& app, Context& ctx);  // cmd_offline.cc
void AddRepairCommand(CLI::App& app, Context& ctx);    // cmd_repair.cc
void AddImportCommands(CLI::App& app, Context& ctx);   // cmd_import.cc
void AddDemoCommand(CLI::App& app, Context& ctx);      // demo.cc

// Sets the subcommand's action: main runs `run` after parsing succeeded.
template <typename Options, typename Run>
void OnRun(CLI::App* cmd, Context& ctx, std::shared_ptr<Options> options, Run run) {
  cmd->callback([&ctx, options, run] { ctx.action = [&ctx, options, run] { return run(ctx, *options); }; });
}

// "Example:\n  arrsctl ..." footer for --help.
std::string Example(const std::string& lines);

// Prints a command's result (positions, stream version, deduplicated) per the format.
int PrintCommandResult(const Context& ctx, const v1::CommandResult& result,
                       const std::string& what);

// Prints the arrears report of `financial_year` just before and just after the rule
// version published at `published_at`: what it adds to or takes back from the paid claims
// (docs/RESTATEMENT.md). Printed only; a caller who may not read the national report is
// told so. cmd_admin.cc.
void PrintPublicationEffect(Context& ctx, int financial_year, uint64_t published_at);

// The --known-at and --as-of global options.
absl::StatusOr<v1::KnownAt> KnownAtOption(const Context& ctx);
absl::StatusOr<v1::Date> AsOfOption(const Context& ctx);

}  // namespace arrs::cli

// Evaluates an absl::StatusOr; on error reports it (exit 2 for INVALID_ARGUMENT, else 1).
#define ARRS_CLI_CONCAT_(a, b) a##b
#define ARRS_CLI_CONCAT(a, b) ARRS_CLI_CONCAT_(a, b)
#define ARG_OR_RETURN(var, expr)                                          \
  auto ARRS_CLI_CONCAT(var, _or) = (expr);                                \
  if (!ARRS_CLI_CONCAT(var, _or).ok()) {                                  \
    return ::arrs::cli::ReportError(ARRS_CLI_CONCAT(var, _or).status());  \
  }                                                                       \
  auto var = *std::move(ARRS_CLI_CONCAT(var, _or))

#endif  // ARRS_CLI_COMMANDS_H_
