// The subcommands of arrsctl, one registration function per group (one .cc each), and
// the helpers their actions share.
#ifndef ARRS_CLI_COMMANDS_H_
#define ARRS_CLI_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <type_traits>

#include "cli/command_spec.h"
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

// Sets `request`'s known_at from --known-at, and its as_of from --as-of when it has one
// (--as-of is checked first).
template <typename Request>
absl::Status SetQueryTime(const Context& ctx, Request* request) {
  if constexpr (requires { request->mutable_as_of(); }) {
    ASSIGN_OR_RETURN(as_of, AsOfOption(ctx));
    *request->mutable_as_of() = as_of;
  }
  ASSIGN_OR_RETURN(known_at, KnownAtOption(ctx));
  *request->mutable_known_at() = known_at;
  return absl::OkStatus();
}

// Sends `request` with `method` of `stub` on a fresh call (Context::NewCall), filling
// `*response`. Returns kExitOk, or the exit code of ReportRpcError(status, what) after it
// reported the failure.
template <typename Stub, typename Request, typename Response>
int CallRpc(const Context& ctx, const std::unique_ptr<Stub>& stub,
            grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
            const Request& request, Response* response, const std::string& what) {
  auto call = ctx.NewCall();
  grpc::Status status = (stub.get()->*method)(call.get(), request, response);
  if (!status.ok()) return ReportRpcError(status, what);
  return kExitOk;
}

// Sends a query through QueryService after setting its time (SetQueryTime; a bad option
// is reported with ReportError); otherwise as CallRpc.
template <typename Request, typename Response>
int SendQuery(Context& ctx,
              grpc::Status (QueryStub::*method)(grpc::ClientContext*, const Request&, Response*),
              Request* request, Response* response, const std::string& what) {
  if (absl::Status bad = SetQueryTime(ctx, request); !bad.ok()) return ReportError(bad);
  return CallRpc(ctx, ctx.queries(), method, *request, response, what);
}

// Sends a query as SendQuery does and, once it is answered, returns the exit code of
// print(ctx, response), or of print(ctx, request, response) for a printer that also
// shows what was asked.
template <typename Request, typename Response, typename Print>
int QueryAndPrint(Context& ctx,
                  grpc::Status (QueryStub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
                  Request* request, const std::string& what, Print print) {
  Response response;
  if (int failed = SendQuery(ctx, method, request, &response, what)) return failed;
  if constexpr (std::is_invocable_v<Print&, const Context&, const Request&, const Response&>) {
    return print(ctx, *request, response);
  } else {
    return print(ctx, response);
  }
}

// Sets what every payment of a claim carries (claim pay, claim pay-arrears, claim recover):
// the command header, PCN, claim, amount and payment reference.
template <typename Request>
void SetPaymentFields(const Context& ctx, const std::string& pcn, const std::string& claim,
                      int64_t amount_pence, const std::string& reference, Request* request) {
  *request->mutable_header() = ctx.Header();
  request->set_pcn_code(pcn);
  request->set_claim_id(claim);
  request->set_amount_pence(amount_pence);
  request->set_payment_reference(reference);
}

// Sends a command through CommandService and prints its result as PrintCommandResult
// does with `done`; a refusal is reported as `what`.
template <typename Request>
int SendCommand(Context& ctx,
                grpc::Status (CommandStub::*method)(grpc::ClientContext*, const Request&,
                                                    v1::CommandResult*),
                const Request& request, const std::string& what, const std::string& done) {
  v1::CommandResult result;
  if (int failed = CallRpc(ctx, ctx.commands(), method, request, &result, what)) return failed;
  return PrintCommandResult(ctx, result, done);
}

}  // namespace arrs::cli

#endif  // ARRS_CLI_COMMANDS_H_
