#include "ledger/util/assert.h"

#include <gtest/gtest.h>

namespace arrs {
namespace {

TEST(AssertTest, TrueConditionPassesAndIsEvaluatedOnce) {
  int evaluations = 0;
  ARRS_ASSERT(++evaluations == 1, "evaluated once");
  EXPECT_EQ(evaluations, 1);
}

TEST(AssertDeathTest, FalseConditionPrintsWhereWhatAndWhyThenAborts) {
  const int count = -1;
  EXPECT_DEATH(ARRS_ASSERT(count >= 0, "count went negative"),
               "assert_test.cc:[0-9]+: assertion failed: count >= 0: count went negative");
}

#ifdef NDEBUG
TEST(AssertDeathTest, ActiveInReleaseBuilds) {
  EXPECT_DEATH(ARRS_ASSERT(false, "release"), "assertion failed: false: release");
}
#endif

}  // namespace
}  // namespace arrs
