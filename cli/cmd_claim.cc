// arrsctl claim submit | assess | reduce | pay
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "ledger/util/money.h"

namespace arrs::cli {
namespace {

struct ClaimOptions {
  std::string pcn, claim, month, approved, paid_on, amount, reference;
  std::vector<std::string> lines;  // STAFF=POUNDS
  int line_no = 0;
};

int RunSubmit(Context& ctx, const ClaimOptions& o) {
  v1::SubmitClaimRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  req.set_claim_id(o.claim);
  ASSIGN_OR_RETURN(month, ParseMonthArg(o.month, "--month"), ReportError);
  *req.mutable_month() = month;
  int n = 0;
  for (const std::string& text : o.lines) {
    std::vector<std::string> parts = absl::StrSplit(text, absl::MaxSplits('=', 1));
    if (parts.size() != 2) {
      return ReportError(absl::InvalidArgumentError(
          absl::StrCat("--line: \"", text, "\" is not STAFF_ID=AMOUNT (e.g. CP-001=4850.00)")));
    }
    ASSIGN_OR_RETURN(cost, ParsePoundsArg(parts[1], "--line"), ReportError);
    v1::ClaimLine* line = req.add_lines();
    line->set_line_no(++n);
    line->set_staff_id(parts[0]);
    line->set_actual_cost_pence(cost);
  }
  return SendCommand(ctx, &CommandStub::SubmitClaim, req, "claim submit",
                     absl::StrCat("claim ", o.claim, " submitted"));
}

int RunAssess(Context& ctx, const ClaimOptions& o) {
  v1::AssessClaimRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  req.set_claim_id(o.claim);
  v1::CommandResult result;
  if (int failed =
          CallRpc(ctx, ctx.commands(), &CommandStub::AssessClaim, req, &result, "claim assess")) {
    return failed;
  }
  if (!result.has_assessment()) {
    return PrintCommandResult(ctx, result, absl::StrCat("claim ", o.claim, " assessed"));
  }
  Table table({"line", "staff", "claimed", "maximum", "reimbursable", "approved", "outcome"});
  table.RightAlign({0, 2, 3, 4, 5});
  for (const v1::AssessedLine& l : result.assessment().lines()) {
    table.AddRow({absl::StrCat(l.line_no()), l.staff_id(), Money(ctx, l.claimed_pence()),
                  Money(ctx, l.maximum_pence()), Money(ctx, l.reimbursable_pence()),
                  Money(ctx, l.approved_pence()), OutcomeName(l.outcome())});
  }
  Emit(ctx, result, table,
       {absl::StrCat("claim ", o.claim, " assessed at log position ", result.last_position())},
       {absl::StrCat("approved total: ", Money(ctx, result.assessment().total_approved_pence())),
        absl::StrCat("details: arrsctl explain ", o.pcn, " ", o.claim)});
  return kExitOk;
}

int RunReduce(Context& ctx, const ClaimOptions& o) {
  if (ctx.options.reason.empty()) {
    return ReportError(absl::InvalidArgumentError("--reason is required for a reduction"));
  }
  v1::ReduceClaimLineRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  req.set_claim_id(o.claim);
  req.set_line_no(o.line_no);
  ASSIGN_OR_RETURN(approved, ParsePoundsArg(o.approved, "--approved"), ReportError);
  req.set_approved_pence(approved);
  return SendCommand(
      ctx, &CommandStub::ReduceClaimLine, req, "claim reduce",
      absl::StrCat("claim ", o.claim, " line ", o.line_no, " reduced to ", Money(ctx, approved)));
}

int RunPay(Context& ctx, const ClaimOptions& o) {
  ASSIGN_OR_RETURN(paid_on, ParseDateArg(o.paid_on, "--paid-on"), ReportError);
  ASSIGN_OR_RETURN(amount, ParsePoundsArg(o.amount, "--amount"), ReportError);
  v1::PayClaimRequest req;
  SetPaymentFields(ctx, o.pcn, o.claim, amount, o.reference, &req);
  *req.mutable_paid_on() = paid_on;
  return SendCommand(ctx, &CommandStub::PayClaim, req, "claim pay",
                     absl::StrCat("claim ", o.claim, " paid ", Money(ctx, amount)));
}

// A claim command: the PCN and the claim id every one names, then `more`.
CommandSpec<ClaimOptions> ClaimCommand(const std::string& name, const std::string& help,
                                       int (*run)(Context&, const ClaimOptions&),
                                       std::vector<OptionSpec<ClaimOptions>> more,
                                       const std::string& example) {
  more.insert(more.begin(), OptionSpec<ClaimOptions>{
                                "claim_id", &ClaimOptions::claim,
                                "Claim id, unique within the PCN (e.g. 2024-05)", kRequired});
  return PcnCommand(name, help, std::move(more), example, run);
}

}  // namespace

void AddClaimCommands(CLI::App& app, Context& ctx) {
  CLI::App* claim = AddGroup(app, "claim", "Submit, assess, reduce and pay monthly claims");
  AddCommands<ClaimOptions>(
      claim, ctx,
      {ClaimCommand(
           "submit", "Submit a monthly claim (PCN)", RunSubmit,
           {{"--month", &ClaimOptions::month, "Month claimed (YYYY-MM)", kRequired},
            {"--line", &ClaimOptions::lines, "STAFF_ID=ACTUAL_COST in pounds (repeat)", kRequired}},
           "  arrsctl claim submit U10001 2024-05 --month 2024-05 \\\n"
           "    --line CP-001=5120.00 --line SPLW-001=2890.50"),
       ClaimCommand("assess", "Assess a claim line by line under the rules (commissioner)",
                    RunAssess, {}, "  arrsctl claim assess U10001 2024-05"),
       ClaimCommand("reduce",
                    "Reduce the approved amount of one line (commissioner; --reason required)",
                    RunReduce,
                    {{"--line", &ClaimOptions::line_no, "Line number", kRequired},
                     {"--approved", &ClaimOptions::approved, "New, lower approved amount in pounds",
                      kRequired}},
                    "  arrsctl claim reduce U10001 2024-05 --line 2 --approved 2500.00 \\\n"
                    "    --reason \"timesheets show 0.8 WTE worked\""),
       ClaimCommand("pay", "Record payment of the approved total (commissioner)", RunPay,
                    {{"--paid-on", &ClaimOptions::paid_on, "Payment date (YYYY-MM-DD)", kRequired},
                     {"--amount", &ClaimOptions::amount, "Amount in pounds: the approved total due",
                      kRequired},
                     {"--payment-reference", &ClaimOptions::reference, "Remittance reference"}},
                    "  arrsctl claim pay U10001 2024-05 --paid-on 2024-06-20 --amount 7850.42")});
}

}  // namespace arrs::cli
