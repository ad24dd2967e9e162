// arrsctl pcn register | list-size | london-zone | baseline | entitlement | list
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "cli/table.h"
#include "ledger/util/civil_date.h"
#include "ledger/util/money.h"

namespace arrs::cli {
namespace {

struct RegisterOptions {
  std::string pcn, name, icb, established;
  std::vector<std::string> practices;
};

int RunRegister(Context& ctx, const RegisterOptions& o) {
  v1::RegisterPcnRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  req.set_name(o.name);
  req.set_icb_code(o.icb);
  ASSIGN_OR_RETURN(established, ParseDateArg(o.established, "--established"), ReportError);
  *req.mutable_effective_date() = established;
  for (const std::string& p : o.practices) {
    std::vector<std::string> parts = absl::StrSplit(p, absl::MaxSplits('=', 1));
    v1::Practice* practice = req.add_member_practices();
    practice->set_ods_code(parts[0]);
    if (parts.size() > 1) practice->set_name(parts[1]);
  }
  return SendCommand(ctx, &CommandStub::RegisterPcn, req, "pcn register",
                     absl::StrCat("PCN ", o.pcn, " registered"));
}

struct LondonZoneOptions {
  std::string pcn, from, zone, source;
};

int RunLondonZone(Context& ctx, const LondonZoneOptions& o) {
  v1::RecordLondonZoneRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  ASSIGN_OR_RETURN(from, ParseDateArg(o.from, "--from"), ReportError);
  *req.mutable_effective_from() = from;
  if (o.zone == "inner") {
    req.set_zone(v1::INNER_LONDON);
  } else if (o.zone == "outer") {
    req.set_zone(v1::OUTER_LONDON);
  } else if (o.zone == "none") {
    req.set_zone(v1::LONDON_ZONE_NONE);
  } else {
    return ReportError(absl::InvalidArgumentError(
        absl::StrCat("--zone must be inner, outer or none, got \"", o.zone, "\"")));
  }
  req.set_source(o.source);
  return SendCommand(ctx, &CommandStub::RecordLondonZone, req, "pcn london-zone",
                     absl::StrCat("London zone of ", o.pcn, " from ", o.from, ": ", o.zone));
}

struct ListSizeOptions {
  std::string pcn, date, weighted;
  int64_t list_size = 0;
};

int RunListSize(Context& ctx, const ListSizeOptions& o) {
  v1::RecordListSizeRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  ASSIGN_OR_RETURN(date, ParseDateArg(o.date, "--date"), ReportError);
  ASSIGN_OR_RETURN(weighted, ParseMilliArg(o.weighted, "--weighted"), ReportError);
  *req.mutable_reference_date() = date;
  req.set_registered_list_size(o.list_size);
  req.set_weighted_population_milli(weighted);
  return SendCommand(ctx, &CommandStub::RecordListSize, req, "pcn list-size",
                     absl::StrCat("list size of ", o.pcn, " on ", o.date));
}

struct BaselineOptions {
  std::string pcn;
  std::vector<std::string> roles;  // ROLE=HEADCOUNT:WTE
};

int RunBaseline(Context& ctx, const BaselineOptions& o) {
  v1::RecordBaselineRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  for (const std::string& text : o.roles) {
    std::vector<std::string> parts = absl::StrSplit(text, absl::ByAnyChar("=:"));
    if (parts.size() != 3) {
      return ReportError(absl::InvalidArgumentError(absl::StrCat(
          "--role: \"", text, "\" is not ROLE=HEADCOUNT:WTE (e.g. cp=1:0.6)")));
    }
    ASSIGN_OR_RETURN(role, ParseRoleArg(parts[0]), ReportError);
    int headcount = 0;
    if (!absl::SimpleAtoi(parts[1], &headcount)) {
      return ReportError(absl::InvalidArgumentError(
          absl::StrCat("--role: headcount \"", parts[1], "\" is not a number")));
    }
    ASSIGN_OR_RETURN(wte, ParseWteArg(parts[2], "--role"), ReportError);
    v1::RoleBaseline* b = req.add_roles();
    b->set_role(role);
    b->set_headcount(headcount);
    b->set_wte_bp(wte);
  }
  return SendCommand(ctx, &CommandStub::RecordBaseline, req, "pcn baseline",
                     absl::StrCat("31 March 2019 baseline of ", o.pcn));
}

struct EntitlementOptions {
  std::string pcn, year, sum;
  bool derive = false;
};

int RunEntitlement(Context& ctx, const EntitlementOptions& o) {
  v1::SetEntitlementRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  ASSIGN_OR_RETURN(year, ParseYearArg(o.year, "--year"), ReportError);
  req.set_financial_year(year);
  if (o.derive == !o.sum.empty()) {
    return ReportError(absl::InvalidArgumentError("give exactly one of --sum or --derive"));
  }
  if (o.derive) {
    req.set_derive_from_weighted_population(true);
  } else {
    ASSIGN_OR_RETURN(sum, ParsePoundsArg(o.sum, "--sum"), ReportError);
    req.set_sum_pence(sum);
  }
  return SendCommand(ctx, &CommandStub::SetEntitlement, req, "pcn entitlement",
                     absl::StrCat("entitlement of ", o.pcn, " for ", FormatFinancialYear(year)));
}

struct ListOptions {};

int PrintPcns(const Context& ctx, const v1::ListPcnsResponse& resp) {
  Table table({"pcn", "name", "icb", "staff", "claims", "version"});
  table.RightAlign({3, 4, 5});
  for (const v1::PcnSummary& p : resp.pcns()) {
    table.AddRow({p.pcn_code(), p.name(), p.icb_code(), absl::StrCat(p.staff_count()),
                  absl::StrCat(p.claim_count()), absl::StrCat(p.stream_version())});
  }
  Emit(ctx, resp, table, {},
       {absl::StrCat(resp.pcns_size(), " PCNs, as known at log position ",
                     resp.computed_at_position())});
  return kExitOk;
}

int RunList(Context& ctx, const ListOptions&) {
  v1::ListPcnsRequest req;
  return QueryAndPrint(ctx, &QueryStub::ListPcns, &req, "pcn list", PrintPcns);
}

}  // namespace

void AddPcnCommands(CLI::App& app, Context& ctx) {
  CLI::App* pcn = AddGroup(app, "pcn",
                           "Register PCNs and record their list sizes, "
                           "baselines and yearly entitlements");
  AddCommand(
      pcn, ctx,
      PcnCommand("register", "Register a PCN (commissioner)",
                 {{"--name", &RegisterOptions::name, "PCN name", kRequired},
                  {"--icb", &RegisterOptions::icb, "ICB ODS code", kRequired},
                  {"--established", &RegisterOptions::established, "Date established (YYYY-MM-DD)",
                   kRequired},
                  {"--practice", &RegisterOptions::practices, "Member practice ODS=Name (repeat)"}},
                 "  arrsctl pcn register U10001 --name \"Riverside PCN\" --icb QWE \\\n"
                 "    --established 2019-07-01 --practice \"B82005=Riverside Surgery\"",
                 RunRegister));
  AddCommand(
      pcn, ctx,
      PcnCommand("list-size", "Record the registered list size and weighted population",
                 {{"--date", &ListSizeOptions::date, "Reference date (YYYY-MM-DD)", kRequired},
                  {"--list-size", &ListSizeOptions::list_size, "Registered patients", kRequired},
                  {"--weighted", &ListSizeOptions::weighted,
                   "Weighted population (up to 3 decimals)", kRequired}},
                 "  arrsctl pcn list-size U10001 --date 2024-01-01 --list-size 28000 "
                 "--weighted 29850.250",
                 RunListSize));
  AddCommand(
      pcn, ctx,
      PcnCommand(
          "london-zone",
          "Record the PCN's London weighting (HCAS) zone from a date "
          "(commissioner or admin)",
          {{"--zone", &LondonZoneOptions::zone, "inner, outer or none", kRequired},
           {"--from", &LondonZoneOptions::from, "Effective from (YYYY-MM-DD)", kRequired},
           {"--source", &LondonZoneOptions::source, "Where the zone comes from (free text)"}},
          "  arrsctl pcn london-zone U10001 --zone inner --from 2024-04-01", RunLondonZone));
  AddCommand(
      pcn, ctx,
      PcnCommand("baseline", "Record the 31 March 2019 workforce baseline",
                 {{"--role", &BaselineOptions::roles, "ROLE=HEADCOUNT:WTE (repeat)", kRequired}},
                 "  arrsctl pcn baseline U10001 --role cp=1:0.4 --role splw=0:0", RunBaseline));
  AddCommand(
      pcn, ctx,
      PcnCommand(
          "entitlement", "Set the yearly Additional Roles Reimbursement Sum",
          {{"--year", &EntitlementOptions::year, "Financial year (2023/24)", kRequired},
           {"--sum", &EntitlementOptions::sum, "The sum in pounds, as given by the commissioner"},
           {"--derive", &EntitlementOptions::derive,
            "Derive from the weighted population and the rule book"}},
          "  arrsctl pcn entitlement U10001 --year 2023/24 --derive\n"
          "  arrsctl pcn entitlement U10001 --year 2019/20 --sum 92000.00",
          RunEntitlement));
  AddCommand<ListOptions>(pcn, ctx,
                          {"list",
                           "List the PCNs you may see",
                           {},
                           "  arrsctl pcn list\n  arrsctl pcn list --known-at 120 --json",
                           RunList});
}

}  // namespace arrs::cli
