// arrsctl's output cannot be turned against its reader (issue 22 findings 7 and 11): CSV
// cells a spreadsheet would run as formulas are neutralised, and control and
// bidirectional-override characters are escaped in tables.
#include <gtest/gtest.h>

#include <string>

#include "cli/table.h"
#include "ledger/domain/field_checks.h"

namespace arrs::cli {
namespace {

TEST(CsvFormulaInjectionTest, CellsStartingWithFormulaCharactersGetALeadingQuote) {
  // Quoted as CSV too where they hold a quote, a comma or a line break.
  EXPECT_EQ(CsvField("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
  EXPECT_EQ(CsvField("\rcmd"), "\"'\rcmd\"");
  for (const char* formula : {"@SUM(A1:A9)", "-A1", "+1+1", "-2+3", "\tcmd"}) {
    EXPECT_EQ(CsvField(formula), std::string("'") + formula);
  }
  // Plain numbers (negative money, WTE differences) stay numbers; other text is untouched.
  for (const char* plain : {"-1234.56", "-1.0", "Riverside PCN", ""}) {
    EXPECT_EQ(CsvField(plain), plain);
  }
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");  // quoted as any CSV field with a comma
}

TEST(TerminalSafeTest, ControlAndBidiCharactersAreEscaped) {
  EXPECT_EQ(TerminalSafe("ok £5"), "ok £5");
  EXPECT_EQ(TerminalSafe("a\x1b[31mred"), "a\\x1b[31mred");
  EXPECT_EQ(TerminalSafe("del\x7f"), "del\\x7f");
  EXPECT_EQ(TerminalSafe("csi\xc2\x9b"), "csi\\u009b");
  EXPECT_EQ(TerminalSafe("abc\xe2\x80\xae" "cba"), "abc\\u202ecba");
  EXPECT_EQ(TerminalSafe("\xe2\x81\xa6x"), "\\u2066x");
  EXPECT_EQ(TerminalSafe("dash \xe2\x80\x94 ok"), "dash \xe2\x80\x94 ok");  // em dash kept

  Table table({"reason"});
  table.AddRow({"pay\xe2\x80\xaeyap"});
  EXPECT_EQ(table.Aligned().find("\xe2\x80\xae"), std::string::npos);
}

TEST(TextFieldTest, C1ControlsBidiOverridesAndDelAreRefused) {
  for (const char* bad : {"a\x7f", "a\xc2\x9b" "31m", "pay\xe2\x80\xae" "yap", "\xe2\x81\xa9"}) {
    absl::Status s = domain::CheckText("header.reason", bad, false);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("header.reason"), std::string::npos);
  }
  EXPECT_TRUE(domain::CheckText("header.reason", "Café — ok", false).ok());
}

}  // namespace
}  // namespace arrs::cli
