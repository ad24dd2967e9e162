// arrsctl balance | caps | workforce | region | explain | rules show | rules coverage
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "ledger/rules/coverage.h"
#include "ledger/rules/figure.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::cli {
namespace {

struct QueryOptions {
  std::string pcn, claim, year, icb;
  int line_no = 0;
};

std::string Pos(uint64_t position) { return absl::StrCat("log position ", position); }

// The action of a query about one PCN and nothing more (caps, workforce): `method` asked
// about the PCN given, its answer printed by `print`.
template <typename Request, typename Response>
std::function<int(Context&, const QueryOptions&)> PcnQuery(
    grpc::Status (QueryStub::*method)(grpc::ClientContext*, const Request&, Response*),
    const std::string& what, int (*print)(const Context&, const Response&)) {
  return [method, what, print](Context& ctx, const QueryOptions& o) {
    Request req;
    req.set_pcn_code(o.pcn);
    return QueryAndPrint(ctx, method, &req, what, print);
  };
}

int PrintBalance(const Context& ctx, const v1::BalanceRequest& req, const v1::Balance& b) {
  Table table({"claim", "month", "status", "claimed", "approved", "paid"});
  table.RightAlign({3, 4, 5});
  for (const v1::ClaimSummary& c : b.claims()) {
    table.AddRow({c.claim_id(), DateText(c.month()).substr(0, 7), c.status(),
                  Money(ctx, c.claimed_pence()), Money(ctx, c.approved_pence()),
                  Money(ctx, c.paid_pence())});
  }
  std::vector<std::string> title = {
      absl::StrCat("PCN ", b.pcn_code(), "  financial year ",
                   FormatFinancialYear(req.financial_year()), "  as of ", DateText(b.as_of()),
                   "  (", Pos(b.computed_at_position()), ")"),
      absl::StrCat("  reimbursement sum        ", Money(ctx, b.sum_pence())),
      absl::StrCat("  claimed                  ", Money(ctx, b.claimed_pence())),
      absl::StrCat("  approved                 ", Money(ctx, b.approved_pence())),
      absl::StrCat("  paid                     ", Money(ctx, b.paid_pence())),
      absl::StrCat("  remaining                ", Money(ctx, b.remaining_pence())),
      absl::StrCat("  forecast to year end     ", Money(ctx, b.forecast_to_year_end_pence())),
      absl::StrCat("  at risk (unclaimed)      ", Money(ctx, b.at_risk_pence())),
      absl::StrCat("  full-year effect next yr ",
                   Money(ctx, b.full_year_effect_next_year_pence())),
      // Restatement (docs/RESTATEMENT.md): paid claims priced again.
      absl::StrCat("  restated (paid claims)   ", Money(ctx, b.restated_pence())),
      absl::StrCat("  arrears paid             ", Money(ctx, b.arrears_paid_pence())),
      absl::StrCat("  overpayments recovered   ", Money(ctx, b.recovered_pence())),
      absl::StrCat("  arrears due              ", Money(ctx, b.arrears_due_pence())),
      absl::StrCat("  overpayments to recover  ", Money(ctx, b.overpayment_to_recover_pence())),
      absl::StrCat("  net due to the PCN       ", Money(ctx, b.net_due_pence()))};
  Emit(ctx, b, table, title);
  return kExitOk;
}

int RunBalance(Context& ctx, const QueryOptions& o) {
  v1::BalanceRequest req;
  req.set_pcn_code(o.pcn);
  ASSIGN_OR_RETURN(year, ParseYearArg(o.year, "--year"), ReportError);
  req.set_financial_year(year);
  return QueryAndPrint(ctx, &QueryStub::GetBalance, &req, "balance", PrintBalance);
}

std::string RoleList(const google::protobuf::RepeatedField<int>& roles) {
  std::vector<std::string> names;
  for (int r : roles) names.push_back(RoleName(static_cast<v1::Role>(r)));
  return absl::StrJoin(names, " + ");
}

int PrintCaps(const Context& ctx, const v1::CapUsage& u) {
  Table table({"roles", "cap_wte", "used_wte", "headroom_wte", "rule_version", "enforced",
               "staff"});
  table.RightAlign({1, 2, 3});
  for (const v1::CapLine& c : u.caps()) {
    table.AddRow({RoleList(c.roles()), FormatWte(c.cap_wte_bp()), FormatWte(c.used_wte_bp()),
                  SignedWte(c.cap_wte_bp() - c.used_wte_bp()), c.rule_version(),
                  c.unverified() ? "no (unverified)" : "yes", absl::StrJoin(c.staff_ids(), " ")});
  }
  Emit(ctx, u, table,
       {absl::StrCat("PCN ", u.pcn_code(), "  caps as of ", DateText(u.as_of()),
                     "  list size ", u.registered_list_size(), "  (",
                     Pos(u.computed_at_position()), ")")});
  return kExitOk;
}

int PrintWorkforce(const Context& ctx, const v1::Workforce& w) {
  Table table({"role", "headcount", "wte", "baseline_wte", "additional_wte", "joint", "lead",
               "third_party"});
  table.RightAlign({1, 2, 3, 4, 5, 6, 7});
  for (const v1::WorkforceLine& l : w.roles()) {
    table.AddRow({RoleName(l.role()), absl::StrCat(l.headcount()), FormatWte(l.wte_bp()),
                  FormatWte(l.baseline_wte_bp()), SignedWte(l.additional_wte_bp()),
                  absl::StrCat(l.headcount_member_practices()),
                  absl::StrCat(l.headcount_lead_practice()),
                  absl::StrCat(l.headcount_third_party())});
  }
  std::vector<std::string> notes;
  if (ctx.format() == OutputFormat::kTable) {
    Table staff({"staff", "role", "wte", "employment", "started", "annual_cost"});
    staff.RightAlign({2, 5});
    for (const v1::StaffInPost& p : w.staff()) {
      staff.AddRow({p.staff_id(), RoleName(p.role()), FormatWte(p.wte_bp()),
                    EmploymentName(p.employment_model()) +
                        (p.employer_name().empty() ? "" : " (" + p.employer_name() + ")"),
                    DateText(p.start_date()), Money(ctx, p.annual_cost_pence())});
    }
    notes.push_back("Staff in post:");
    notes.push_back(staff.Aligned());
  }
  Emit(ctx, w, table,
       {absl::StrCat("PCN ", w.pcn_code(), "  workforce as of ", DateText(w.as_of()), "  (",
                     Pos(w.computed_at_position()), ")")},
       notes);
  return kExitOk;
}

int PrintRegion(const Context& ctx, const v1::RegionSummary& r) {
  Table table({"icb", "pcns", "headcount", "wte", "approved_in_year", "sum", "paid",
               "arrears_due", "to_recover"});
  table.RightAlign({1, 2, 3, 4, 5, 6, 7, 8});
  auto add = [&](const v1::RegionLine& l, const std::string& name) {
    table.AddRow({name, absl::StrCat(l.pcn_count()), absl::StrCat(l.headcount()),
                  FormatWte(l.wte_bp()), Money(ctx, l.approved_pence()),
                  Money(ctx, l.sum_pence()), Money(ctx, l.paid_pence()),
                  Money(ctx, l.arrears_due_pence()),
                  Money(ctx, l.overpayment_to_recover_pence())});
  };
  for (const v1::RegionLine& l : r.icbs()) add(l, l.icb_code());
  if (r.has_national()) add(r.national(), "England");
  Emit(ctx, r, table,
       {absl::StrCat("Region summary as of ", DateText(r.as_of()), "  (",
                     Pos(r.computed_at_position()), ")")});
  return kExitOk;
}

int RunRegion(Context& ctx, const QueryOptions& o) {
  v1::RegionRequest req;
  req.set_icb_code(o.icb);
  return QueryAndPrint(ctx, &QueryStub::GetRegionSummary, &req, "region", PrintRegion);
}

int PrintExplanation(const Context& ctx, const v1::ExplainRequest& req, const v1::Explanation& e) {
  Table table({"line", "staff", "rule_versions", "claimed", "maximum", "reimbursable",
               "approved", "outcome", "explanation"});
  table.RightAlign({0, 3, 4, 5, 6});
  for (const v1::AssessedLine& l : e.lines()) {
    table.AddRow({absl::StrCat(l.line_no()), l.staff_id(), absl::StrJoin(l.rule_versions(), "; "),
                  Money(ctx, l.claimed_pence()), Money(ctx, l.maximum_pence()),
                  Money(ctx, l.reimbursable_pence()), Money(ctx, l.approved_pence()),
                  OutcomeName(l.outcome()), l.explanation()});
  }
  if (ctx.format() != OutputFormat::kTable) {
    Emit(ctx, e, table);
    return kExitOk;
  }
  std::printf("Claim %s of PCN %s (as known at log position %llu)\n", req.claim_id().c_str(),
              req.pcn_code().c_str(), static_cast<unsigned long long>(e.computed_at_position()));
  for (const v1::AssessedLine& l : e.lines()) {
    std::printf("\nLine %d  staff %s  rule version %s\n", l.line_no(), l.staff_id().c_str(),
                absl::StrJoin(l.rule_versions(), ", ").c_str());
    std::printf("  claimed       %s\n  maximum       %s\n  reimbursable  %s\n"
                "  approved      %s\n  outcome       %s\n",
                Money(ctx, l.claimed_pence()).c_str(), Money(ctx, l.maximum_pence()).c_str(),
                Money(ctx, l.reimbursable_pence()).c_str(),
                Money(ctx, l.approved_pence()).c_str(), OutcomeName(l.outcome()).c_str());
    std::printf("  how:\n");
    for (absl::string_view line : absl::StrSplit(l.explanation(), '\n')) {
      std::printf("    %s\n", std::string(line).c_str());
    }
  }
  for (const v1::ClaimLineReduced& r : e.reductions()) {
    std::printf("\nLine %d reduced by the commissioner to %s\n", r.line_no(),
                Money(ctx, r.approved_pence()).c_str());
  }
  // Restatement (docs/RESTATEMENT.md): each line priced again from what is known now.
  for (const v1::LineRestatement& l : e.restated()) {
    std::printf("\nLine %d restated: %s %s (decided %s %s)\n  paid %s, arrears paid %s, "
                "recovered %s, difference %s\n",
                l.line_no(), OutcomeName(l.restated_outcome()).c_str(),
                Money(ctx, l.restated_pence()).c_str(),
                OutcomeName(l.decided_outcome()).c_str(),
                Money(ctx, l.approved_pence()).c_str(), Money(ctx, l.paid_pence()).c_str(),
                Money(ctx, l.arrears_paid_pence()).c_str(),
                Money(ctx, l.recovered_pence()).c_str(),
                Money(ctx, l.difference_pence()).c_str());
    for (const v1::RestatementCause& cause : l.causes()) {
      std::printf("  because of position %llu: %s\n",
                  static_cast<unsigned long long>(cause.position()), cause.what().c_str());
    }
  }
  return kExitOk;
}

int RunExplain(Context& ctx, const QueryOptions& o) {
  v1::ExplainRequest req;
  req.set_pcn_code(o.pcn);
  req.set_claim_id(o.claim);
  req.set_line_no(o.line_no);
  return QueryAndPrint(ctx, &QueryStub::ExplainClaim, &req, "explain", PrintExplanation);
}

int PrintRules(const Context& ctx, const v1::RulesResponse& r) {
  const v1::FinancialYearRules& rules = r.rules();
  // One row per role and period: the figure that prices it (own, else band row), its
  // provenance (P published, P* period inferred, B band-inferred) and source.
  Table table({"role", "eligible_from", "eligible_to", "band", "reimbursed", "max_from",
               "max_to", "annual_max", "from", "confidence", "outer_london", "inner_london",
               "source"});
  table.RightAlign({4, 7, 10, 11});
  const v1::YearCoverage coverage = rules::CoverageOf(rules);
  for (const v1::RoleRule& role : rules.roles()) {
    for (const v1::CoverageRow& c : coverage.rows()) {
      if (c.role() != role.role()) continue;
      const bool known = c.annual_max_pence() > 0;
      table.AddRow({RoleName(role.role()), DateText(role.eligible_from()),
                    DateText(role.eligible_to()), role.band(),
                    FormatPercentBp(role.reimbursed_bp()), DateText(c.from()), DateText(c.to()),
                    known ? Money(ctx, c.annual_max_pence()) : "unknown",
                    known ? c.where_from() : "",
                    known ? rules::ConfidenceCode(c.confidence()) : "",
                    c.outer_london_pence() > 0 ? Money(ctx, c.outer_london_pence()) : "",
                    c.inner_london_pence() > 0 ? Money(ctx, c.inner_london_pence()) : "",
                    c.source()});
    }
  }
  std::vector<std::string> title = {
      absl::StrCat("Rules ", rules.version(), " for ", FormatFinancialYear(rules.financial_year()),
                   " (published at ", Pos(r.published_at_position()), ")"),
      rules.summary()};
  if (rules.entitlement().rate_per_patient_millipence() > 0) {
    const int64_t rate = rules.entitlement().rate_per_patient_millipence();
    title.push_back(absl::StrCat("PCN sum: £", rate / 100000, ".",
                                 absl::StrFormat("%03d", static_cast<int>(rate % 100000 / 100)),
                                 " per weighted patient"));
  }
  std::vector<std::string> notes;
  for (const v1::BandRow& row : rules.band_rows()) {
    for (const v1::MaxAmount& m : row.amounts()) {
      std::vector<std::string> names;
      for (int role : m.published_for()) names.push_back(RoleName(static_cast<v1::Role>(role)));
      notes.push_back(absl::StrCat(
          "band ", row.band(), " row ", DateText(m.effective_from()), "..",
          DateText(m.effective_to()), ": ",
          rules::IsKnown(m)
              ? absl::StrCat(Money(ctx, m.annual_max_pence()), " ",
                             rules::ConfidenceText(m.confidence()), " for ",
                             absl::StrJoin(names, ", "), " (", m.source(), ")")
              : "unknown"));
    }
  }
  notes.push_back("confidence: P published, P* published with the period inferred, B "
                  "band-inferred (published for another role on the same band row), - not "
                  "recorded in this rule version");
  for (const v1::CapRule& c : rules.caps()) {
    notes.push_back(absl::StrCat(
        "cap: ", RoleList(c.roles()), " ", DateText(c.effective_from()), "..",
        DateText(c.effective_to()), ": ", FormatWte(c.cap_wte_bp_below()), " WTE below ",
        c.list_size_threshold(), " patients, ", FormatWte(c.cap_wte_bp_at_or_above()),
        " WTE at or above", c.unverified() ? " (unverified, not enforced)" : ""));
  }
  Emit(ctx, r, table, title, notes);
  return kExitOk;
}

int RunRulesShow(Context& ctx, const QueryOptions& o) {
  v1::RulesRequest req;
  ASSIGN_OR_RETURN(year, ParseYearArg(o.year, "--year"), ReportError);
  req.set_financial_year(year);
  return QueryAndPrint(ctx, &QueryStub::GetRules, &req, "rules show", PrintRules);
}

int PrintRulesCoverage(const Context& ctx, const v1::RulesCoverageResponse& r) {
  Table table({"year", "version", "role", "from", "to", "annual_max", "where_from",
               "confidence", "outer_london", "inner_london", "source"});
  table.RightAlign({5, 8, 9});
  std::vector<std::string> notes;
  for (const v1::YearCoverage& y : r.years()) {
    for (const v1::CoverageRow& c : y.rows()) {
      const bool known = c.annual_max_pence() > 0;
      table.AddRow({FormatFinancialYear(y.financial_year()), y.version(), RoleName(c.role()),
                    DateText(c.from()), DateText(c.to()),
                    known ? Money(ctx, c.annual_max_pence()) : "unknown",
                    known ? c.where_from() : "", known ? rules::ConfidenceCode(c.confidence()) : "",
                    c.outer_london_pence() > 0 ? Money(ctx, c.outer_london_pence()) : "",
                    c.inner_london_pence() > 0 ? Money(ctx, c.inner_london_pence()) : "",
                    c.source()});
    }
    notes.push_back(absl::StrCat(FormatFinancialYear(y.financial_year()), " (", y.version(),
                                 ", published at ", Pos(y.published_at_position()), "): ",
                                 y.priced(), " of ", y.eligible(),
                                 " eligible role-periods priced"));
  }
  notes.push_back("confidence: P published, P* published with the period inferred, B "
                  "band-inferred, - not recorded in that rule version");
  Emit(ctx, r, table, {absl::StrCat("Rule book coverage (", Pos(r.computed_at_position()), ")")},
       notes);
  return kExitOk;
}

int RunRulesCoverage(Context& ctx, const QueryOptions& o) {
  v1::RulesCoverageRequest req;
  if (!o.year.empty()) {
    ASSIGN_OR_RETURN(year, ParseYearArg(o.year, "--year"), ReportError);
    req.set_financial_year(year);
  }
  return QueryAndPrint(ctx, &QueryStub::GetRulesCoverage, &req, "rules coverage",
                       PrintRulesCoverage);
}

}  // namespace

