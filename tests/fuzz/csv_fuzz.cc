// Fuzz target: a CSV import file (see fuzz_targets.h). The import commands (cli/cmd_import.cc)
// read the file with ParseCsv and each cell with these typed parsers.
#include <string>

#include "cli/csv.h"
#include "cli/parse.h"
#include "tests/fuzz/fuzz_targets.h"

namespace arrs::fuzz {

int FuzzCsv(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<cli::CsvFile> file = cli::ParseCsv(text);
  if (!file.ok()) {
    ARRS_FUZZ_CHECK(file.status().code() == absl::StatusCode::kInvalidArgument);
    return 0;
  }
  int last_row = 1;
  for (const cli::CsvRow& row : file->rows) {
    ARRS_FUZZ_CHECK(row.row_number > last_row);  // rows in order, after the header
    last_row = row.row_number;
    for (const std::string& cell : row.cells) {
      (void)cli::ParseDateArg(cell, "date");
      (void)cli::ParseMonthArg(cell, "month");
      (void)cli::ParseYearArg(cell, "year");
      (void)cli::ParseKnownAtArg(cell);
      absl::StatusOr<int64_t> pence = cli::ParsePoundsArg(cell, "amount");
      absl::StatusOr<int32_t> wte = cli::ParseWteArg(cell, "wte");
      if (wte.ok()) ARRS_FUZZ_CHECK(*wte >= 0);
      (void)cli::ParseMilliArg(cell, "weighted");
      absl::StatusOr<v1::Role> role = cli::ParseRoleArg(cell);
      if (role.ok()) (void)cli::RoleName(*role);
      absl::StatusOr<v1::EmploymentModel> model = cli::ParseEmploymentArg(cell);
      if (model.ok()) (void)cli::EmploymentName(*model);
      (void)cli::ParseLeaveKindArg(cell);
      (void)pence;
    }
  }
  for (const std::string& name : file->header) (void)file->Column(name);
  return 0;
}

}  // namespace arrs::fuzz
