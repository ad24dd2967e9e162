#include "bench/national/history.h"

#include <algorithm>
#include <map>
#include <optional>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "ledger/util/civil_date.h"

namespace arrs::bench {
namespace {

using absl::CivilDay;

constexpr int kFirstYear = 2019;
constexpr int kLastYear = 2025;  // 2025/26, the last year of the shipped rule book
// Staff in post per 50,000 registered patients at March 2026 (about 40,000 nationally).
constexpr int kStaffPer50k = 32;
// Share of the March 2026 workforce in post at the end of each financial year, percent.
constexpr int kGrowthPercent[] = {8, 25, 45, 65, 82, 92, 100};
constexpr int64_t kOnCostsPercent = 26;
// 2019/20 had no per-patient rate in the rule book: the generator gives a sum instead.
constexpr int64_t k2019PencePerWeightedPatient = 181;

// A small deterministic random source (same sequence on every platform).
class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  // Uniform in [lo, hi].
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(engine_() % static_cast<uint64_t>(hi - lo + 1));
  }
  // True with probability per_10000 / 10,000.
  bool Chance(int per_10000) { return Between(0, 9999) < per_10000; }

 private:
  std::mt19937_64 engine_;
};

// Relative hiring weights of the roles (among those eligible on the hire date).
int RoleWeight(v1::Role role) {
  switch (role) {
    case v1::CLINICAL_PHARMACIST: return 20;
    case v1::SOCIAL_PRESCRIBING_LINK_WORKER: return 12;
    case v1::CARE_COORDINATOR: return 14;
    case v1::PHARMACY_TECHNICIAN: return 8;
    case v1::FIRST_CONTACT_PHYSIOTHERAPIST: return 7;
    case v1::HEALTH_AND_WELLBEING_COACH: return 5;
    case v1::PARAMEDIC: return 5;
    case v1::ADVANCED_PRACTITIONER: return 6;
    case v1::MENTAL_HEALTH_PRACTITIONER: return 5;
    case v1::PHYSICIAN_ASSOCIATE: return 4;
    case v1::GP_ASSISTANT: return 6;
    case v1::GENERAL_PRACTITIONER: return 8;
    case v1::ENHANCED_PRACTICE_NURSE: return 3;
    case v1::NURSING_ASSOCIATE:
    case v1::OCCUPATIONAL_THERAPIST: return 2;
    default: return 1;
  }
}

struct SimStaff {
  std::string id;
  v1::Role role;
  CivilDay first_day;                 // start (or hire) date
  std::optional<CivilDay> last_day;   // leaving date
  int32_t wte_bp = 10000;
  int64_t annual_total_pence = 0;     // salary + on-costs at this WTE
};

int64_t OnCosts(int64_t salary) { return salary * kOnCostsPercent / 100; }
int64_t SalaryForTotal(int64_t total) { return total * 100 / (100 + kOnCostsPercent); }

v1::CommandHeader Header(const std::string& pcn, int* seq) {
  v1::CommandHeader h;
  h.set_request_id(absl::StrFormat("nat/%s/%05d", pcn, (*seq)++));
  return h;
}

class PcnGenerator {
 public:
  PcnGenerator(const std::vector<v1::FinancialYearRules>& rules, uint64_t seed, int index)
      : rules_(rules), rng_(seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(index) + 1),
        index_(index) {}

  PcnScript Run() {
    script_.pcn_code = absl::StrFormat("U%06d", index_ + 1);
    script_.icb_code = absl::StrFormat("Q%02d", index_ % NationalHistory::kIcbCount + 1);
    list_size_ = DrawListSize();
    script_.list_size_2019 = list_size_;
    weighted_ratio_milli_ = rng_.Between(880, 1120);
    target_ = std::max<int64_t>(3, (list_size_ * kStaffPer50k + 25000) / 50000);
    Register();
    for (int year = kFirstYear; year <= kLastYear; ++year) {
      for (int m = 0; m < 12; ++m) Month(year, CivilDay(year, 4 + m, 1));
    }
    return std::move(script_);
  }

