#include "cli/commands.h"

#include "absl/strings/str_cat.h"
#include "cli/table.h"

namespace arrs::cli {

int PrintCommandResult(const Context& ctx, const v1::CommandResult& result,
                       const std::string& what) {
  Table table({"result", "first_position", "last_position", "stream_version"});
  table.RightAlign({1, 2, 3});
  table.AddRow({result.deduplicated() ? "already recorded (same request id)" : "recorded",
                absl::StrCat(result.first_position()), absl::StrCat(result.last_position()),
                absl::StrCat(result.stream_version())});
  Emit(ctx, result, table, {what});
  return kExitOk;
}

absl::StatusOr<v1::KnownAt> KnownAtOption(const Context& ctx) {
  return ParseKnownAtArg(ctx.options.known_at);
}

absl::StatusOr<v1::Date> AsOfOption(const Context& ctx) {
  return ParseDateArg(ctx.options.as_of, "--as-of");
}

}  // namespace arrs::cli
