// The tree's two status macros: RETURN_IF_ERROR and both forms of ASSIGN_OR_RETURN.
#include "ledger/util/status_macros.h"

#include <gtest/gtest.h>

#include <string>

namespace arrs {
namespace {

absl::StatusOr<int> Parse(const std::string& text) {
  if (text.empty()) return absl::InvalidArgumentError("--wte is empty");
  return static_cast<int>(text.size());
}

absl::Status Check(bool ok) { return ok ? absl::OkStatus() : absl::NotFoundError("no PCN"); }

absl::StatusOr<int> Twice(const std::string& text, bool check) {
  RETURN_IF_ERROR(Check(check));
  ASSIGN_OR_RETURN(n, Parse(text));
  return 2 * n;
}

// The three-argument form, as arrsctl's commands use it: an exit code, not a Status.
int ExitCode(const absl::Status& s) {
  return s.code() == absl::StatusCode::kInvalidArgument ? 2 : 1;
}
int Command(const std::string& text) {
  ASSIGN_OR_RETURN(n, Parse(text), ExitCode);
  return n == 3 ? 0 : 9;
}

TEST(StatusMacrosTest, ReturnIfErrorPassesTheFirstError) {
  EXPECT_EQ(Twice("abc", false).status().code(), absl::StatusCode::kNotFound);
}

TEST(StatusMacrosTest, AssignOrReturnAssignsOrReturnsTheStatus) {
  EXPECT_EQ(*Twice("abc", true), 6);
  absl::StatusOr<int> bad = Twice("", true);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "--wte is empty");
}

TEST(StatusMacrosTest, AssignOrReturnWithAHandlerReturnsWhatTheHandlerMakes) {
  EXPECT_EQ(Command("abc"), 0);
  EXPECT_EQ(Command("ab"), 9);
  EXPECT_EQ(Command(""), 2);
}

}  // namespace
}  // namespace arrs
