// arrsctl claim pay-arrears | claim recover | arrears: settling what restatement says is
// owed either way on paid claims (docs/RESTATEMENT.md).
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "ledger/util/civil_date.h"

namespace arrs::cli {
namespace {

struct SettleOptions {
  std::string pcn, claim, on, amount, reference, offset_claim, year, icb;
};

int RunPayArrears(Context& ctx, const SettleOptions& o) {
  ASSIGN_OR_RETURN(paid_on, ParseDateArg(o.on, "--paid-on"), ReportError);
  ASSIGN_OR_RETURN(amount, ParsePoundsArg(o.amount, "--amount"), ReportError);
  v1::PayArrearsRequest req;
  SetPaymentFields(ctx, o.pcn, o.claim, amount, o.reference, &req);
  *req.mutable_paid_on() = paid_on;
  return SendCommand(ctx, &CommandStub::PayArrears, req, "claim pay-arrears",
                     absl::StrCat("arrears of ", Money(ctx, amount), " paid on claim ", o.claim));
}

int RunRecover(Context& ctx, const SettleOptions& o) {
  ASSIGN_OR_RETURN(on, ParseDateArg(o.on, "--recovered-on"), ReportError);
  ASSIGN_OR_RETURN(amount, ParsePoundsArg(o.amount, "--amount"), ReportError);
  v1::RecoverOverpaymentRequest req;
  SetPaymentFields(ctx, o.pcn, o.claim, amount, o.reference, &req);
  *req.mutable_recovered_on() = on;
  req.set_method(o.offset_claim.empty() ? v1::REPAID : v1::OFFSET);
  req.set_offset_claim_id(o.offset_claim);
  return SendCommand(
      ctx, &CommandStub::RecoverOverpayment, req, "claim recover",
      absl::StrCat("overpayment of ", Money(ctx, amount), " recovered on claim ", o.claim,
                   o.offset_claim.empty()
                       ? " (repaid)"
                       : absl::StrCat(" (offset against the payment of ", o.offset_claim, ")")));
}

int PrintArrears(const Context& ctx, const v1::ArrearsReport& r) {
  Table table({"icb", "pcn", "claim", "paid_net", "restated", "arrears_due", "to_recover",
               "causes"});
  table.RightAlign({3, 4, 5, 6});
  for (const v1::PcnArrears& pcn : r.pcns()) {
    for (const v1::ClaimArrears& c : pcn.claims()) {
      std::vector<std::string> causes;
      for (const v1::RestatementCause& cause : c.causes()) {
        causes.push_back(absl::StrCat(cause.what(), " (position ", cause.position(), ")"));
      }
      table.AddRow({pcn.icb_code(), pcn.pcn_code(), c.claim_id(), Money(ctx, c.paid_pence()),
                    Money(ctx, c.restated_pence()), Money(ctx, c.arrears_due_pence()),
                    Money(ctx, c.overpayment_to_recover_pence()), absl::StrJoin(causes, "; ")});
    }
  }
  Emit(ctx, r, table,
       {absl::StrCat("Arrears and overpayments on paid claims (log position ",
                     r.computed_at_position(), ")"),
        absl::StrCat("  arrears due              ", Money(ctx, r.arrears_due_pence())),
        absl::StrCat("  overpayments to recover  ", Money(ctx, r.overpayment_to_recover_pence())),
        absl::StrCat("  net due to PCNs          ",
                     Money(ctx, r.arrears_due_pence() - r.overpayment_to_recover_pence()))});
  return kExitOk;
}

int RunArrears(Context& ctx, const SettleOptions& o) {
  v1::ArrearsRequest req;
  req.set_icb_code(o.icb);
  if (!o.year.empty()) {
    ASSIGN_OR_RETURN(year, ParseYearArg(o.year, "--year"), ReportError);
    req.set_financial_year(year);
  }
  return QueryAndPrint(ctx, &QueryStub::GetArrears, &req, "arrears", PrintArrears);
}

}  // namespace

void AddSettleCommands(CLI::App& app, Context& ctx) {
  AddCommands<SettleOptions>(
      app.get_subcommand("claim"), ctx,
      {PcnCommand("pay-arrears",
                  "Pay arrears on a paid claim: what its lines, priced again, allow beyond what "
                  "was paid (commissioner; --reason required)",
                  {{"claim_id", &SettleOptions::claim, "Claim id", kRequired},
                   {"--paid-on", &SettleOptions::on, "Payment date (YYYY-MM-DD)", kRequired},
                   {"--amount", &SettleOptions::amount, "Amount in pounds, at most the arrears due",
                    kRequired},
                   {"--payment-reference", &SettleOptions::reference, "Remittance reference"}},
                  "  arrsctl claim pay-arrears U10001 2024-05 --paid-on 2024-09-20 \\\n"
                  "    --amount 221.66 --reason \"2024/25 r2 uplift backdated to April\"",
                  RunPayArrears),
       PcnCommand(
           "recover",
           "Record the recovery of an overpayment on a paid claim, repaid or offset "
           "against a later payment (commissioner; --reason required)",
           {{"claim_id", &SettleOptions::claim, "The overpaid claim", kRequired},
            {"--recovered-on", &SettleOptions::on, "Date recovered (YYYY-MM-DD)", kRequired},
            {"--amount", &SettleOptions::amount, "Amount in pounds, at most the overpayment",
             kRequired},
            {"--offset-against", &SettleOptions::offset_claim,
             "Claim whose payment the amount was deducted from (default: repaid)"},
            {"--payment-reference", &SettleOptions::reference, "Remittance or invoice reference"}},
           "  arrsctl claim recover U10001 2024-05 --recovered-on 2024-08-20 \\\n"
           "    --amount 2597.50 --offset-against 2024-07 \\\n"
           "    --reason \"0.5 WTE from May, reported in September\"",
           RunRecover)});
  AddCommand<SettleOptions>(
      &app, ctx,
      {"arrears",
       "Per PCN, what the latest facts and rule versions add to (arrears) or take back from "
       "(overpayments) paid claims",
       {{"--year", &SettleOptions::year, "Only claims of this financial year (2024/25)"},
        {"--icb", &SettleOptions::icb, "Only PCNs of this ICB"}},
       "  arrsctl arrears --year 2024/25 --icb QWE",
       RunArrears});
}

}  // namespace arrs::cli
