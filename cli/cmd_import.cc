// arrsctl import staff FILE.csv | import claims FILE.csv
//
// Each staff row is one HireStaff command; the rows of one claim (same pcn_code and
// claim_id) are one SubmitClaim. Every command is atomic and carries a request id derived
// from the row's key ("import-staff:<pcn>:<staff_id>", "import-claim:<pcn>:<claim_id>"),
// so re-running a file writes nothing twice. Column formats are in docs/CLI.md.
#include <unistd.h>

#include <cstdio>
#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/csv.h"
#include "cli/table.h"

namespace arrs::cli {
namespace {

struct ImportOptions {
  std::string file;
};

struct Tally {
  int total = 0, imported = 0, already = 0, rejected = 0, done = 0;
};

class Progress {
 public:
  explicit Progress(int total) : total_(total), tty_(isatty(STDERR_FILENO) == 1) {}
  void Update(int done) const {
    if (!tty_ || total_ == 0) return;
    const int width = 30;
    const int filled = done * width / total_;
    std::fprintf(stderr, "\r[%s%s] %d/%d", std::string(filled, '#').c_str(),
                 std::string(width - filled, '.').c_str(), done, total_);
    std::fflush(stderr);
  }
  void Clear() const {
    if (tty_ && total_ > 0) std::fprintf(stderr, "\r%*s\r", 50, "");
  }

