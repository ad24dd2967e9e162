// A small CSV reader for the spreadsheets PCNs keep: RFC 4180 quoting ("a, b", "say
// ""hi"""), CRLF or LF line ends, quoted line breaks, a UTF-8 byte-order mark ignored.
#ifndef ARRS_CLI_CSV_H_
#define ARRS_CLI_CSV_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace arrs::cli {

struct CsvRow {
  int row_number = 0;  // as a spreadsheet shows it: the header is row 1
  std::vector<std::string> cells;
};

struct CsvFile {
  std::vector<std::string> header;  // lower-cased, trimmed
  std::vector<CsvRow> rows;         // blank rows left out

  // Index of a column by name, or -1.
  int Column(const std::string& name) const;
};

// Parses CSV text; the first non-blank row is the header. INVALID_ARGUMENT names the row
// of an unterminated quote.
absl::StatusOr<CsvFile> ParseCsv(const std::string& text);
absl::StatusOr<CsvFile> ReadCsvFile(const std::string& path);

}  // namespace arrs::cli

#endif  // ARRS_CLI_CSV_H_
