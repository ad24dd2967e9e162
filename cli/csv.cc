#include "cli/csv.h"

#include <fstream>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace arrs::cli {

int CsvFile::Column(const std::string& name) const {
  for (size_t i = 0; i < header.size(); ++i) {
    if (header[i] == name) return static_cast<int>(i);
  }
  return -1;
}

absl::StatusOr<CsvFile> ParseCsv(const std::string& input) {
  std::string text = input;
  if (text.rfind("\xEF\xBB\xBF", 0) == 0) text.erase(0, 3);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string cell;
  bool quoted = false;     // inside quotes
  bool was_quoted = false; // the current cell began with a quote
  int line = 1;
  row.row_number = 1;
  auto end_cell = [&] {
    row.cells.push_back(was_quoted ? cell : std::string(absl::StripAsciiWhitespace(cell)));
    cell.clear();
    was_quoted = false;
  };
  auto end_row = [&] {
    end_cell();
    bool blank = true;
    for (const std::string& c : row.cells) blank &= c.empty();
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow();
    row.row_number = line + 1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"' && absl::StripAsciiWhitespace(cell).empty()) {
      cell.clear();
      quoted = true;
      was_quoted = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\r') {
      // ignored; the '\n' ends the row
    } else if (c == '\n') {
      end_row();
      ++line;
    } else {
      cell += c;
    }
  }
  if (quoted) {
    return absl::InvalidArgumentError(
        absl::StrCat("row ", row.row_number, ": a quoted field is not closed"));
  }
  if (!cell.empty() || !row.cells.empty()) end_row();
  CsvFile file;
  if (rows.empty()) return file;
  for (const std::string& h : rows.front().cells) {
    file.header.push_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(h)));
  }
  file.rows.assign(rows.begin() + 1, rows.end());
  return file;
}

absl::StatusOr<CsvFile> ReadCsvFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return ParseCsv(text.str());
}

}  // namespace arrs::cli
