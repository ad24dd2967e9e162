#include "cli/table.h"

#include <algorithm>
#include <cstdio>
#include <string_view>

#include "absl/strings/str_format.h"

#include "google/protobuf/util/json_util.h"
#include "ledger/util/money.h"

namespace arrs::cli {
namespace {

// Display width in characters (UTF-8: count bytes that do not continue a sequence).
size_t Width(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// "-12.50", "+3", "1234": a number a spreadsheet reads as a number, not a formula.
bool PlainNumber(const std::string& s) {
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digits = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') {
      digits = true;
    } else if (s[i] == '.' && !dot) {
      dot = true;
    } else {
      return false;
    }
  }
  return digits;
}

}  // namespace

std::string TerminalSafe(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    const unsigned char c1 = i + 1 < text.size() ? text[i + 1] : 0;
    const unsigned char c2 = i + 2 < text.size() ? text[i + 2] : 0;
    if (c < 0x20 || c == 0x7f) {
      out += absl::StrFormat("\\x%02x", c);
    } else if (c == 0xc2 && c1 >= 0x80 && c1 <= 0x9f) {
      out += absl::StrFormat("\\u%04x", c1);
      i += 1;
    } else if (c == 0xe2 && ((c1 == 0x80 && c2 >= 0xaa && c2 <= 0xae) ||
                             (c1 == 0x81 && c2 >= 0xa6 && c2 <= 0xa9))) {
      out += absl::StrFormat("\\u%04x", ((c1 & 0x3f) << 6 | (c2 & 0x3f)) | 0x2000);
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

Table& Table::RightAlign(std::vector<int> columns) {
  right_.assign(headers_.size(), false);
  for (int c : columns) {
    if (c >= 0 && static_cast<size_t>(c) < right_.size()) right_[c] = true;
  }
  return *this;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string Table::Aligned() const {
  std::vector<std::vector<std::string>> rows;
  for (const auto& row : rows_) {
    std::vector<std::string> safe;
    for (const std::string& cell : row) safe.push_back(TerminalSafe(cell));
    rows.push_back(std::move(safe));
  }
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = Width(headers_[c]);
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t pad = widths[c] - Width(cells[c]);
      const bool right = c < right_.size() && right_[c];
      if (c > 0) out += "  ";
      if (right) out += std::string(pad, ' ');
      out += cells[c];  // already TerminalSafe (below)
      if (!right && c + 1 < cells.size()) out += std::string(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers_);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  out += line(rule);
  for (const auto& row : rows) out += line(row);
  return out;
}

std::string Money(const Context& ctx, int64_t pence) {
  return ctx.format() == OutputFormat::kCsv ? FormatPoundsPlain(pence) : FormatPounds(pence);
}

std::string CsvField(const std::string& cell) {
  // OWASP's advice against formula injection: a cell starting with = + - @ tab or CR is
  // read by spreadsheets as a formula; a leading ' makes it text. Plain numbers
  // (negative money) are left as numbers.
  std::string text = cell;
  if (!text.empty() && std::string_view("=+-@\t\r").find(text[0]) != std::string_view::npos &&
      !PlainNumber(text)) {
    text.insert(0, "'");
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Table::Csv() const {
  auto line = [](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) out += ',';
      out += CsvField(cells[c]);
    }
    return out + "\n";
  };
  std::string out = line(headers_);
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string ToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = pretty;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = true;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) return "{}";
  return out;
}

void Emit(const Context& ctx, const google::protobuf::Message& message, const Table& table,
          const std::vector<std::string>& title, const std::vector<std::string>& notes) {
  switch (ctx.format()) {
    case OutputFormat::kJson:
      std::fputs(ToJson(message).c_str(), stdout);
      std::fputs("\n", stdout);
      return;
    case OutputFormat::kCsv:
      std::fputs(table.Csv().c_str(), stdout);
      return;
    case OutputFormat::kTable:
      for (const std::string& t : title) std::printf("%s\n", TerminalSafe(t).c_str());
      if (!title.empty()) std::printf("\n");
      std::fputs(table.Aligned().c_str(), stdout);
      if (!notes.empty()) std::printf("\n");
      for (const std::string& n : notes) std::printf("%s\n", TerminalSafe(n).c_str());
      return;
  }
}

}  // namespace arrs::cli
