// arrsctl demo: loads the demonstration data set (demo_data.cc) through the server API,
// with the principal each step belongs to (commissioners register, assess and pay; PCN
// services hire and claim; the admin corrects). Every request id is "demo:<step>", so a
// second run writes nothing new. With --rules-dir it publishes the rule book too, one
// year's later versions after that year's claims (demo_rules.h).
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
namespace {

using demo::DemoChange;
using demo::DemoPcn;
using demo::DemoStaff;

}  // namespace

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
  rules.set_financial_year(kFirstFinancialYear);
  v1::RulesResponse published;
  auto call = ctx_.NewCall(demo::kAuditorToken);
  grpc::Status s = queries_->GetRules(call.get(), rules, &published);
  if (!s.ok()) {
    ReportRpcError(s, "the 2019/20 rules are not available");
    std::fprintf(stderr,
                 "hint: start the server with the demo tokens, and publish the shipped "
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
    if (isatty(2))
      std::fprintf(stderr, "loaded %s (%s)\n", pcns[i].code.c_str(), pcns[i].name.c_str());
  }
  if (!Correct() || !Restate()) return kExitFailed;
  uint64_t late_published = 0;
  if (!PublishRules(rules_plan.late, &late_published)) return kExitFailed;

  PrintSummary(rules_plan, late_published);
  return kExitOk;
}

void DemoLoader::PrintSummary(const demo::RulesPlan& rules_plan, uint64_t late_published) const {
  std::printf("ARRS demonstration loaded into %s\n\n", ctx_.options.server.c_str());
  std::printf(
      "  PCNs     4 in 2 ICBs: QWE (U10001 Riverside 28,000 patients, U10002 Meadows "
      "52,000)\n           and QKK (U20003 Harbour 76,000, U20004 City Central "
      "118,000)\n");
  std::printf("  staff    %d across %zu roles, hired 2019-2024\n", staff_, roles_.size());
  std::printf("  claims   %d monthly claims, %d lines, %d paid (%s)\n", claims_, lines_,
              paid_claims_, FormatPounds(paid_pence_).c_str());
  std::printf(
      "  restated U20003's CP-02 at 0.8 WTE Aug-Nov 2024, reported late: %s "
      "overpaid,\n           recovered from the February 2025 payment\n",
      FormatPounds(recovered_pence_).c_str());
  if (!rules_plan.late.empty()) {
    std::printf(
        "  rules    %s published after the year's claims were paid%s\n",
        rules_plan.late.back().version().c_str(),
        late_published ? " (its effect below)" : " (already published: see `arrsctl arrears`)");
  }
  std::printf("  outcomes");
  for (const auto& [name, count] : outcomes_) std::printf(" %s=%d", name.c_str(), count);
  std::printf(
      "\n  events   %llu new, %llu of %llu requests already recorded; last demo event at position "
      "%llu\n\n",
      static_cast<unsigned long long>(written_), static_cast<unsigned long long>(deduplicated_),
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
      "  arrsctl explain U20003 2024-11              a paid line priced again after a late FTE "
      "change\n"
      "  arrsctl balance U20003 --year 2024/25       paid, recovered and still owed\n"
      "  arrsctl arrears                             what every PCN is owed or owes, with causes\n"
      "  arrsctl arrears --year 2024/25              lines priced by a rule version published "
      "late\n"
      "  arrsctl rules show --year 2024/25\n"
      "  arrsctl verify && arrsctl stats\n");
}

namespace {

struct DemoOptions {
  std::string rules_dir;
};

}  // namespace

void AddDemoCommand(CLI::App& app, Context& ctx) {
  AddCommand<DemoOptions>(
      &app, ctx,
      {"demo",
       "Load a demonstration: 4 PCNs in 2 ICBs, staff 2019-2025, monthly claims assessed and "
       "paid, a reduction, corrections (idempotent)",
       {{"--rules-dir", &DemoOptions::rules_dir,
         "Publish the rule files of DIR too (arrsd started without --rules-dir): 2024/25's "
         "later versions after that year's claims are paid, as a rule book published late"}},
       "  arrsd --data /tmp/arrs-demo --tokens config/demo-tokens.txt &\n"
       "  arrsctl demo --rules-dir rules",
       [](Context& cx, const DemoOptions& o) { return DemoLoader(cx, o.rules_dir).Run(); }});
}

}  // namespace arrs::cli
