#include "cli/table.h"

#include <algorithm>
#include <cstdio>

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

}  // namespace

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
  std::vector<size_t> widths(headers_.size());
  for (size_t c = 0; c < headers_.size(); ++c) widths[c] = Width(headers_[c]);
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], Width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t pad = widths[c] - Width(cells[c]);
      const bool right = c < right_.size() && right_[c];
      if (c > 0) out += "  ";
      if (right) out += std::string(pad, ' ');
      out += cells[c];
      if (!right && c + 1 < cells.size()) out += std::string(pad, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers_);
  std::vector<std::string> rule;
  for (size_t w : widths) rule.push_back(std::string(w, '-'));
  out += line(rule);
  for (const auto& row : rows_) out += line(row);
  return out;
}

std::string Money(const Context& ctx, int64_t pence) {
  return ctx.format() == OutputFormat::kCsv ? FormatPoundsPlain(pence) : FormatPounds(pence);
}

std::string CsvField(const std::string& text) {
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
      for (const std::string& t : title) std::printf("%s\n", t.c_str());
      if (!title.empty()) std::printf("\n");
      std::fputs(table.Aligned().c_str(), stdout);
      if (!notes.empty()) std::printf("\n");
      for (const std::string& n : notes) std::printf("%s\n", n.c_str());
      return;
  }
}

}  // namespace arrs::cli
