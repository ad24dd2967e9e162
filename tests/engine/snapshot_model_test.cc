// The snapshot's encoding of a PCN model carries every field of the model. The restore
// check compares models through the same encoder, so it cannot see a field the encoder
// leaves out: this test can. A fully populated model must survive Encode -> Decode field
// for field (compared here, not through the encoder), and the sizes below fail to compile
// when a field is added to a model struct, pointing here.
#include <gtest/gtest.h>

#include "google/protobuf/util/message_differencer.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/engine/snapshot.h"
#include "tests/testing/status_matchers.h"

namespace arrs::engine {
namespace {

using ::google::protobuf::util::MessageDifferencer;

// Tripwire (this toolchain: Debian's GCC, x86-64). A field added to one of these structs
// changes its size: carry the field in EncodePcn/DecodePcn (ledger/engine/snapshot.cc)
// and proto/arrs/v1/snapshot.proto, set it in FullModel() and compare it in the Expect*
// functions below, then update the size here.
static_assert(sizeof(domain::PcnModel) == 448, "PcnModel changed: see the comment above");
static_assert(sizeof(domain::StaffModel) == 336, "StaffModel changed: see the comment above");
static_assert(sizeof(domain::ClaimModel) == 200, "ClaimModel changed: see the comment above");
static_assert(sizeof(domain::Pay) == 16, "Pay changed: see the comment above");
static_assert(sizeof(domain::Leave) == 40, "Leave changed: see the comment above");
static_assert(sizeof(domain::ListSize) == 16, "ListSize changed: see the comment above");

template <typename Message>
void ExpectSameMessages(const std::vector<Message>& a, const std::vector<Message>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(MessageDifferencer::Equals(a[i], b[i]));
}

template <typename Key, typename Message>
void ExpectSameMessages(const std::map<Key, Message>& a, const std::map<Key, Message>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    EXPECT_EQ(i->first, j->first);
    EXPECT_TRUE(MessageDifferencer::Equals(i->second, j->second));
  }
}

void ExpectSameStaff(const domain::StaffModel& a, const domain::StaffModel& b) {
  EXPECT_EQ(a.staff_id, b.staff_id);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.band, b.band);
  EXPECT_EQ(a.employment_model, b.employment_model);
  EXPECT_EQ(a.employer_name, b.employer_name);
  EXPECT_EQ(a.display_name, b.display_name);
  EXPECT_EQ(a.hired, b.hired);
  EXPECT_EQ(a.started, b.started);
  EXPECT_EQ(a.left, b.left);
  EXPECT_EQ(a.wte_bp, b.wte_bp);
  ASSERT_EQ(a.pay.size(), b.pay.size());
  for (auto i = a.pay.begin(), j = b.pay.begin(); i != a.pay.end(); ++i, ++j) {
    EXPECT_EQ(i->first, j->first);
    EXPECT_EQ(i->second.annual_salary_pence, j->second.annual_salary_pence);
    EXPECT_EQ(i->second.annual_on_costs_pence, j->second.annual_on_costs_pence);
  }
  ASSERT_EQ(a.leaves.size(), b.leaves.size());
  for (size_t i = 0; i < a.leaves.size(); ++i) {
    EXPECT_EQ(a.leaves[i].from, b.leaves[i].from);
    EXPECT_EQ(a.leaves[i].to, b.leaves[i].to);
    EXPECT_EQ(a.leaves[i].paid_share_bp, b.leaves[i].paid_share_bp);
    EXPECT_EQ(a.leaves[i].kind, b.leaves[i].kind);
  }
  EXPECT_EQ(a.hired_position, b.hired_position);
}

// Every field but the event pointers (submitted, assessment), which a snapshot does not
// hold by design: they are filled in when the stream's events are read.
void ExpectSameClaim(const domain::ClaimModel& a, const domain::ClaimModel& b) {
  EXPECT_EQ(a.claim_id, b.claim_id);
  EXPECT_EQ(a.month, b.month);
  EXPECT_EQ(a.submitted_position, b.submitted_position);
  EXPECT_EQ(a.assessed_position, b.assessed_position);
  EXPECT_EQ(a.reduced_pence, b.reduced_pence);
  ExpectSameMessages(a.reductions, b.reductions);
  EXPECT_EQ(a.paid_pence, b.paid_pence);
  EXPECT_EQ(a.paid_on, b.paid_on);
  EXPECT_EQ(a.claimed_total_pence, b.claimed_total_pence);
  EXPECT_EQ(a.approved_total_pence, b.approved_total_pence);
}

