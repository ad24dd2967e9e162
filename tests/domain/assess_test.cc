// StripExplanations and AttachExplanations: the log keeps an assessment's figures, and
// the text is attached again from a fresh pricing when someone asks why.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "ledger/domain/assess.h"

namespace arrs::domain {
namespace {

v1::ClaimAssessed TwoLines() {
  v1::ClaimAssessed a;
  a.set_claim_id("C-1");
  for (int no = 1; no <= 2; ++no) {
    v1::AssessedLine* line = a.add_lines();
    line->set_line_no(no);
    line->set_staff_id(absl::StrCat("S-", no));
    line->set_claimed_pence(100000 * no);
    line->set_approved_pence(90000 * no);
    line->set_outcome(v1::APPROVED);
    line->set_explanation(std::string(600, 'x'));  // far beyond the short-string buffer
  }
  return a;
}

TEST(StripExplanationsTest, DropsTheTextAndItsMemoryButKeepsTheFigures) {
  v1::ClaimAssessed a = TwoLines();
  StripExplanations(&a);
  ASSERT_EQ(a.lines_size(), 2);
  for (const v1::AssessedLine& line : a.lines()) {
    EXPECT_TRUE(line.explanation().empty());
    // An assessment stays in memory while the ledger is open: a cleared string would
    // still hold its 600-byte buffer.
    EXPECT_LT(line.explanation().capacity(), 600u) << "line " << line.line_no();
  }
  EXPECT_EQ(a.lines(1).staff_id(), "S-2");
  EXPECT_EQ(a.lines(1).claimed_pence(), 200000);
  EXPECT_EQ(a.lines(1).approved_pence(), 180000);
  EXPECT_EQ(a.lines(1).outcome(), v1::APPROVED);
}

TEST(AttachExplanationsTest, CopiesTheTextOfMatchingLinesAndFlagsDifferingFigures) {
  v1::ClaimAssessed derived = TwoLines();
  derived.mutable_lines(0)->set_explanation("line one priced");
  derived.mutable_lines(1)->set_explanation("line two priced");
  v1::ClaimAssessed stored = TwoLines();
  StripExplanations(&stored);
  stored.mutable_lines(1)->set_approved_pence(1);  // the stored figures disagree

  AttachExplanations(derived, stored.mutable_lines());
  EXPECT_EQ(stored.lines(0).explanation(), "line one priced");
  EXPECT_NE(stored.lines(1).explanation().find("differ"), std::string::npos)
      << stored.lines(1).explanation();
  EXPECT_NE(stored.lines(1).explanation().find("line two priced"), std::string::npos);
}

}  // namespace
}  // namespace arrs::domain
