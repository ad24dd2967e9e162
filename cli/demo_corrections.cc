// arrsctl demo's corrections, late report and late rule book (demo_loader.h).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/demo_data.h"
#include "cli/demo_loader.h"
#include "cli/demo_rules.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::cli {

using absl::CivilDay;
using demo::DemoChange;
using demo::DemoPcn;
using demo::DemoStaff;

bool DemoLoader::Correct() {
  // Riverside: the pay rise keyed as £46,500 is replaced with the contract's £45,600.
  v1::CorrectRequest pay;
  pay.set_pcn_code("U10001");
  pay.set_corrects_position(positions_["U10001:pay-rise-cp-01"]);
  v1::PayChanged* p = pay.mutable_replacement()->mutable_pay_changed();
  p->set_staff_id("CP-01");
  p->set_annual_salary_pence(kTruePayRisePence);
  p->set_annual_on_costs_pence(demo::OnCosts(kTruePayRisePence));
  if (!Send(&v1::CommandService::Stub::Correct, demo::kAdminToken, "U10001:correct-pay-rise", pay,
            nullptr, "Pay rise keyed as £46,500; the contract variation says £45,600")) {
    return false;
  }
  // City Central: an FTE change recorded against the wrong pharmacist is reversed.
  v1::CorrectRequest fte;
  fte.set_pcn_code("U20004");
  fte.set_corrects_position(positions_["U20004:fte-cp-02"]);
  fte.set_reverse(true);
  return Send(&v1::CommandService::Stub::Correct, demo::kAdminToken, "U20004:reverse-fte", fte,
              nullptr,
              "FTE change recorded against the wrong member of staff (CP-02, "
              "meant for CP-03)");
}

bool DemoLoader::Overpaid(const DemoPcn& pcn, const std::string& claim, uint64_t known_at,
                          int64_t* pence) {
  v1::ExplainRequest req;
  req.set_pcn_code(pcn.code);
  req.set_claim_id(claim);
  req.mutable_known_at()->set_position(known_at);
  v1::Explanation e;
  auto call = ctx_.NewCall(pcn.icb_token);
  grpc::Status s = queries_->ExplainClaim(call.get(), req, &e);
  if (!s.ok()) {
    ReportRpcError(s, "demo: explaining " + claim);
    return false;
  }
  // Per line: paid + arrears paid - recovered + difference = restated, so what was
  // overpaid before recoveries is recovered - difference (the same on a re-run).
  int64_t overpaid = 0;
  for (const v1::LineRestatement& line : e.restated()) {
    overpaid += line.recovered_pence() - line.difference_pence() - line.arrears_paid_pence();
  }
  *pence = std::max<int64_t>(0, overpaid);
  return true;
}

bool DemoLoader::Restate() {
  const DemoPcn harbour = demo::Pcns()[2];
  const char* reason =
      "Reported in February 2025: CP-02 worked 4 days a week from August to November 2024";
  uint64_t reported = 0;  // the position of the late report
  for (const auto& [from, wte] :
       {std::pair{CivilDay(2024, 8, 1), 8000}, std::pair{CivilDay(2024, 12, 1), 10000}}) {
    v1::StaffChangeRequest fte;
    fte.set_pcn_code(harbour.code);
    fte.set_staff_id("CP-02");
    *fte.mutable_effective_date() = ToProtoDate(from);
    fte.mutable_fte_changed()->set_wte_bp(wte);
    v1::CommandResult result;
    if (!Send(&v1::CommandService::Stub::ChangeStaff, harbour.pcn_token,
              absl::StrCat("U20003:late-fte-cp-02:", FormatCivilDay(from)), fte, &result, reason)) {
      return false;
    }
    reported = result.last_position();
  }
  // The claims for August and November 2024 were paid at 1.0 WTE; the commissioner
  // deducts what was overpaid from the payment of the February 2025 claim.
  for (const char* claim : {"2024-08", "2024-11"}) {
    int64_t overpaid = 0;
    if (!Overpaid(harbour, claim, reported, &overpaid)) return false;
    if (overpaid == 0) continue;
    v1::RecoverOverpaymentRequest rec;
    rec.set_pcn_code(harbour.code);
    rec.set_claim_id(claim);
    *rec.mutable_recovered_on() = ToProtoDate(CivilDay(2025, 3, 20));
    rec.set_amount_pence(overpaid);
    rec.set_method(v1::OFFSET);
    rec.set_offset_claim_id("2025-02");
    rec.set_payment_reference(absl::StrCat("QKK-U20003-2025-02-offset-", claim));
    if (!Send(&v1::CommandService::Stub::RecoverOverpayment, harbour.icb_token,
              absl::StrCat("U20003:recover:", claim), rec, nullptr,
              "CP-02 at 0.8 WTE from August to November 2024, reported late: deducted from "
              "the payment of the February 2025 claim")) {
      return false;
    }
    recovered_pence_ += overpaid;
  }
  return true;
}

bool DemoLoader::PublishRules(const std::vector<v1::FinancialYearRules>& versions,
                              uint64_t* first_published) {
  *first_published = 0;
  for (const v1::FinancialYearRules& version : versions) {
    v1::PublishRulesRequest req;
    req.mutable_header()->set_request_id("demo:rules:" + version.version());
    req.mutable_header()->set_reason("shipped rule file, published by the demo");
    *req.mutable_rules() = version;
    v1::CommandResult result;
    auto call = ctx_.NewCall(demo::kAdminToken);
    grpc::Status s = commands_->PublishRules(call.get(), req, &result);
    ++requests_;
    // Published already, by arrsd --rules-dir (a version is published once per year).
    if (s.error_code() == grpc::StatusCode::ALREADY_EXISTS &&
        s.error_message().find("rule version") != std::string::npos) {
      ++deduplicated_;
      continue;
    }
    if (!s.ok()) {
      ReportRpcError(s, "demo: publishing rule version " + version.version());
      return false;
    }
    head_ = std::max<uint64_t>(head_, result.last_position());
    if (result.deduplicated()) {
      ++deduplicated_;
      continue;
    }
    written_ += result.last_position() - result.first_position() + 1;
    if (*first_published == 0) *first_published = result.first_position();
  }
  return true;
}

}  // namespace arrs::cli