 private:
  int total_;
  bool tty_;
};

void Reject(Tally& tally, const std::vector<int>& rows, const std::string& reason) {
  std::vector<std::string> numbers;
  for (int r : rows) numbers.push_back(absl::StrCat(r));
  std::fprintf(stderr, "%s %s: rejected: %s\n", rows.size() > 1 ? "rows" : "row",
               absl::StrJoin(numbers, ",").c_str(), reason.c_str());
  tally.rejected += static_cast<int>(rows.size());
}

std::string RpcReason(const grpc::Status& s) {
  return absl::StrCat(StatusCodeName(s.error_code()), ": ", s.error_message());
}

int Summary(const Context& ctx, const std::string& what, const Tally& t) {
  if (ctx.format() == OutputFormat::kJson) {
    std::printf("{\"rows\": %d, \"imported\": %d, \"already_present\": %d, \"rejected\": %d}\n",
                t.total, t.imported, t.already, t.rejected);
  } else if (ctx.format() == OutputFormat::kCsv) {
    std::printf("rows,imported,already_present,rejected\n%d,%d,%d,%d\n", t.total, t.imported,
                t.already, t.rejected);
  } else {
    std::printf("%s import: %d rows: %d imported, %d already present, %d rejected\n",
                what.c_str(), t.total, t.imported, t.already, t.rejected);
  }
  return t.rejected > 0 ? kExitFailed : kExitOk;
}

// The cell of `column` in `row` ("" when the column or cell is missing).
std::string Cell(const CsvFile& file, const CsvRow& row, const std::string& column) {
  const int i = file.Column(column);
  return i >= 0 && static_cast<size_t>(i) < row.cells.size() ? row.cells[i] : "";
}

absl::Status RequireColumns(const CsvFile& file, const std::vector<std::string>& columns) {
  std::vector<std::string> missing;
  for (const std::string& c : columns) {
    if (file.Column(c) < 0) missing.push_back(c);
  }
  if (missing.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("the header lacks column(s) ", absl::StrJoin(missing, ", "),
                   " (see docs/CLI.md)"));
}

absl::StatusOr<v1::HireStaffRequest> StaffRow(const CsvFile& f, const CsvRow& row) {
  v1::HireStaffRequest req;
  req.set_pcn_code(Cell(f, row, "pcn_code"));
  req.set_staff_id(Cell(f, row, "staff_id"));
  if (req.pcn_code().empty() || req.staff_id().empty()) {
    return absl::InvalidArgumentError("pcn_code and staff_id must not be empty");
  }
  absl::StatusOr<v1::Role> role = ParseRoleArg(Cell(f, row, "role"));
  if (!role.ok()) return role.status();
  req.set_role(*role);
  req.set_band(Cell(f, row, "band"));
  const std::string employment = Cell(f, row, "employment_model");
  if (!employment.empty()) {
    absl::StatusOr<v1::EmploymentModel> model = ParseEmploymentArg(employment);
    if (!model.ok()) return model.status();
    req.set_employment_model(*model);
  } else {
    req.set_employment_model(v1::MEMBER_PRACTICES_JOINTLY);
  }
  req.set_employer_name(Cell(f, row, "employer_name"));
  if (const std::string funding = Cell(f, row, "mhp_funding"); !funding.empty()) {
    absl::StatusOr<v1::MhpFunding> parsed = ParseMhpFundingArg(funding);
    if (!parsed.ok()) return parsed.status();
    req.set_mhp_funding(*parsed);
  }
  absl::StatusOr<v1::Date> hired = ParseDateArg(Cell(f, row, "hire_date"), "hire_date");
  if (!hired.ok()) return hired.status();
  if ((hired->year() == 0)) return absl::InvalidArgumentError("hire_date must not be empty");
  *req.mutable_hire_date() = *hired;
  absl::StatusOr<int32_t> wte = ParseWteArg(Cell(f, row, "wte"), "wte");
  if (!wte.ok()) return wte.status();
  req.set_wte_bp(*wte);
  absl::StatusOr<int64_t> salary = ParsePoundsArg(Cell(f, row, "annual_salary"), "annual_salary");
  if (!salary.ok()) return salary.status();
  req.set_annual_salary_pence(*salary);
  std::string on_costs = Cell(f, row, "annual_on_costs");
  absl::StatusOr<int64_t> oc =
      ParsePoundsArg(on_costs.empty() ? "0" : on_costs, "annual_on_costs");
  if (!oc.ok()) return oc.status();
  req.set_annual_on_costs_pence(*oc);
  req.set_display_name(Cell(f, row, "display_name"));
  return req;
}

int RunImportStaff(Context& ctx, const ImportOptions& o) {
  ASSIGN_OR_RETURN(file, ReadCsvFile(o.file), ReportError);
  absl::Status columns = RequireColumns(
      file, {"pcn_code", "staff_id", "role", "hire_date", "wte", "annual_salary"});
  if (!columns.ok()) return ReportError(columns);
  Tally tally;
  tally.total = static_cast<int>(file.rows.size());
  Progress progress(tally.total);
  auto stub = ctx.commands();
  for (const CsvRow& row : file.rows) {
    progress.Update(tally.done++);
    absl::StatusOr<v1::HireStaffRequest> req = StaffRow(file, row);
    if (!req.ok()) {
      progress.Clear();
      Reject(tally, {row.row_number}, std::string(req.status().message()));
      continue;
    }
    req->mutable_header()->set_request_id(
        absl::StrCat("import-staff:", req->pcn_code(), ":", req->staff_id()));
    v1::CommandResult result;
    auto call = ctx.NewCall();
    grpc::Status s = stub->HireStaff(call.get(), *req, &result);
    if (!s.ok()) {
      progress.Clear();
      Reject(tally, {row.row_number}, RpcReason(s));
      continue;
    }
    (result.deduplicated() ? tally.already : tally.imported) += 1;
  }
  progress.Clear();
  return Summary(ctx, "staff", tally);
}

struct ClaimGroup {
  std::string pcn, claim, month;
  std::vector<int> rows;
  std::vector<const CsvRow*> lines;
};

int RunImportClaims(Context& ctx, const ImportOptions& o) {
  ASSIGN_OR_RETURN(file, ReadCsvFile(o.file), ReportError);
  absl::Status columns =
      RequireColumns(file, {"pcn_code", "claim_id", "month", "staff_id", "actual_cost"});
  if (!columns.ok()) return ReportError(columns);
  std::vector<ClaimGroup> groups;
  std::map<std::pair<std::string, std::string>, size_t> index;
  for (const CsvRow& row : file.rows) {
    const auto key = std::make_pair(Cell(file, row, "pcn_code"), Cell(file, row, "claim_id"));
    auto [it, added] = index.emplace(key, groups.size());
    if (added) groups.push_back({key.first, key.second, Cell(file, row, "month"), {}, {}});
    groups[it->second].rows.push_back(row.row_number);
    groups[it->second].lines.push_back(&row);
  }
  Tally tally;
  tally.total = static_cast<int>(file.rows.size());
  Progress progress(tally.total);
  auto stub = ctx.commands();
  for (const ClaimGroup& g : groups) {
    progress.Update(tally.done);
    tally.done += static_cast<int>(g.rows.size());
    v1::SubmitClaimRequest req;
    req.set_pcn_code(g.pcn);
    req.set_claim_id(g.claim);
    std::string problem;
    if (g.pcn.empty() || g.claim.empty()) problem = "pcn_code and claim_id must not be empty";
    absl::StatusOr<v1::Date> month = ParseMonthArg(g.month, "month");
    if (problem.empty() && !month.ok()) problem = std::string(month.status().message());
    if (problem.empty()) *req.mutable_month() = *month;
    int line_no = 0;
    for (const CsvRow* row : g.lines) {
      if (!problem.empty()) break;
      if (Cell(file, *row, "month") != g.month) {
        problem = absl::StrCat("row ", row->row_number, ": month ", Cell(file, *row, "month"),
                               " differs from ", g.month, " of claim ", g.claim);
        break;
      }
      absl::StatusOr<int64_t> cost = ParsePoundsArg(Cell(file, *row, "actual_cost"),
                                                    "actual_cost");
      if (!cost.ok()) {
        problem = g.rows.size() > 1
                      ? absl::StrCat("row ", row->row_number, ": ", cost.status().message())
                      : std::string(cost.status().message());
        break;
      }
      v1::ClaimLine* line = req.add_lines();
      line->set_line_no(++line_no);
      line->set_staff_id(Cell(file, *row, "staff_id"));
      line->set_actual_cost_pence(*cost);
    }
    if (!problem.empty()) {
      progress.Clear();
      Reject(tally, g.rows, problem);
      continue;
    }
    req.mutable_header()->set_request_id(absl::StrCat("import-claim:", g.pcn, ":", g.claim));
    v1::CommandResult result;
    auto call = ctx.NewCall();
    grpc::Status s = stub->SubmitClaim(call.get(), req, &result);
    if (!s.ok()) {
      progress.Clear();
      Reject(tally, g.rows, absl::StrCat("claim ", g.claim, ": ", RpcReason(s)));
      continue;
    }
    (result.deduplicated() ? tally.already : tally.imported) += static_cast<int>(g.rows.size());
  }
  progress.Clear();
  return Summary(ctx, "claims", tally);
}

}  // namespace

void AddImportCommands(CLI::App& app, Context& ctx) {
  CLI::App* imp = AddGroup(app, "import",
                           "Bulk import the staff and claims spreadsheets "
                           "(CSV; formats in docs/CLI.md)");
  const OptionSpec<ImportOptions> file = {"file", &ImportOptions::file, "CSV file", kExistingFile};
  AddCommands<ImportOptions>(imp, ctx,
                             {{"staff",
                               "One hire per row; safe to re-run",
                               {file},
                               "  arrsctl import staff examples/staff.csv --token $PCN_TOKEN",
                               RunImportStaff},
                              {"claims",
                               "One claim line per row, grouped by claim id; safe to re-run",
                               {file},
                               "  arrsctl import claims examples/claims.csv --token $PCN_TOKEN",
                               RunImportClaims}});
}

}  // namespace arrs::cli