void AddQueryCommands(CLI::App& app, Context& ctx) {
  AddCommands<QueryOptions>(
      &app, ctx,
      {PcnCommand("balance",
                  "A PCN's yearly sum: claimed, approved, paid, remaining, forecast and at risk",
                  {{"--year", &QueryOptions::year, "Financial year (2023/24)", kRequired}},
                  "  arrsctl balance U10001 --year 2023/24\n"
                  "  arrsctl balance U10001 --year 2023/24 --as-of 2023-12-31 --csv\n"
                  "  arrsctl balance U10001 --year 2023/24 --known-at 2025-01-01T00:00:00Z",
                  RunBalance),
       {"caps",
        "WTE used against each role cap, by list size",
        {PcnArg(&QueryOptions::pcn)},
        "  arrsctl caps U10001 --as-of 2023-01-31",
        PcnQuery(&QueryStub::GetCapUsage, "caps", PrintCaps)},
       {"workforce",
        "Headcount and WTE by role against the 2019 baseline",
        {PcnArg(&QueryOptions::pcn)},
        "  arrsctl workforce U20004 --as-of 2025-03-31",
        PcnQuery(&QueryStub::GetWorkforce, "workforce", PrintWorkforce)},
       {"region",
        "Workforce and spend per ICB and nationally",
        {{"--icb", &QueryOptions::icb, "One ICB (default: every ICB you may see)"}},
        "  arrsctl region --as-of 2025-03-31\n  arrsctl region --icb QWE --json",
        RunRegion},
       PcnCommand("explain", "How a claim line was priced: rule version, figures, arithmetic",
                  {{"claim_id", &QueryOptions::claim, "Claim id", kRequired},
                   {"--line", &QueryOptions::line_no, "Line number (default: every line)"}},
                  "  arrsctl explain U10001 2024-10 --line 1", RunExplain)});

  CLI::App* rules = AddGroup(app, "rules", "The rule book: show a year, publish a version");
  AddCommands<QueryOptions>(
      rules, ctx,
      {{"show",
        "Show the rules in force for a financial year",
        {{"--year", &QueryOptions::year, "Financial year (2024/25)", kRequired}},
        "  arrsctl rules show --year 2024/25\n  arrsctl rules show --year 2024/25 --known-at 10",
        RunRulesShow},
       {"coverage",
        "Which role x period has a known maximum, from where (own figure or band row), its "
        "confidence and source",
        {{"--year", &QueryOptions::year, "Financial year (default: every year)"}},
        "  arrsctl rules coverage\n  arrsctl rules coverage --year 2024/25 --csv",
        RunRulesCoverage}});
}

}  // namespace arrs::cli