 private:
  int64_t DrawListSize() {
    const int64_t band = rng_.Between(0, 99);
    if (band < 8) return rng_.Between(20000, 30000);
    if (band < 88) return (rng_.Between(30000, 70000) + rng_.Between(30000, 70000)) / 2;
    if (band < 97) return rng_.Between(70000, 100000);
    return rng_.Between(100000, 150000);
  }

  void Register() {
    v1::RegisterPcnRequest r;
    *r.mutable_header() = Header(script_.pcn_code, &seq_);
    r.set_pcn_code(script_.pcn_code);
    r.set_name(absl::StrCat("Network ", index_ + 1, " PCN"));
    r.set_icb_code(script_.icb_code);
    const int practices = static_cast<int>(std::clamp<int64_t>(list_size_ / 9000, 2, 12));
    for (int p = 0; p < practices; ++p) {
      v1::Practice* practice = r.add_member_practices();
      practice->set_ods_code(absl::StrFormat("P%06d%02d", index_ + 1, p));
      practice->set_name(absl::StrCat("Practice ", p + 1, " of network ", index_ + 1));
    }
    *r.mutable_effective_date() = ToProtoDate(CivilDay(2019, 7, 1));
    script_.commands.push_back(std::move(r));

    v1::RecordBaselineRequest baseline;
    *baseline.mutable_header() = Header(script_.pcn_code, &seq_);
    baseline.set_pcn_code(script_.pcn_code);
    if (rng_.Chance(3500)) {
      v1::RoleBaseline* b = baseline.add_roles();
      b->set_role(v1::CLINICAL_PHARMACIST);
      b->set_headcount(1);
      b->set_wte_bp(static_cast<int32_t>(rng_.Between(5, 10) * 1000));
    }
    if (rng_.Chance(2000)) {
      v1::RoleBaseline* b = baseline.add_roles();
      b->set_role(v1::SOCIAL_PRESCRIBING_LINK_WORKER);
      b->set_headcount(1);
      b->set_wte_bp(10000);
    }
    if (baseline.roles_size() > 0) script_.commands.push_back(std::move(baseline));
  }

  const v1::FinancialYearRules* RulesFor(CivilDay day) const {
    const int year = FinancialYearOf(day);
    for (const v1::FinancialYearRules& r : rules_) {
      if (r.financial_year() == year) return &r;
    }
    return nullptr;
  }

  void NewYear(int year) {
    list_size_ += list_size_ * rng_.Between(0, 20) / 1000;  // 0-2% growth a year
    v1::RecordListSizeRequest ls;
    *ls.mutable_header() = Header(script_.pcn_code, &seq_);
    ls.set_pcn_code(script_.pcn_code);
    *ls.mutable_reference_date() = ToProtoDate(CivilDay(year, 1, 1));
    ls.set_registered_list_size(list_size_);
    ls.set_weighted_population_milli(list_size_ * weighted_ratio_milli_);
    script_.commands.push_back(std::move(ls));

    v1::SetEntitlementRequest e;
    *e.mutable_header() = Header(script_.pcn_code, &seq_);
    e.set_pcn_code(script_.pcn_code);
    e.set_financial_year(year);
    const v1::FinancialYearRules* rules = RulesFor(FinancialYearStart(year));
    if (rules != nullptr && rules->entitlement().rate_per_patient_millipence() > 0) {
      e.set_derive_from_weighted_population(true);
    } else {
      e.set_sum_pence(list_size_ * weighted_ratio_milli_ / 1000 * k2019PencePerWeightedPatient);
    }
    script_.commands.push_back(std::move(e));
  }

