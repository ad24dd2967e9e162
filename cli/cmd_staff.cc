// arrsctl staff hire | start | fte | pay | leave | leave-post
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/table.h"

namespace arrs::cli {
namespace {

struct HireOptions {
  std::string pcn, staff, role, band, employment = "member-practices-jointly", employer, date,
      wte = "1.0", salary, on_costs = "0", name, mhp_funding;
};

int RunHire(Context& ctx, const HireOptions& o) {
  v1::HireStaffRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  req.set_staff_id(o.staff);
  ASSIGN_OR_RETURN(role, ParseRoleArg(o.role), ReportError);
  ASSIGN_OR_RETURN(employment, ParseEmploymentArg(o.employment), ReportError);
  ASSIGN_OR_RETURN(date, ParseDateArg(o.date, "--date"), ReportError);
  ASSIGN_OR_RETURN(wte, ParseWteArg(o.wte, "--wte"), ReportError);
  ASSIGN_OR_RETURN(salary, ParsePoundsArg(o.salary, "--salary"), ReportError);
  ASSIGN_OR_RETURN(on_costs, ParsePoundsArg(o.on_costs, "--on-costs"), ReportError);
  req.set_role(role);
  req.set_band(o.band);
  req.set_employment_model(employment);
  req.set_employer_name(o.employer);
  *req.mutable_hire_date() = date;
  req.set_wte_bp(wte);
  req.set_annual_salary_pence(salary);
  req.set_annual_on_costs_pence(on_costs);
  req.set_display_name(o.name);
  if (!o.mhp_funding.empty()) {
    ASSIGN_OR_RETURN(funding, ParseMhpFundingArg(o.mhp_funding), ReportError);
    req.set_mhp_funding(funding);
  }
  return SendCommand(ctx, &CommandStub::HireStaff, req, "staff hire",
                     absl::StrCat("staff member ", o.staff, " hired"));
}

// The options every change shares: PCN, staff id, effective date.
struct ChangeOptions {
  std::string pcn, staff, date;
  std::string wte, salary, on_costs = "0", to, kind = "sickness", paid_share = "1.0", reason;
};

enum class Change { kStart, kFte, kPay, kLeave, kLeft };

int RunChange(Context& ctx, const ChangeOptions& o, Change change) {
  v1::StaffChangeRequest req;
  *req.mutable_header() = ctx.Header();
  req.set_pcn_code(o.pcn);
  req.set_staff_id(o.staff);
  ASSIGN_OR_RETURN(date, ParseDateArg(o.date, "--date"), ReportError);
  *req.mutable_effective_date() = date;
  std::string what;
  switch (change) {
    case Change::kStart:
      req.mutable_started();
      what = "start";
      break;
    case Change::kFte: {
      ASSIGN_OR_RETURN(wte, ParseWteArg(o.wte, "--wte"), ReportError);
      req.mutable_fte_changed()->set_wte_bp(wte);
      what = "FTE change";
      break;
    }
    case Change::kPay: {
      ASSIGN_OR_RETURN(salary, ParsePoundsArg(o.salary, "--salary"), ReportError);
      ASSIGN_OR_RETURN(on_costs, ParsePoundsArg(o.on_costs, "--on-costs"), ReportError);
      req.mutable_pay_changed()->set_annual_salary_pence(salary);
      req.mutable_pay_changed()->set_annual_on_costs_pence(on_costs);
      what = "pay change";
      break;
    }
    case Change::kLeave: {
      ASSIGN_OR_RETURN(to, ParseDateArg(o.to, "--to"), ReportError);
      ASSIGN_OR_RETURN(kind, ParseLeaveKindArg(o.kind), ReportError);
      ASSIGN_OR_RETURN(share, ParseWteArg(o.paid_share, "--paid-share"), ReportError);
      req.mutable_leave()->set_kind(kind);
      *req.mutable_leave()->mutable_end_date() = to;
      req.mutable_leave()->set_paid_share_bp(share);
      what = "leave";
      break;
    }
    case Change::kLeft:
      req.mutable_left()->set_leaving_reason(o.reason);
      what = "leaving date";
      break;
  }
  return SendCommand(ctx, &CommandStub::ChangeStaff, req, "staff " + what,
                     absl::StrCat(what, " of ", o.staff, " from ", o.date));
}

// A staff change: the options every change shares (PCN, staff id, effective date), then
// `more`.
CommandSpec<ChangeOptions> ChangeCommand(const std::string& name, const std::string& help,
                                         Change change, std::vector<OptionSpec<ChangeOptions>> more,
                                         const std::string& example) {
  std::vector<OptionSpec<ChangeOptions>> options = {
      PcnArg(&ChangeOptions::pcn),
      {"staff_id", &ChangeOptions::staff, "The PCN's staff id", kRequired},
      {"--date", &ChangeOptions::date, "Effective date (YYYY-MM-DD)", kRequired}};
  options.insert(options.end(), more.begin(), more.end());
  return {name, help, options, example,
          [change](Context& ctx, const ChangeOptions& o) { return RunChange(ctx, o, change); }};
}

}  // namespace

void AddStaffCommands(CLI::App& app, Context& ctx) {
  CLI::App* staff = AddGroup(app, "staff",
                             "Record hires, starts, FTE and pay changes, "
                             "leave and leavers (PCN)");
  AddCommand<HireOptions>(
      staff, ctx,
      {"hire",
       "Record a member of staff recruited into a role",
       {PcnArg(&HireOptions::pcn),
        {"staff_id", &HireOptions::staff, "The PCN's own staff id", kRequired},
        {"--role", &HireOptions::role, "Role (e.g. clinical-pharmacist, cp, splw, ap)", kRequired},
        {"--band", &HireOptions::band, "Agenda for Change band (e.g. 7, 8a)"},
        {"--employment", &HireOptions::employment,
         "member-practices-jointly | lead-practice | third-party", kShowDefault},
        {"--employer", &HireOptions::employer, "Employer (third party or lead practice ODS)"},
        {"--date", &HireOptions::date, "Hire date (YYYY-MM-DD)", kRequired},
        {"--wte", &HireOptions::wte, "Whole-time equivalent", kShowDefault},
        {"--salary", &HireOptions::salary, "Actual annual salary at this WTE, pounds", kRequired},
        {"--on-costs", &HireOptions::on_costs, "Annual employer on-costs, pounds", kShowDefault},
        {"--name", &HireOptions::name, "Display name (personal data)"},
        {"--mhp-funding", &HireOptions::mhp_funding,
         "Mental health practitioners only (required for them): shared-50 (the PCN "
         "claims its 50% share under the agreement with the trust) | full-100 (written "
         "agreement, 2024/25 on)"}},
       "  arrsctl staff hire U10001 CP-007 --role cp --band 7 --date 2024-05-01 \\\n"
       "    --wte 0.8 --salary 38000 --on-costs 9500 --name \"A. Patel\"",
       RunHire});
  AddCommands<ChangeOptions>(
      staff, ctx,
      {ChangeCommand("start", "Record the first day in post", Change::kStart, {},
                     "  arrsctl staff start U10001 CP-007 --date 2024-05-13"),
       ChangeCommand("fte", "Record a new whole-time equivalent", Change::kFte,
                     {{"--wte", &ChangeOptions::wte, "New WTE (e.g. 0.6)", kRequired}},
                     "  arrsctl staff fte U10001 CP-007 --date 2024-09-01 --wte 0.6"),
       ChangeCommand(
           "pay", "Record new actual pay", Change::kPay,
           {{"--salary", &ChangeOptions::salary, "New annual salary, pounds", kRequired},
            {"--on-costs", &ChangeOptions::on_costs, "New annual on-costs, pounds", kShowDefault}},
           "  arrsctl staff pay U10001 CP-007 --date 2024-10-01 --salary 40000 "
           "--on-costs 10000"),
       ChangeCommand(
           "leave", "Record a period of leave (from --date to --to)", Change::kLeave,
           {{"--to", &ChangeOptions::to, "Last day of the leave (YYYY-MM-DD)", kRequired},
            {"--kind", &ChangeOptions::kind, "sickness | parental | unpaid | other", kShowDefault},
            {"--paid-share", &ChangeOptions::paid_share, "Share of the WTE still paid (0..1)",
             kShowDefault}},
           "  arrsctl staff leave U10001 CP-007 --date 2024-06-01 --to 2024-11-30 \\\n"
           "    --kind parental --paid-share 0.5"),
       ChangeCommand("leave-post", "Record that a member of staff left (last day in post)",
                     Change::kLeft, {{"--leaving-reason", &ChangeOptions::reason, "Why they left"}},
                     "  arrsctl staff leave-post U10001 CP-007 --date 2025-01-31 "
                     "--leaving-reason resigned")});
}

}  // namespace arrs::cli
