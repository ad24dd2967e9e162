// arrsctl demo: loads the demonstration data set (demo_data.cc) through the server API,
// with the principal each step belongs to (commissioners register, assess and pay; PCN
// services hire and claim; the admin corrects). Every request id is "demo:<step>", so a
// second run writes nothing new. With --rules-dir it publishes the rule book too, one
// year's later versions after that year's claims (demo_rules.h).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <utility>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/demo_data.h"
#include "cli/demo_rules.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::cli {
namespace {

using absl::CivilDay;
using demo::DemoChange;
using demo::DemoPcn;
using demo::DemoStaff;

// The pay rise of Riverside's CP-01 was keyed as £46,500; the contract says £45,600.
constexpr int64_t kTruePayRisePence = 4560000;

std::string Month(CivilDay m) { return FormatCivilDay(m).substr(0, 7); }

class DemoLoader {
 public:
  DemoLoader(Context& ctx, std::string rules_dir)
      : ctx_(ctx),
        commands_(ctx.commands()),
        queries_(ctx.queries()),
        rules_dir_(std::move(rules_dir)) {}

  int Run();

 private:
  template <typename Req>
  using Method = grpc::Status (v1::CommandService::Stub::*)(grpc::ClientContext*, const Req&,
                                                            v1::CommandResult*);

  // Sends one command as `token` with request id "demo:<step>"; false (reported) on error.
  template <typename Req>
  bool Send(Method<Req> method, const std::string& token, const std::string& step, Req req,
            v1::CommandResult* result = nullptr, const std::string& reason = "") {
    req.mutable_header()->set_request_id("demo:" + step);
    req.mutable_header()->set_reason(reason);
    v1::CommandResult local;
    v1::CommandResult* out = result ? result : &local;
    auto call = ctx_.NewCall(token);
    grpc::Status s = ((*commands_).*method)(call.get(), req, out);
    if (!s.ok()) {
      ReportRpcError(s, "demo step " + step);
      return false;
    }
    ++requests_;
    if (out->deduplicated()) {
      ++deduplicated_;
    } else {
      written_ += out->last_position() - out->first_position() + 1;
    }
    head_ = std::max<uint64_t>(head_, out->last_position());
    return true;
  }

  bool LoadPcn(size_t index, const DemoPcn& pcn);
  // True when the rule book in force has a rate per weighted patient for the year.
  bool HasRate(int financial_year);
  bool LoadStaff(const DemoPcn& pcn, const std::vector<DemoStaff>& staff,
                 const std::vector<DemoChange>& changes);
  bool LoadClaims(size_t index, const DemoPcn& pcn, const std::vector<DemoStaff>& staff,
                  const std::vector<DemoChange>& changes);
  bool Correct();
  // Harbour reports late that CP-02 worked 0.8 WTE from August to November 2024: the
  // claims already paid for those months are overpaid, and the commissioner recovers it
  // from the payment of the February 2025 claim.
  bool Restate();
  // What `claim` was overpaid before any recovery (0 when nothing), from its restatement
  // as known at `known_at` (the same figure on a re-run, whatever was published since).
  bool Overpaid(const DemoPcn& pcn, const std::string& claim, uint64_t known_at,
                int64_t* pence);
  // Publishes `versions` as the admin, request id "demo:rules:<version>"; a version the
  // server already has (arrsd --rules-dir publishes the folder at start) is left as it is.
  // Sets *first_published to the position of the first version published now (0: none).
  bool PublishRules(const std::vector<v1::FinancialYearRules>& versions,
                    uint64_t* first_published);
  // The approved total still to pay, from the assessment or (on a re-run) ExplainClaim.
  bool ApprovedTotal(const DemoPcn& pcn, const std::string& claim,
                     const v1::CommandResult& assessed, int64_t* total);