  // Roles reimbursable on `day`, with their annual maximum in force (0 when unknown).
  std::vector<std::pair<v1::Role, int64_t>> EligibleRoles(CivilDay day) const {
    std::vector<std::pair<v1::Role, int64_t>> out;
    const v1::FinancialYearRules* rules = RulesFor(day);
    if (rules == nullptr) return out;
    for (const v1::RoleRule& role : rules->roles()) {
      const CivilDay from = IsUnset(role.eligible_from()) ? FinancialYearStart(rules->financial_year())
                                                          : *ToCivilDay(role.eligible_from(), "");
      const CivilDay to = IsUnset(role.eligible_to()) ? FinancialYearEnd(rules->financial_year())
                                                      : *ToCivilDay(role.eligible_to(), "");
      if (day < from || day > to) continue;
      int64_t maximum = 0;
      for (const v1::MaxAmount& m : role.max_amounts()) {
        if (!IsUnset(m.effective_from()) && *ToCivilDay(m.effective_from(), "") > day) continue;
        maximum = m.annual_max_pence();
      }
      out.emplace_back(role.role(), maximum);
    }
    return out;
  }

  int InPostWithRole(v1::Role role, CivilDay day) const {
    int n = 0;
    for (const SimStaff& s : staff_) {
      n += s.role == role && s.first_day <= day && (!s.last_day || *s.last_day >= day);
    }
    return n;
  }

  // Keeps hiring within the caps most PCNs respect (advanced practitioners and, before
  // 2023/24, mental health practitioners); a few breaches are left to the assessment.
  bool WithinUsualCaps(v1::Role role, CivilDay day) const {
    const bool large = list_size_ >= 100000;
    if (role == v1::ADVANCED_PRACTITIONER) {
      const int cap = day >= CivilDay(2023, 4, 1) ? (large ? 6 : 3) : (large ? 3 : 2);
      return InPostWithRole(role, day) < cap;
    }
    if (role == v1::MENTAL_HEALTH_PRACTITIONER && day < CivilDay(2023, 4, 1)) {
      return InPostWithRole(role, day) < std::max<int64_t>(1, list_size_ / 50000);
    }
    return true;
  }

  void Hire(CivilDay month) {
    const CivilDay hired = month + static_cast<int>(rng_.Between(0, 13));
    std::vector<std::pair<v1::Role, int64_t>> roles = EligibleRoles(hired);
    int total_weight = 0;
    for (const auto& [role, max] : roles) total_weight += RoleWeight(role);
    if (total_weight == 0) return;
    int64_t pick = rng_.Between(0, total_weight - 1);
    v1::Role role = roles.front().first;
    int64_t maximum = roles.front().second;
    for (const auto& [r, max] : roles) {
      pick -= RoleWeight(r);
      if (pick < 0) {
        role = r;
        maximum = max;
        break;
      }
    }
    if (!WithinUsualCaps(role, hired) && !rng_.Chance(500)) return;
    SimStaff s;
    s.id = absl::StrFormat("S%04d", ++staff_seq_);
    s.role = role;
    s.wte_bp = rng_.Chance(7000) ? 10000 : static_cast<int32_t>(rng_.Between(4, 9) * 1000);
    const int64_t whole_time = maximum > 0 ? maximum * rng_.Between(80, 105) / 100
                                           : rng_.Between(32000, 60000) * 100;
    s.annual_total_pence = whole_time * s.wte_bp / 10000;
    s.first_day = hired;

    v1::HireStaffRequest h;
    *h.mutable_header() = Header(script_.pcn_code, &seq_);
    h.set_pcn_code(script_.pcn_code);
    h.set_staff_id(s.id);
    h.set_role(role);
    h.set_band(role == v1::GENERAL_PRACTITIONER ? "" : absl::StrCat(rng_.Between(4, 8)));
    // Most MHPs are employed by the mental health trust and shared 50:50 (fixed, so that
    // the rest of the history draws the same numbers as before MHP hires carried it).
    if (role == v1::MENTAL_HEALTH_PRACTITIONER) h.set_mhp_funding(v1::MHP_SHARED_50);
    const int64_t model = rng_.Between(0, 9);
    h.set_employment_model(model < 6 ? v1::MEMBER_PRACTICES_JOINTLY
                                     : model < 8 ? v1::LEAD_PRACTICE : v1::THIRD_PARTY);
    if (model == 7) h.set_employer_name(absl::StrFormat("P%06d00", index_ + 1));
    if (model >= 8) h.set_employer_name(absl::StrCat("Community Trust ", index_ % 97 + 1));
    *h.mutable_hire_date() = ToProtoDate(hired);
    h.set_wte_bp(s.wte_bp);
    const int64_t salary = SalaryForTotal(s.annual_total_pence);
    h.set_annual_salary_pence(salary);
    h.set_annual_on_costs_pence(OnCosts(salary));
    s.annual_total_pence = salary + OnCosts(salary);
    h.set_display_name(absl::StrCat("Staff ", staff_seq_, " of ", script_.pcn_code));
    script_.commands.push_back(std::move(h));

    if (rng_.Chance(4000)) {  // a start date recorded after the hire
      s.first_day = hired + static_cast<int>(rng_.Between(0, 13));
      v1::StaffChangeRequest start = Change(s.id, s.first_day);
      start.mutable_started();
      script_.commands.push_back(std::move(start));
    }
    staff_.push_back(std::move(s));
  }

