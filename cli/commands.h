// The subcommands of arrsctl, one registration function per group (one .cc each), and
// the helpers their actions share.
#ifndef ARRS_CLI_COMMANDS_H_
#define ARRS_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "cli/context.h"
#include "cli/parse.h"
#include "ledger/util/status_macros.h"

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

#endif  // ARRS_CLI_COMMANDS_H_
