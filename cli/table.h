// Output of a command's result: an aligned table for people, CSV for spreadsheets and
// scripts, or the response message in protobuf's JSON mapping (--json).
#ifndef ARRS_CLI_TABLE_H_
#define ARRS_CLI_TABLE_H_

#include <string>
#include <vector>

#include "cli/context.h"
#include "google/protobuf/message.h"

namespace arrs::cli {

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  // Columns whose cells are numbers or money are right-aligned.
  Table& RightAlign(std::vector<int> columns);
  void AddRow(std::vector<std::string> cells);
  size_t rows() const { return rows_.size(); }

  std::string Aligned() const;
  std::string Csv() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<bool> right_;
};

// Money for a table cell: "£1,234.56" for people, "1234.56" in CSV.
std::string Money(const Context& ctx, int64_t pence);

// One CSV field, quoted when it holds a comma, quote or line break. A cell starting with
// = + - @ tab or CR that is not a plain number gets a leading ' (OWASP's advice against
// formula injection; docs/CLI.md).
std::string CsvField(const std::string& text);

// `text` for a terminal: control characters (C0, DEL, C1) and bidirectional overrides
// and isolates written as \xNN or \uNNNN escapes. Aligned tables, titles and notes use it.
std::string TerminalSafe(const std::string& text);

// The message as JSON (protobuf's mapping, enum names, fields with default values kept).
std::string ToJson(const google::protobuf::Message& message, bool pretty = true);

// Prints `message` as JSON, or the table aligned (with optional title lines above it
// and notes below it) or as CSV, per the context's format.
void Emit(const Context& ctx, const google::protobuf::Message& message, const Table& table,
          const std::vector<std::string>& title = {},
          const std::vector<std::string>& notes = {});

}  // namespace arrs::cli

#endif  // ARRS_CLI_TABLE_H_