  v1::StaffChangeRequest Change(const std::string& staff_id, CivilDay day) {
    v1::StaffChangeRequest c;
    *c.mutable_header() = Header(script_.pcn_code, &seq_);
    c.set_pcn_code(script_.pcn_code);
    c.set_staff_id(staff_id);
    *c.mutable_effective_date() = ToProtoDate(day);
    return c;
  }

  void PayChange(SimStaff& s, CivilDay day, int64_t new_total) {
    const int64_t salary = SalaryForTotal(new_total);
    s.annual_total_pence = salary + OnCosts(salary);
    v1::StaffChangeRequest c = Change(s.id, day);
    c.mutable_pay_changed()->set_annual_salary_pence(salary);
    c.mutable_pay_changed()->set_annual_on_costs_pence(OnCosts(salary));
    script_.commands.push_back(std::move(c));
  }

  void Month(int year, CivilDay month) {
    if (month.month() == 4) NewYear(year);
    const CivilDay last = LastDayOfMonth(month);
    for (SimStaff& s : staff_) {
      if (s.last_day || s.first_day > month) continue;
      if (month.month() == 4 && s.first_day < month && rng_.Chance(6000)) {
        PayChange(s, month, s.annual_total_pence * rng_.Between(1030, 1060) / 1000);
      } else if (rng_.Chance(50)) {  // a new FTE, with pay to match
        const int32_t wte = static_cast<int32_t>(rng_.Between(5, 10) * 1000);
        if (wte != s.wte_bp) {
          const CivilDay day = month + static_cast<int>(rng_.Between(0, 27));
          v1::StaffChangeRequest c = Change(s.id, day);
          c.mutable_fte_changed()->set_wte_bp(wte);
          script_.commands.push_back(std::move(c));
          PayChange(s, day, s.annual_total_pence * wte / s.wte_bp);
          s.wte_bp = wte;
        }
      } else if (rng_.Chance(20)) {  // parental leave at half pay
        const CivilDay from = month + static_cast<int>(rng_.Between(0, 20));
        v1::StaffChangeRequest c = Change(s.id, from);
        c.mutable_leave()->set_kind(v1::PARENTAL);
        *c.mutable_leave()->mutable_end_date() =
            ToProtoDate(from + static_cast<int>(rng_.Between(90, 180)));
        c.mutable_leave()->set_paid_share_bp(5000);
        script_.commands.push_back(std::move(c));
      } else if (rng_.Chance(100)) {  // about 12% leave a year
        s.last_day = month + static_cast<int>(rng_.Between(0, DaysInMonth(month) - 1));
        v1::StaffChangeRequest c = Change(s.id, *s.last_day);
        c.mutable_left()->set_leaving_reason("moved on");
        script_.commands.push_back(std::move(c));
      }
    }
    // Grow towards this month's share of the March 2026 workforce.
    const int fy = year - kFirstYear;
    const int before = fy == 0 ? 0 : kGrowthPercent[fy - 1];
    const int share = before + (kGrowthPercent[fy] - before) * (month.month() >= 4
                                                                    ? month.month() - 3
                                                                    : month.month() + 9) / 12;
    const int64_t wanted = target_ * share / 100;
    int64_t in_post = 0;
    for (const SimStaff& s : staff_) in_post += !s.last_day || *s.last_day > last;
    for (int64_t i = in_post; i < wanted; ++i) Hire(month);
    Claim(month);
    for (auto it = corrections_due_.begin(); it != corrections_due_.end();) {
      if (it->first <= month) {
        script_.commands.push_back(std::move(it->second));
        it = corrections_due_.erase(it);
      } else {
        ++it;
      }
    }
  }