void ExpectSamePcn(const domain::PcnModel& a, const domain::PcnModel& b) {
  EXPECT_EQ(a.registered, b.registered);
  EXPECT_EQ(a.pcn_code, b.pcn_code);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.icb_code, b.icb_code);
  ExpectSameMessages(a.member_practices, b.member_practices);
  EXPECT_EQ(a.established, b.established);
  ASSERT_EQ(a.list_sizes.size(), b.list_sizes.size());
  for (auto i = a.list_sizes.begin(), j = b.list_sizes.begin(); i != a.list_sizes.end();
       ++i, ++j) {
    EXPECT_EQ(i->first, j->first);
    EXPECT_EQ(i->second.registered_list_size, j->second.registered_list_size);
    EXPECT_EQ(i->second.weighted_population_milli, j->second.weighted_population_milli);
  }
  EXPECT_EQ(a.london_zones, b.london_zones);
  ExpectSameMessages(a.baseline, b.baseline);
  ExpectSameMessages(a.entitlements, b.entitlements);
  ASSERT_EQ(a.staff.size(), b.staff.size());
  for (auto i = a.staff.begin(), j = b.staff.begin(); i != a.staff.end(); ++i, ++j) {
    EXPECT_EQ(i->first, j->first);
    ExpectSameStaff(i->second, j->second);
  }
  ASSERT_EQ(a.claims.size(), b.claims.size());
  for (auto i = a.claims.begin(), j = b.claims.begin(); i != a.claims.end(); ++i, ++j) {
    EXPECT_EQ(i->first, j->first);
    ExpectSameClaim(i->second, j->second);
  }
  EXPECT_EQ(a.stream_version, b.stream_version);
  EXPECT_EQ(a.position, b.position);
}

// Every field set to something other than its default.
domain::PcnModel FullModel() {
  domain::PcnModel m;
  m.registered = true;
  m.pcn_code = "U10001";
  m.name = "North PCN";
  m.icb_code = "QAA";
  v1::Practice practice;
  practice.set_ods_code("P10001");
  practice.set_name("Practice");
  m.member_practices.push_back(practice);
  m.established = absl::CivilDay(2019, 7, 1);
  m.list_sizes[absl::CivilDay(2019, 1, 1)] = {50000, 51000000};
  m.list_sizes[absl::CivilDay(2023, 1, 1)] = {52000, 53000000};
  m.london_zones[absl::CivilDay(2019, 4, 1)] = v1::OUTER_LONDON;
  m.london_zones[absl::CivilDay(2024, 10, 1)] = v1::INNER_LONDON;
  v1::RoleBaseline baseline;
  baseline.set_role(v1::CLINICAL_PHARMACIST);
  baseline.set_wte_bp(5000);
  m.baseline[v1::CLINICAL_PHARMACIST] = baseline;
  v1::EntitlementSet entitlement;
  entitlement.set_financial_year(2023);
  entitlement.set_sum_pence(50000000);
  m.entitlements[2023] = entitlement;

  domain::StaffModel& s = m.staff["cp-1"];
  s.staff_id = "cp-1";
  s.role = v1::CLINICAL_PHARMACIST;
  s.band = "7";
  s.employment_model = v1::LEAD_PRACTICE;
  s.employer_name = "Lead Practice";
  s.display_name = "A. Pharmacist";
  s.hired = absl::CivilDay(2023, 3, 20);
  s.started = absl::CivilDay(2023, 4, 1);
  s.left = absl::CivilDay(2024, 3, 31);
  s.wte_bp[absl::CivilDay(2023, 4, 1)] = 10000;
  s.wte_bp[absl::CivilDay(2023, 9, 1)] = 6000;
  s.pay[absl::CivilDay(2023, 4, 1)] = {5000000, 1200000};
  s.leaves.push_back({absl::CivilDay(2023, 6, 1), absl::CivilDay(2023, 6, 30), 5000,
                      v1::PARENTAL});
  s.hired_position = 12;

  domain::ClaimModel& c = m.claims["2023-06"];
  c.claim_id = "2023-06";
  c.month = absl::CivilDay(2023, 6, 1);
  c.submitted_position = 20;
  c.assessed_position = 21;
  c.reduced_pence[1] = 400000;
  v1::ClaimLineReduced reduction;
  reduction.set_claim_id("2023-06");
  reduction.set_line_no(1);
  reduction.set_approved_pence(400000);
  c.reductions.push_back(reduction);
  c.paid_pence = 400000;
  c.paid_on = absl::CivilDay(2023, 7, 15);
  c.claimed_total_pence = 500000;
  c.approved_total_pence = 400000;

  m.stream_version = 9;
  m.position = 23;
  return m;
}

TEST(SnapshotModelTest, AFullyPopulatedModelSurvivesEncodeAndDecodeFieldForField) {
  const domain::PcnModel model = FullModel();
  absl::StatusOr<domain::PcnModel> decoded = DecodePcnModel(EncodePcnModel(model));
  ASSERT_OK(decoded);
  ExpectSamePcn(model, *decoded);
}

TEST(SnapshotModelTest, BytesThatDoNotParseAreRefused) {
  absl::StatusOr<domain::PcnModel> decoded = DecodePcnModel("\xff\xff\xff");
  EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace arrs::engine
