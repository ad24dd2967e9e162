// ListClaims: the commissioner's worklist across PCNs, by ICB, status and year, as known at
// any position; bad filters are refused naming the field.
#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

class ListClaimsTest : public LedgerFixture {
 protected:
  // Two PCNs in QWE and one in QKK, each with a clinical pharmacist and claims for May and
  // June 2023; U10001's May claim is assessed and paid, U10002's May claim assessed.
  void SetUp() override {
    LedgerFixture::SetUp();
    for (auto [pcn, icb] : {std::pair{"U10001", "QWE"}, {"U10002", "QWE"}, {"U20003", "QKK"}}) {
      Register(pcn, icb, 40000, 100000000);
      ASSERT_OK(Hire(pcn, "CP-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), 10000));
      ASSERT_OK(Claim(pcn, "2023-05", D(2023, 5, 1), {{"CP-1", 500000}}));
      ASSERT_OK(Claim(pcn, "2023-06", D(2023, 6, 1), {{"CP-1", 500000}}));
    }
    ASSERT_OK(Assess("U10001", "2023-05"));
    before_payment_ = Head();
    ASSERT_OK(Pay("U10001", "2023-05", D(2023, 7, 10), 494266));  // the approved amount
    ASSERT_OK(Assess("U10002", "2023-05"));
  }

  v1::ClaimList List(v1::ListClaimsRequest r) {
    if (IsUnset(r.as_of())) *r.mutable_as_of() = D(2024, 1, 1);
    absl::StatusOr<v1::ClaimList> list = ledger_->ListClaims(r);
    EXPECT_OK(list);
    return list.ok() ? *list : v1::ClaimList();
  }
  static std::vector<std::string> Keys(const v1::ClaimList& list) {
    std::vector<std::string> keys;
    for (const v1::ListedClaim& c : list.claims()) {
      keys.push_back(absl::StrCat(c.pcn_code(), "/", c.claim().claim_id(), "/", c.claim().status()));
    }
    return keys;
  }
  uint64_t before_payment_ = 0;
};

TEST_F(ListClaimsTest, ListsByIcbAndStatusInPcnAndMonthOrder) {
  v1::ListClaimsRequest r;
  r.set_icb_code("QWE");
  EXPECT_EQ(Keys(List(r)),
            (std::vector<std::string>{"U10001/2023-05/paid", "U10001/2023-06/submitted",
                                      "U10002/2023-05/assessed", "U10002/2023-06/submitted"}));
  r.add_statuses("submitted");
  r.add_statuses("assessed");
  EXPECT_EQ(Keys(List(r)),
            (std::vector<std::string>{"U10001/2023-06/submitted", "U10002/2023-05/assessed",
                                      "U10002/2023-06/submitted"}));
  v1::ListClaimsRequest national;
  national.add_statuses("submitted");
  EXPECT_EQ(List(national).claims_size(), 4);  // both of U20003, the June ones of QWE
  const v1::ClaimList list = List(national);
  EXPECT_EQ(list.claims(3).pcn_code(), "U20003");
  EXPECT_EQ(list.claims(3).icb_code(), "QKK");
  EXPECT_EQ(list.claims(3).pcn_name(), "PCN U20003");
  EXPECT_EQ(list.claims(3).claim().claimed_pence(), 500000);
}

TEST_F(ListClaimsTest, AsOfAndKnownAtShowTheClaimAsItWasThen) {
  v1::ListClaimsRequest r;
  r.set_icb_code("QWE");
  r.add_statuses("paid");
  EXPECT_EQ(List(r).claims_size(), 1);
  *r.mutable_as_of() = D(2023, 7, 9);  // the day before the payment
  EXPECT_EQ(List(r).claims_size(), 0);
  r.clear_as_of();
  r.mutable_known_at()->set_position(before_payment_);
  const v1::ClaimList then = List(r);
  EXPECT_EQ(then.claims_size(), 0);
  EXPECT_EQ(then.computed_at_position(), before_payment_);
  // Months after as_of are not listed.
  v1::ListClaimsRequest may;
  may.set_icb_code("QWE");
  *may.mutable_as_of() = D(2023, 5, 31);
  EXPECT_EQ(List(may).claims_size(), 2);
}

TEST_F(ListClaimsTest, YearFilterAndTruncation) {
  v1::ListClaimsRequest r;
  r.set_financial_year(2022);
  EXPECT_EQ(List(r).claims_size(), 0);
  r.set_financial_year(2023);
  EXPECT_EQ(List(r).claims_size(), 6);
  r.set_max_claims(4);
  const v1::ClaimList cut = List(r);
  EXPECT_EQ(cut.claims_size(), 4);
  EXPECT_TRUE(cut.truncated());
  r.set_max_claims(6);
  EXPECT_FALSE(List(r).truncated());
}

TEST_F(ListClaimsTest, BadFiltersAreRefusedNamingTheField) {
  struct Case {
    std::function<void(v1::ListClaimsRequest*)> make;
    const char* names;
  };
  const std::vector<Case> cases = {
      {[](v1::ListClaimsRequest* r) { r->add_statuses("approved"); }, "statuses"},
      {[](v1::ListClaimsRequest* r) {
         for (int i = 0; i < 5; ++i) r->add_statuses("paid");
       },
       "statuses"},
      {[](v1::ListClaimsRequest* r) { r->set_icb_code("not an icb"); }, "icb_code"},
      {[](v1::ListClaimsRequest* r) { r->set_financial_year(1999); }, "financial_year"},
      {[](v1::ListClaimsRequest* r) { r->set_max_claims(10001); }, "max_claims"},
  };
  for (const Case& c : cases) {
    v1::ListClaimsRequest r;
    c.make(&r);
    absl::StatusOr<v1::ClaimList> list = ledger_->ListClaims(r);
    ASSERT_FALSE(list.ok()) << c.names;
    EXPECT_EQ(list.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(list.status().message(), c.names)) << list.status();
  }
}

}  // namespace
}  // namespace arrs::testing_support
