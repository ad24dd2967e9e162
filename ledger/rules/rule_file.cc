#include "ledger/rules/rule_file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "ledger/rules/rule_validate.h"
#include "ledger/util/civil_date.h"

namespace arrs::rules {
namespace {

namespace pb = google::protobuf;

// Collects the text parser's errors (0-based line/column as the tokenizer reports them).
class CollectErrors : public pb::io::ErrorCollector {
 public:
  struct Error {
    int line, column;
    std::string message;
  };
  void AddError(int line, pb::io::ColumnNumber column, const std::string& message) override {
    errors_.push_back(Error{line, column, message});
  }
  void AddWarning(int line, pb::io::ColumnNumber column, const std::string& message) override {
    AddError(line, column, message);  // strict: warnings (e.g. deprecated fields) refuse too
  }
  const std::vector<Error>& errors() const { return errors_; }

 private:
  std::vector<Error> errors_;
};

// The parser reports an unknown enum name (a misspelt role) at the token after it; point
// at the name itself: its last occurrence before the reported position.
void PointAtEnumName(absl::string_view text, CollectErrors::Error* e) {
  const std::string kMarker = "Unknown enumeration value of \"";
  const size_t at = e->message.find(kMarker);
  if (at == std::string::npos) return;
  const size_t start = at + kMarker.size();
  const size_t end = e->message.find('"', start);
  if (end == std::string::npos) return;
  const std::string name = e->message.substr(start, end - start);
  size_t offset = 0;  // offset of the reported position in text
  for (int line = 0; line < e->line && offset < text.size(); ++line) {
    const size_t nl = text.find('\n', offset);
    offset = nl == absl::string_view::npos ? text.size() : nl + 1;
  }
  offset = std::min(text.size(), offset + static_cast<size_t>(std::max(e->column, 0)));
  const size_t found = text.substr(0, offset).rfind(name);
  if (found == absl::string_view::npos) return;
  const size_t line_start = text.substr(0, found).rfind('\n');
  e->line = static_cast<int>(std::count(text.begin(), text.begin() + found, '\n'));
  e->column = static_cast<int>(line_start == absl::string_view::npos ? found
                                                                      : found - line_start - 1);
}

// The text position of the deepest field along `path` that is written in the file
// (0-based line/column), or {-1, -1} when none is.
pb::TextFormat::ParseLocation Locate(const pb::TextFormat::ParseInfoTree& root,
                                     const std::vector<PathStep>& path) {
  pb::TextFormat::ParseLocation best(-1, -1);
  const pb::TextFormat::ParseInfoTree* tree = &root;
  const pb::Descriptor* type = v1::FinancialYearRules::descriptor();
  for (const PathStep& step : path) {
    if (tree == nullptr || type == nullptr) break;
    const pb::FieldDescriptor* field = type->FindFieldByName(step.field);
    if (field == nullptr) break;
    const int index = field->is_repeated() ? std::max(step.index, 0) : -1;
    pb::TextFormat::ParseLocation here = tree->GetLocation(field, index);
    if (here.line >= 0) best = here;
    if (field->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE) break;
    tree = tree->GetTreeForNested(field, index);
    type = field->message_type();
  }
  return best;
}

int CompareDates(const v1::Date& a, const v1::Date& b) {
  const auto ta = std::make_tuple(a.year(), a.month(), a.day());
  const auto tb = std::make_tuple(b.year(), b.month(), b.day());
  return ta < tb ? -1 : ta > tb ? 1 : 0;
}

}  // namespace

absl::StatusOr<v1::FinancialYearRules> ParseRulesText(absl::string_view text,
                                                      absl::string_view filename) {
  const std::string name(filename);
  v1::FinancialYearRules rules;
  pb::TextFormat::ParseInfoTree tree;
  CollectErrors errors;
  pb::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  if (!parser.ParseFromString(std::string(text), &rules)) {
    if (errors.errors().empty()) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": not a valid rules file"));
    }
    std::vector<std::string> lines;
    for (CollectErrors::Error e : errors.errors()) {
      PointAtEnumName(text, &e);
      lines.push_back(absl::StrCat(name, ":", e.line + 1, ":", e.column + 1, ": ", e.message));
    }
    return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
  }
  std::vector<RuleIssue> issues = FindRuleIssues(rules);
  if (issues.empty()) return rules;
  std::vector<std::string> lines;
  for (const RuleIssue& issue : issues) {
    pb::TextFormat::ParseLocation at = Locate(tree, issue.path);
    if (at.line < 0) {  // e.g. financial_year missing altogether: the file as a whole
      lines.push_back(absl::StrCat(name, ":1:1: ", issue.message));
    } else {
      lines.push_back(
          absl::StrCat(name, ":", at.line + 1, ":", at.column + 1, ": ", issue.message));
    }
  }
  return absl::InvalidArgumentError(absl::StrJoin(lines, "\n"));
}

absl::StatusOr<v1::FinancialYearRules> LoadRulesFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open rules file"));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read failed"));
  return ParseRulesText(text.str(), path);
}

absl::StatusOr<std::vector<v1::FinancialYearRules>> LoadRulesDir(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) {
    return absl::NotFoundError(absl::StrCat(dir, ": cannot list rules folder: ", ec.message()));
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : it) {
    if (entry.is_regular_file() && entry.path().extension() == ".textproto") {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  struct Loaded {
    std::string file;
    v1::FinancialYearRules rules;
  };
  std::map<int, std::vector<Loaded>> by_year;
  for (const fs::path& file : files) {
    absl::StatusOr<v1::FinancialYearRules> rules = LoadRulesFile(file.string());
    if (!rules.ok()) return rules.status();
    const int fy = rules->financial_year();
    // "2022-23.textproto", "2022-23-r2.textproto": the first 7 characters name the year.
    const std::string stem = file.stem().string();
    absl::StatusOr<int> named = ParseFinancialYear(stem.substr(0, 7));
    if (named.ok() && (stem.size() == 7 || stem[7] == '-') && *named != fy) {
      return absl::InvalidArgumentError(
          absl::StrCat(file.string(), ": file is named for ", FormatFinancialYear(*named),
                       " but financial_year is ", fy, " (", FormatFinancialYear(fy), ")"));
    }
    by_year[fy].push_back(Loaded{file.string(), *std::move(rules)});
  }
  std::vector<v1::FinancialYearRules> out;
  for (auto& [fy, versions] : by_year) {
    // Several versions of one year are published in the order of their `published` days
    // (unset first), so the latest is in force; the order must be unambiguous.
    std::stable_sort(versions.begin(), versions.end(), [](const Loaded& a, const Loaded& b) {
      return std::make_tuple(a.rules.published().year(), a.rules.published().month(),
                             a.rules.published().day()) <
             std::make_tuple(b.rules.published().year(), b.rules.published().month(),
                             b.rules.published().day());
    });
    for (size_t i = 1; i < versions.size(); ++i) {
      const Loaded& a = versions[i - 1];
      const Loaded& b = versions[i];
      if (a.rules.version() == b.rules.version()) {
        return absl::InvalidArgumentError(absl::StrCat(
            b.file, ": a second rules file for ", FormatFinancialYear(fy), " version \"",
            b.rules.version(), "\" (already given by ", a.file, ")"));
      }
      if (CompareDates(a.rules.published(), b.rules.published()) == 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            b.file, ": a second rules file for ", FormatFinancialYear(fy), " (already given by ",
            a.file, ") with the same published day: give each later version of a year a "
            "later `published` day, which orders them"));
      }
    }
    for (Loaded& v : versions) out.push_back(std::move(v.rules));
  }
  return out;
}

}  // namespace arrs::rules
