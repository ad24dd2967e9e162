#include "services/config_text.h"

#include <fstream>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace arrs::services {

absl::StatusOr<std::string> ReadAtMost(const std::string& path, size_t max_bytes,
                                       absl::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::string text(max_bytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  return text;
}

absl::Status ForEachConfigLine(
    absl::string_view text, absl::string_view what,
    const std::function<absl::Status(const std::vector<std::string>& fields,
                                     const ConfigLineError& bad)>& line_fn) {
  int line_no = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_no;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    const ConfigLineError bad = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat(what, " line ", line_no, ": ", why));
    };
    if (absl::Status s = line_fn(fields, bad); !s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace arrs::services