  Context& ctx_;
  std::unique_ptr<v1::CommandService::Stub> commands_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  uint64_t requests_ = 0, deduplicated_ = 0, written_ = 0, head_ = 0;
  int staff_ = 0, claims_ = 0, lines_ = 0, paid_claims_ = 0;
  int64_t paid_pence_ = 0;
  int64_t recovered_pence_ = 0;
  std::map<std::string, int> outcomes_;
  std::set<int> roles_;
  std::map<std::string, uint64_t> positions_;  // step -> position of its event
  std::string rules_dir_;  // "" : the server's rule book as it is
};

bool DemoLoader::LoadPcn(size_t index, const DemoPcn& pcn) {
  v1::RegisterPcnRequest reg;
  reg.set_pcn_code(pcn.code);
  reg.set_name(pcn.name);
  reg.set_icb_code(pcn.icb);
  *reg.mutable_effective_date() = ToProtoDate(CivilDay(2019, 7, 1));
  for (const auto& [ods, name] : pcn.practices) {
    v1::Practice* p = reg.add_member_practices();
    p->set_ods_code(ods);
    p->set_name(name);
  }
  if (!Send(&v1::CommandService::Stub::RegisterPcn, pcn.icb_token, pcn.code + ":register", reg)) {
    return false;
  }
  // List sizes on 1 January of each year, growing about 1.2% a year.
  int64_t list = pcn.list_size_2019;
  std::map<int, int64_t> lists;
  auto list_at = [&lists](int year) { return lists.count(year) ? lists[year] : lists.rbegin()->second; };
  for (int year = 2019; year <= 2025; ++year) {
    lists[year] = list;
    v1::RecordListSizeRequest ls;
    ls.set_pcn_code(pcn.code);
    *ls.mutable_reference_date() = ToProtoDate(CivilDay(year, 1, 1));
    ls.set_registered_list_size(list);
    ls.set_weighted_population_milli(list * pcn.weighted_ratio_milli + 137 * (year - 2018));
    if (!Send(&v1::CommandService::Stub::RecordListSize, pcn.icb_token,
              absl::StrCat(pcn.code, ":list-size:", year), ls)) {
      return false;
    }
    list += list * 12 / 1000;
  }
  v1::RecordBaselineRequest bl;
  bl.set_pcn_code(pcn.code);
  for (const auto& [role, headcount, wte] : pcn.baseline) {
    v1::RoleBaseline* b = bl.add_roles();
    b->set_role(role);
    b->set_headcount(headcount);
    b->set_wte_bp(wte);
  }
  if (!Send(&v1::CommandService::Stub::RecordBaseline, pcn.icb_token, pcn.code + ":baseline",
            bl)) {
    return false;
  }
  // Derived from the weighted population where the rule book has a rate per patient
  // (2020/21 on); otherwise (2019/20) the commissioner gives the sum: £2.05 a patient,
  // about the first year's 70% pharmacist + 100% link worker funding.
  for (int year = 2019; year <= 2025; ++year) {
    v1::SetEntitlementRequest en;
    en.set_pcn_code(pcn.code);
    en.set_financial_year(year);
    if (HasRate(year)) {
      en.set_derive_from_weighted_population(true);
    } else {
      en.set_sum_pence(list_at(year) * 205);
    }
    if (!Send(&v1::CommandService::Stub::SetEntitlement, pcn.icb_token,
              absl::StrCat(pcn.code, ":entitlement:", year), en)) {
      return false;
    }
  }
  (void)index;
  return true;
}

bool DemoLoader::HasRate(int financial_year) {
  v1::RulesRequest req;
  req.set_financial_year(financial_year);
  v1::RulesResponse rules;
  auto call = ctx_.NewCall(demo::kAuditorToken);
  if (!queries_->GetRules(call.get(), req, &rules).ok()) return false;
  return rules.rules().entitlement().rate_per_patient_millipence() > 0;
}

bool DemoLoader::LoadStaff(const DemoPcn& pcn, const std::vector<DemoStaff>& staff,
                           const std::vector<DemoChange>& changes) {
  for (const DemoStaff& s : staff) {
    v1::HireStaffRequest h;
    h.set_pcn_code(pcn.code);
    h.set_staff_id(s.id);
    h.set_role(s.role);
    h.set_band(s.band);
    h.set_employment_model(s.employment);
    h.set_employer_name(s.employer);
    *h.mutable_hire_date() = ToProtoDate(s.hired);
    h.set_wte_bp(s.wte_bp);
    h.set_annual_salary_pence(s.salary_pence);
    h.set_annual_on_costs_pence(demo::OnCosts(s.salary_pence));
    h.set_display_name(s.name);
    h.set_mhp_funding(s.mhp_funding);
    if (!Send(&v1::CommandService::Stub::HireStaff, pcn.pcn_token,
              absl::StrCat(pcn.code, ":hire:", s.id), h)) {
      return false;
    }
    ++staff_;
    roles_.insert(s.role);
  }
  for (const DemoChange& c : changes) {
    v1::StaffChangeRequest r;
    r.set_pcn_code(pcn.code);
    r.set_staff_id(c.staff_id);
    *r.mutable_effective_date() = ToProtoDate(c.date);
    switch (c.kind) {
      case DemoChange::kStart:
        r.mutable_started();
        break;
      case DemoChange::kFte:
        r.mutable_fte_changed()->set_wte_bp(c.wte_bp);
        break;
      case DemoChange::kPay:
        r.mutable_pay_changed()->set_annual_salary_pence(c.salary_pence);
        r.mutable_pay_changed()->set_annual_on_costs_pence(demo::OnCosts(c.salary_pence));
        break;
      case DemoChange::kLeave: {
        v1::LeaveKind kind = v1::OTHER;
        v1::LeaveKind_Parse(c.text, &kind);
        r.mutable_leave()->set_kind(kind);
        *r.mutable_leave()->mutable_end_date() = ToProtoDate(c.leave_end);
        r.mutable_leave()->set_paid_share_bp(c.paid_share_bp);
        break;
      }
      case DemoChange::kLeft:
        r.mutable_left()->set_leaving_reason(c.text);
        break;
    }
    v1::CommandResult result;
    const std::string step = absl::StrCat(pcn.code, ":", c.step);
    if (!Send(&v1::CommandService::Stub::ChangeStaff, pcn.pcn_token, step, r, &result)) {
      return false;
    }
    positions_[step] = result.last_position();
  }
  return true;
}

// What the PCN actually paid a member of staff for `month` (salary + on-costs over 12),
// from the hire and the changes in force mid-month; 0 when not in post.
int64_t MonthlyCost(const DemoStaff& s, const std::vector<DemoChange>& changes, CivilDay month) {
  const CivilDay last = LastDayOfMonth(month);
  if (s.hired > last) return 0;
  const CivilDay mid = month + 14;
  int32_t wte = s.wte_bp;
  int64_t salary = s.salary_pence;
  int32_t paid_share = 10000;
  for (const DemoChange& c : changes) {
    if (c.staff_id != s.id) continue;
    if (c.kind == DemoChange::kLeft && c.date < month) return 0;
    if (c.kind == DemoChange::kStart && c.date > last) return 0;
    if (c.date > mid) continue;
    if (c.kind == DemoChange::kFte) wte = c.wte_bp;
    if (c.kind == DemoChange::kPay) {
      salary = c.step == "pay-rise-cp-01" ? kTruePayRisePence : c.salary_pence;
    }
    if (c.kind == DemoChange::kLeave && mid <= c.leave_end) paid_share = c.paid_share_bp;
  }
  (void)wte;  // salary is recorded at the member's WTE
  const int64_t annual = salary + demo::OnCosts(salary);
  return annual * paid_share / 10000 / 12;
}

bool DemoLoader::ApprovedTotal(const DemoPcn& pcn, const std::string& claim,
                               const v1::CommandResult& assessed, int64_t* total) {
  v1::ExplainRequest req;
  req.set_pcn_code(pcn.code);
  req.set_claim_id(claim);
  v1::Explanation e;
  auto call = ctx_.NewCall(pcn.icb_token);
  grpc::Status s = queries_->ExplainClaim(call.get(), req, &e);
  if (!s.ok()) {
    ReportRpcError(s, "demo: explain " + pcn.code + " " + claim);
    return false;
  }
  (void)assessed;
  std::map<int, int64_t> approved;
  for (const v1::AssessedLine& l : e.lines()) {
    approved[l.line_no()] = l.approved_pence();
    ++outcomes_[OutcomeName(l.outcome())];
    ++lines_;
  }
  for (const v1::ClaimLineReduced& r : e.reductions()) approved[r.line_no()] = r.approved_pence();
  *total = 0;
  for (const auto& [line, pence] : approved) *total += pence;
  return true;
}

bool DemoLoader::LoadClaims(size_t index, const DemoPcn& pcn, const std::vector<DemoStaff>& staff,
                            const std::vector<DemoChange>& changes) {
  for (CivilDay month : demo::ClaimMonths()) {
    const std::string claim = Month(month);
    v1::SubmitClaimRequest sub;
    sub.set_pcn_code(pcn.code);
    sub.set_claim_id(claim);
    *sub.mutable_month() = ToProtoDate(month);
    int line_no = 0;
    for (const DemoStaff& s : staff) {
      const int64_t cost = MonthlyCost(s, changes, month);
      if (cost <= 0) continue;
      v1::ClaimLine* line = sub.add_lines();
      line->set_line_no(++line_no);
      line->set_staff_id(s.id);
      line->set_actual_cost_pence(cost);
    }
    if (line_no == 0) continue;
    const std::string step = absl::StrCat(pcn.code, ":claim:", claim);
    if (!Send(&v1::CommandService::Stub::SubmitClaim, pcn.pcn_token, step + ":submit", sub)) {
      return false;
    }
    ++claims_;
    v1::AssessClaimRequest as;
    as.set_pcn_code(pcn.code);
    as.set_claim_id(claim);
    v1::CommandResult assessed;
    if (!Send(&v1::CommandService::Stub::AssessClaim, pcn.icb_token, step + ":assess", as,
              &assessed)) {
      return false;
    }
    // Meadows, November 2023: the reviewer reduces the pharmacist's line by £450.
    if (index == 1 && claim == "2023-11") {
      int64_t line1 = 0;
      v1::ExplainRequest ex;
      ex.set_pcn_code(pcn.code);
      ex.set_claim_id(claim);
      ex.set_line_no(1);
      v1::Explanation e;
      auto call = ctx_.NewCall(pcn.icb_token);
      if (queries_->ExplainClaim(call.get(), ex, &e).ok() && e.lines_size() > 0) {
        line1 = e.lines(0).approved_pence();
      }
      if (line1 > 45000) {
        v1::ReduceClaimLineRequest rd;
        rd.set_pcn_code(pcn.code);
        rd.set_claim_id(claim);
        rd.set_line_no(1);
        rd.set_approved_pence(line1 - 45000);
        if (!Send(&v1::CommandService::Stub::ReduceClaimLine, pcn.icb_token, step + ":reduce",
                  rd, nullptr,
                  "Timesheets show 3 unpaid days of leave in November not deducted from the "
                  "claim")) {
          return false;
        }
      }
    }
    int64_t total = 0;
    if (!ApprovedTotal(pcn, claim, assessed, &total)) return false;
    if (total <= 0) continue;
    v1::PayClaimRequest pay;
    pay.set_pcn_code(pcn.code);
    pay.set_claim_id(claim);
    CivilDay next = LastDayOfMonth(month) + 1;
    *pay.mutable_paid_on() = ToProtoDate(CivilDay(next.year(), next.month(), 20));
    pay.set_amount_pence(total);
    pay.set_payment_reference(absl::StrCat(pcn.icb, "-", pcn.code, "-", claim));
    if (!Send(&v1::CommandService::Stub::PayClaim, pcn.icb_token, step + ":pay", pay)) {
      return false;
    }
    ++paid_claims_;
    paid_pence_ += total;
  }
  return true;
}

bool DemoLoader::Correct() {
  // Riverside: the pay rise keyed as £46,500 is replaced with the contract's £45,600.
  v1::CorrectRequest pay;
  pay.set_pcn_code("U10001");
  pay.set_corrects_position(positions_["U10001:pay-rise-cp-01"]);
  v1::PayChanged* p = pay.mutable_replacement()->mutable_pay_changed();
  p->set_staff_id("CP-01");
  p->set_annual_salary_pence(kTruePayRisePence);
  p->set_annual_on_costs_pence(demo::OnCosts(kTruePayRisePence));
  if (!Send(&v1::CommandService::Stub::Correct, demo::kAdminToken, "U10001:correct-pay-rise",
            pay, nullptr, "Pay rise keyed as £46,500; the contract variation says £45,600")) {
    return false;
  }
  // City Central: an FTE change recorded against the wrong pharmacist is reversed.
  v1::CorrectRequest fte;
  fte.set_pcn_code("U20004");
  fte.set_corrects_position(positions_["U20004:fte-cp-02"]);
  fte.set_reverse(true);
  return Send(&v1::CommandService::Stub::Correct, demo::kAdminToken, "U20004:reverse-fte",
              fte, nullptr, "FTE change recorded against the wrong member of staff (CP-02, "
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
  for (const auto& [from, wte] : {std::pair{CivilDay(2024, 8, 1), 8000},
                                  std::pair{CivilDay(2024, 12, 1), 10000}}) {
    v1::StaffChangeRequest fte;
    fte.set_pcn_code(harbour.code);
    fte.set_staff_id("CP-02");
    *fte.mutable_effective_date() = ToProtoDate(from);
    fte.mutable_fte_changed()->set_wte_bp(wte);
    v1::CommandResult result;
    if (!Send(&v1::CommandService::Stub::ChangeStaff, harbour.pcn_token,
              absl::StrCat("U20003:late-fte-cp-02:", FormatCivilDay(from)), fte, &result,
              reason)) {
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

int DemoLoader::Run() {
  demo::RulesPlan rules_plan;
  if (!rules_dir_.empty()) {
    absl::StatusOr<demo::RulesPlan> plan = demo::PlanRules(rules_dir_);
    if (!plan.ok()) return ReportError(plan.status());
    rules_plan = *std::move(plan);
    uint64_t first = 0;
    if (!PublishRules(rules_plan.before_data, &first)) return kExitFailed;
  }
  v1::RulesRequest rules;
  rules.set_financial_year(2019);
  v1::RulesResponse published;
  auto call = ctx_.NewCall(demo::kAuditorToken);
  grpc::Status s = queries_->GetRules(call.get(), rules, &published);
  if (!s.ok()) {
    ReportRpcError(s, "the 2019/20 rules are not available");
    std::fprintf(stderr, "hint: start the server with the demo tokens, and publish the shipped "
                         "rules:\n  arrsd --data data --tokens config/demo-tokens.txt &\n"
                         "  arrsctl demo --rules-dir rules\n");
    return kExitFailed;
  }
  const std::vector<DemoPcn> pcns = demo::Pcns();
  for (size_t i = 0; i < pcns.size(); ++i) {
    const std::vector<DemoStaff> staff = demo::StaffOf(i);
    const std::vector<DemoChange> changes = demo::ChangesOf(i);
    if (!LoadPcn(i, pcns[i]) || !LoadStaff(pcns[i], staff, changes) ||
        !LoadClaims(i, pcns[i], staff, changes)) {
      return kExitFailed;
    }
    if (isatty(2)) std::fprintf(stderr, "loaded %s (%s)\n", pcns[i].code.c_str(),
                                pcns[i].name.c_str());
  }
  if (!Correct() || !Restate()) return kExitFailed;
  uint64_t late_published = 0;
  if (!PublishRules(rules_plan.late, &late_published)) return kExitFailed;

  std::printf("ARRS demonstration loaded into %s\n\n", ctx_.options.server.c_str());
  std::printf("  PCNs     4 in 2 ICBs: QWE (U10001 Riverside 28,000 patients, U10002 Meadows "
              "52,000)\n           and QKK (U20003 Harbour 76,000, U20004 City Central "
              "118,000)\n");
  std::printf("  staff    %d across %zu roles, hired 2019-2024\n", staff_, roles_.size());
  std::printf("  claims   %d monthly claims, %d lines, %d paid (%s)\n", claims_, lines_,
              paid_claims_, FormatPounds(paid_pence_).c_str());
  std::printf("  restated U20003's CP-02 at 0.8 WTE Aug-Nov 2024, reported late: %s "
              "overpaid,\n           recovered from the February 2025 payment\n",
              FormatPounds(recovered_pence_).c_str());
  if (!rules_plan.late.empty()) {
    std::printf("  rules    %s published after the year's claims were paid%s\n",
                rules_plan.late.back().version().c_str(),
                late_published ? " (its effect below)" : " (already published: see `arrsctl arrears`)");
  }
  std::printf("  outcomes");
  for (const auto& [name, count] : outcomes_) std::printf(" %s=%d", name.c_str(), count);
  std::printf("\n  events   %llu new, %llu of %llu requests already recorded; last demo event at position "
              "%llu\n\n",
              static_cast<unsigned long long>(written_),
              static_cast<unsigned long long>(deduplicated_),
              static_cast<unsigned long long>(requests_), static_cast<unsigned long long>(head_));
  if (late_published != 0) {
    PrintPublicationEffect(ctx_, demo::kLateRulesYear, late_published);
    std::printf("\n");
  }
  std::printf(
      "Try (as the auditor: export ARRS_TOKEN=demo-auditor-token):\n"
      "  arrsctl pcn list\n"
      "  arrsctl balance U10002 --year 2023/24\n"
      "  arrsctl balance U10002 --year 2023/24 --as-of 2023-12-31 --csv\n"
      "  arrsctl caps U10001 --as-of 2021-02-28      a pharmacy technician over the cap\n"
      "  arrsctl explain U10001 2021-02              the refused line, and why\n"
      "  arrsctl explain U10001 2022-11 --csv        a third advanced practitioner over the cap\n"
      "  arrsctl explain U10002 2023-11 --line 1     a line reduced by the commissioner\n"
      "  arrsctl explain U10001 2024-11 --line 1     priced after the 1 October 2024 uplift\n"
      "  arrsctl workforce U20004 --as-of 2025-03-31\n"
      "  arrsctl region --as-of 2025-03-31\n"
      "  arrsctl audit U10001 --staff CP-01          a pay rise replaced by the admin\n"
      "  arrsctl audit U20004 --staff CP-02          an FTE change reversed\n"
      "  arrsctl explain U20003 2024-11              a paid line priced again after a late FTE change\n"
      "  arrsctl balance U20003 --year 2024/25       paid, recovered and still owed\n"
      "  arrsctl arrears                             what every PCN is owed or owes, with causes\n"
      "  arrsctl arrears --year 2024/25              lines priced by a rule version published late\n"
      "  arrsctl rules show --year 2024/25\n"
      "  arrsctl verify && arrsctl stats\n");
  return kExitOk;
}

struct DemoOptions {
  std::string rules_dir;
};

}  // namespace

void AddDemoCommand(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<DemoOptions>();
  CLI::App* c = app.add_subcommand(
      "demo", "Load a demonstration: 4 PCNs in 2 ICBs, staff 2019-2025, monthly claims "
              "assessed and paid, a reduction, corrections (idempotent)");
  c->footer(Example("  arrsd --data /tmp/arrs-demo --tokens config/demo-tokens.txt &\n"
                    "  arrsctl demo --rules-dir rules"));
  c->add_option("--rules-dir", o->rules_dir,
                 "Publish the rule files of DIR too (arrsd started without --rules-dir): "
                 "2024/25's later versions after that year's claims are paid, as a rule "
                 "book published late");
  OnRun(c, ctx, o, [](Context& cx, const DemoOptions& opts) {
    return DemoLoader(cx, opts.rules_dir).Run();
  });
}

}  // namespace arrs::cli
