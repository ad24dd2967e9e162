// The demonstration data set of `arrsctl demo`: four PCNs of different list sizes in two
// ICBs, their staff across the ARRS roles hired 2019-2025, and the staff changes that
// give every query something to show. Plain data; demo.cc loads it through the API.
#ifndef ARRS_CLI_DEMO_DATA_H_
#define ARRS_CLI_DEMO_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/common.pb.h"
#include "arrs/v1/rules.pb.h"

namespace arrs::cli::demo {

// The plain demo tokens of config/demo-tokens.txt (demo only).
inline constexpr char kAdminToken[] = "demo-admin-token";
inline constexpr char kAuditorToken[] = "demo-auditor-token";

struct DemoPcn {
  std::string code, name, icb, icb_token, pcn_token;
  int64_t list_size_2019 = 0;          // registered patients on 1 January 2019
  int32_t weighted_ratio_milli = 1000;  // weighted population per registered patient x1000
  std::vector<std::pair<std::string, std::string>> practices;  // ODS code, name
  std::vector<std::tuple<v1::Role, int, int32_t>> baseline;     // role, headcount, WTE bp
};

struct DemoStaff {
  std::string id;
  v1::Role role;
  std::string band;
  v1::EmploymentModel employment;
  std::string employer;
  absl::CivilDay hired;
  int32_t wte_bp;
  int64_t salary_pence;  // annual, at this WTE
  std::string name;
  // Mental health practitioners only: the funding arrangement (StaffHired.mhp_funding).
  v1::MhpFunding mhp_funding = v1::MHP_FUNDING_UNSPECIFIED;
};

// A change to one member of staff after hiring.
struct DemoChange {
  enum Kind { kStart, kFte, kPay, kLeave, kLeft } kind;
  std::string staff_id;
  absl::CivilDay date;
  int32_t wte_bp = 0;          // kFte
  int64_t salary_pence = 0;    // kPay
  absl::CivilDay leave_end;    // kLeave
  int32_t paid_share_bp = 0;   // kLeave
  std::string text;            // leaving reason, leave kind
  std::string step;            // request-id step name, referred to by corrections
};

std::vector<DemoPcn> Pcns();
// Staff and changes of one PCN (by index into Pcns()).
std::vector<DemoStaff> StaffOf(size_t pcn_index);
std::vector<DemoChange> ChangesOf(size_t pcn_index);

// The claimed months: three in 2019/20, then four a year to February 2026.
std::vector<absl::CivilDay> ClaimMonths();

// Employer on-costs (NI and pension) the demo assumes: 26% of salary.
int64_t OnCosts(int64_t salary_pence);

}  // namespace arrs::cli::demo

#endif  // ARRS_CLI_DEMO_DATA_H_
