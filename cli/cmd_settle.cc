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

int RunArrears(Context& ctx, const SettleOptions& o) {
  v1::ArrearsRequest req;
  req.set_icb_code(o.icb);
  if (!o.year.empty()) {
    ASSIGN_OR_RETURN(year, ParseYearArg(o.year, "--year"), ReportError);
    req.set_financial_year(year);
  }
  v1::ArrearsReport r;
  if (int failed = SendQuery(ctx, &QueryStub::GetArrears, &req, &r, "arrears")) {
    return failed;
  }
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

}  // namespace

void AddSettleCommands(CLI::App& app, Context& ctx) {
  CLI::App* claim = app.get_subcommand("claim");
  auto o = std::make_shared<SettleOptions>();
  CLI::App* c = claim->add_subcommand(
      "pay-arrears", "Pay arrears on a paid claim: what its lines, priced again, allow beyond "
                     "what was paid (commissioner; --reason required)");
  c->add_option("pcn", o->pcn, "PCN ODS code")->required();
  c->add_option("claim_id", o->claim, "Claim id")->required();
  c->add_option("--paid-on", o->on, "Payment date (YYYY-MM-DD)")->required();
  c->add_option("--amount", o->amount, "Amount in pounds, at most the arrears due")->required();
  c->add_option("--payment-reference", o->reference, "Remittance reference");
  c->footer(Example("  arrsctl claim pay-arrears U10001 2024-05 --paid-on 2024-09-20 \\\n"
                    "    --amount 221.66 --reason \"2024/25 r2 uplift backdated to April\""));
  OnRun(c, ctx, o, RunPayArrears);

  o = std::make_shared<SettleOptions>();
  c = claim->add_subcommand(
      "recover", "Record the recovery of an overpayment on a paid claim, repaid or offset "
                 "against a later payment (commissioner; --reason required)");
  c->add_option("pcn", o->pcn, "PCN ODS code")->required();
  c->add_option("claim_id", o->claim, "The overpaid claim")->required();
  c->add_option("--recovered-on", o->on, "Date recovered (YYYY-MM-DD)")->required();
  c->add_option("--amount", o->amount, "Amount in pounds, at most the overpayment")->required();
  c->add_option("--offset-against", o->offset_claim,
                "Claim whose payment the amount was deducted from (default: repaid)");
  c->add_option("--payment-reference", o->reference, "Remittance or invoice reference");
  c->footer(Example("  arrsctl claim recover U10001 2024-05 --recovered-on 2024-08-20 \\\n"
                    "    --amount 2597.50 --offset-against 2024-07 \\\n"
                    "    --reason \"0.5 WTE from May, reported in September\""));
  OnRun(c, ctx, o, RunRecover);

  o = std::make_shared<SettleOptions>();
  c = app.add_subcommand("arrears", "Per PCN, what the latest facts and rule versions add to "
                                    "(arrears) or take back from (overpayments) paid claims");
  c->add_option("--year", o->year, "Only claims of this financial year (2024/25)");
  c->add_option("--icb", o->icb, "Only PCNs of this ICB");
  c->footer(Example("  arrsctl arrears --year 2024/25 --icb QWE"));
  OnRun(c, ctx, o, RunArrears);
}

}  // namespace arrs::cli
