// RuleBook: supersede, reverse and bitemporal (known_at) answers.
#include "ledger/rules/rule_book.h"

#include "gtest/gtest.h"
#include "tests/rules/rules_test_support.h"

namespace arrs::rules {
namespace {

using testing::PublishEvent;
using testing::ReverseEvent;

v1::FinancialYearRules Version(int fy, const std::string& name) {
  v1::FinancialYearRules r;
  r.set_version(name);
  r.set_financial_year(fy);
  return r;
}

TEST(RuleBook, EmptyBookHasNothingInForce) {
  RuleBook book;
  EXPECT_EQ(book.ForYear(2022), nullptr);
  EXPECT_EQ(book.position(), 0u);
  EXPECT_FALSE(book.InForce(2022));
}

TEST(RuleBook, NewerVersionSupersedesFromItsPosition) {
  RuleBook book;
  book.Apply(PublishEvent(1, Version(2022, "2022/23 r1")));
  book.Apply(PublishEvent(2, Version(2023, "2023/24 r1")));
  book.Apply(PublishEvent(5, Version(2022, "2022/23 r2")));
  EXPECT_EQ(book.position(), 5u);
  EXPECT_EQ(book.ForYear(2022)->version(), "2022/23 r2");
  EXPECT_EQ(book.InForce(2022).published_at, 5u);
  EXPECT_EQ(book.ForYear(2022, 4)->version(), "2022/23 r1");  // as the log stood at 4
  EXPECT_EQ(book.InForce(2022, 4).published_at, 1u);
  EXPECT_EQ(book.ForYear(2022, 0), nullptr);
  EXPECT_EQ(book.ForYear(2023)->version(), "2023/24 r1");
  EXPECT_EQ(book.ForDate(absl::CivilDay(2023, 3, 31))->version(), "2022/23 r2");
  EXPECT_EQ(book.ForDate(absl::CivilDay(2023, 4, 1))->version(), "2023/24 r1");
  EXPECT_EQ(book.ForDate(absl::CivilDay(2024, 4, 1)), nullptr);
}

TEST(RuleBook, ReversalRestoresThePreviousVersionFromItsPosition) {
  RuleBook book;
  book.Apply(PublishEvent(1, Version(2022, "2022/23 r1")));
  book.Apply(PublishEvent(5, Version(2022, "2022/23 r2")));
  book.Apply(ReverseEvent(7, /*corrects=*/5));
  EXPECT_EQ(book.ForYear(2022)->version(), "2022/23 r1");
  EXPECT_EQ(book.InForce(2022).published_at, 1u);
  EXPECT_EQ(book.ForYear(2022, 6)->version(), "2022/23 r2");  // before the reversal
  EXPECT_EQ(book.ForYear(2022, 7)->version(), "2022/23 r1");
  EXPECT_EQ(book.position(), 7u);
}

TEST(RuleBook, ReversingTheOnlyVersionLeavesNone) {
  RuleBook book;
  book.Apply(PublishEvent(3, Version(2024, "2024/25 r1")));
  book.Apply(ReverseEvent(4, 3));
  EXPECT_EQ(book.ForYear(2024), nullptr);
  EXPECT_NE(book.ForYear(2024, 3), nullptr);
}

TEST(RuleBook, IgnoresOtherStreamsReplaysAndUnrelatedReversals) {
  RuleBook book;
  book.Apply(PublishEvent(2, Version(2022, "2022/23 r1")));
  v1::Event other = ReverseEvent(3, 2);
  other.set_stream("pcn/U12345");  // a reversal on another stream must not touch rules
  book.Apply(other);
  EXPECT_EQ(book.ForYear(2022)->version(), "2022/23 r1");
  book.Apply(PublishEvent(2, Version(2022, "replayed")));  // at or before position(): ignored
  EXPECT_EQ(book.ForYear(2022)->version(), "2022/23 r1");
  book.Apply(ReverseEvent(9, 8));  // names no publish
  EXPECT_EQ(book.ForYear(2022)->version(), "2022/23 r1");
  EXPECT_EQ(book.position(), 9u);
}

TEST(RuleBook, InvalidPublishedVersionIsRejectedNotUsed) {
  RuleBook book;
  book.Apply(PublishEvent(1, Version(2022, "2022/23 r1")));
  v1::FinancialYearRules bad = Version(2022, "2022/23 bad");
  bad.add_roles()->set_role(v1::CLINICAL_PHARMACIST);  // no dates, no percentage
  book.Apply(PublishEvent(2, bad));
  EXPECT_EQ(book.ForYear(2022)->version(), "2022/23 r1");
  ASSERT_EQ(book.rejected().size(), 1u);
  EXPECT_EQ(book.rejected()[0].first, 2u);
  EXPECT_NE(book.rejected()[0].second.message().find("eligible_from"), absl::string_view::npos);
}

TEST(RuleBook, PointersStayValidAsVersionsArrive) {
  RuleBook book;
  book.Apply(PublishEvent(1, Version(2022, "2022/23 r1")));
  const v1::FinancialYearRules* first = book.ForYear(2022);
  for (uint64_t p = 2; p < 200; ++p) book.Apply(PublishEvent(p, Version(2023, "x")));
  EXPECT_EQ(first->version(), "2022/23 r1");
  EXPECT_EQ(book.ForYear(2022), first);
}

TEST(RuleBook, ShippedFilesPublishCleanly) {
  RuleBook book;
  testing::PublishShipped(&book);
  for (int fy = 2019; fy <= 2025; ++fy) EXPECT_NE(book.ForYear(fy), nullptr) << fy;
  EXPECT_EQ(book.ForYear(2026), nullptr);
}

}  // namespace
}  // namespace arrs::rules