  void Claim(CivilDay month) {
    const CivilDay last = LastDayOfMonth(month);
    const int days = DaysInMonth(month);
    ClaimCycle cycle;
    v1::SubmitClaimRequest& submit = cycle.submit;
    *submit.mutable_header() = Header(script_.pcn_code, &seq_);
    submit.set_pcn_code(script_.pcn_code);
    submit.set_claim_id(FormatCivilDay(month).substr(0, 7));
    *submit.mutable_month() = ToProtoDate(month);
    for (const SimStaff& s : staff_) {
      const CivilDay from = std::max(s.first_day, month);
      const CivilDay to = s.last_day ? std::min(*s.last_day, last) : last;
      if (from > to) continue;
      v1::ClaimLine* line = submit.add_lines();
      line->set_line_no(submit.lines_size());
      line->set_staff_id(s.id);
      line->set_actual_cost_pence(s.annual_total_pence / 12 * (to - from + 1) / days);
    }
    if (submit.lines_size() == 0) return;
    cycle.paid_on = ToProtoDate(last + 20);
    if (rng_.Chance(300)) {  // a payroll figure keyed wrongly, corrected two months on
      ClaimCorrection fix;
      fix.pcn_code = script_.pcn_code;
      fix.claim_id = submit.claim_id();
      fix.request_id = Header(script_.pcn_code, &seq_).request_id();
      fix.replacement.set_claim_id(submit.claim_id());
      *fix.replacement.mutable_month() = submit.month();
      *fix.replacement.mutable_lines() = submit.lines();
      v1::ClaimLine* wrong = fix.replacement.mutable_lines(
          static_cast<int>(rng_.Between(0, submit.lines_size() - 1)));
      wrong->set_actual_cost_pence(wrong->actual_cost_pence() * 9 / 10);
      corrections_due_.emplace_back(month + 62, std::move(fix));
    }
    script_.commands.push_back(std::move(cycle));
  }

  const std::vector<v1::FinancialYearRules>& rules_;
  Random rng_;
  int index_;
  PcnScript script_;
  int seq_ = 0;
  int staff_seq_ = 0;
  int64_t list_size_ = 0;
  int64_t weighted_ratio_milli_ = 1000;
  int64_t target_ = 0;
  std::vector<SimStaff> staff_;
  std::vector<std::pair<CivilDay, Command>> corrections_due_;
};

}  // namespace

NationalHistory::NationalHistory(HistoryOptions options, std::vector<v1::FinancialYearRules> rules)
    : options_(options), rules_(std::move(rules)) {}

PcnScript NationalHistory::Generate(int index) const {
  return PcnGenerator(rules_, options_.seed, index).Run();
}

uint64_t NationalHistory::ExpectedEvents(const PcnScript& script) {
  uint64_t events = 0;
  for (const Command& c : script.commands) {
    events += std::holds_alternative<ClaimCycle>(c) ? 3 : std::holds_alternative<ClaimCorrection>(c) ? 2 : 1;
  }
  return events;
}

}  // namespace arrs::bench
