// Reading the small text files arrsd is configured with (tokens file, JWT config, JWKS):
// a size-bounded read, and a walk over their "field field ..." lines.
#ifndef ARRS_SERVICES_CONFIG_TEXT_H_
#define ARRS_SERVICES_CONFIG_TEXT_H_

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arrs::services {

// The first `max_bytes + 1` bytes of the file at `path` (all of a smaller file), read
// as binary: one byte past the limit, so that the caller can refuse a file over it.
// Errors: NOT_FOUND "cannot read <what> <path>" when it cannot be opened.
absl::StatusOr<std::string> ReadAtMost(const std::string& path, size_t max_bytes,
                                       absl::string_view what);

// Calls `line_fn(fields, bad)` for each line of `text` that is neither blank nor a
// comment ('#' first), with the line's fields (split on spaces and tabs) and `bad`, which
// makes INVALID_ARGUMENT "<what> line <n>: <why>" for that line. Stops at, and returns,
// the first error `line_fn` returns.
using ConfigLineError = std::function<absl::Status(absl::string_view why)>;
absl::Status ForEachConfigLine(
    absl::string_view text, absl::string_view what,
    const std::function<absl::Status(const std::vector<std::string>& fields,
                                     const ConfigLineError& bad)>& line_fn);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_CONFIG_TEXT_H_
