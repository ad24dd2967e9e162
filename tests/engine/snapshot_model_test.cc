// The snapshot's encoding of a PCN model carries every field of the model. The restore
// check compares models through the same encoder, so it cannot see a field the encoder
// leaves out: this test can. A fully populated model must survive Encode -> Decode field
// for field (compared here, not through the encoder), and the sizes below fail to compile
// when a field is added to a model struct, pointing here.
#include <gtest/gtest.h>

#include <map>
#include <vector>

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

// Expects a.*field == b.*field for each field listed; a failure names the field by its
// place in the list (0 = the first).
template <typename Struct, typename... Fields>
void ExpectSameFields(const Struct& a, const Struct& b, Fields Struct::*... fields) {
  int place = 0;
  auto expect_same = [&](auto field) {
    EXPECT_EQ(a.*field, b.*field) << "field " << place << " of the list";
    ++place;
  };
  (expect_same(fields), ...);
}

void ExpectSameMessage(const google::protobuf::Message& a, const google::protobuf::Message& b) {
  EXPECT_TRUE(MessageDifferencer::Equals(a, b)) << a.DebugString() << "vs\n" << b.DebugString();
}

// Same length, and `expect_same(a[i], b[i])` for each i.
template <typename T, typename ExpectSame>
void ExpectSameVectors(const std::vector<T>& a, const std::vector<T>& b, ExpectSame expect_same) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) expect_same(a[i], b[i]);
}

// Same keys in the same order, and `expect_same(value in a, value in b)` for each key.
template <typename Key, typename T, typename ExpectSame>
void ExpectSameMaps(const std::map<Key, T>& a, const std::map<Key, T>& b, ExpectSame expect_same) {
  ASSERT_EQ(a.size(), b.size());
  for (auto i = a.begin(), j = b.begin(); i != a.end(); ++i, ++j) {
    EXPECT_EQ(i->first, j->first);
    expect_same(i->second, j->second);
  }
}

void ExpectSameStaff(const domain::StaffModel& a, const domain::StaffModel& b) {
  using domain::StaffModel;
  ExpectSameFields(a, b, &StaffModel::staff_id, &StaffModel::role, &StaffModel::band,
                   &StaffModel::employment_model, &StaffModel::employer_name,
                   &StaffModel::display_name, &StaffModel::hired, &StaffModel::started,
                   &StaffModel::left, &StaffModel::wte_bp, &StaffModel::hired_position);
  ExpectSameMaps(a.pay, b.pay, [](const domain::Pay& x, const domain::Pay& y) {
    ExpectSameFields(x, y, &domain::Pay::annual_salary_pence, &domain::Pay::annual_on_costs_pence);
  });
  ExpectSameVectors(a.leaves, b.leaves, [](const domain::Leave& x, const domain::Leave& y) {
    using domain::Leave;
    ExpectSameFields(x, y, &Leave::from, &Leave::to, &Leave::paid_share_bp, &Leave::kind);
  });
}

// Every field but the event pointers (submitted, assessment), which a snapshot does not
// hold by design: they are filled in when the stream's events are read.
void ExpectSameClaim(const domain::ClaimModel& a, const domain::ClaimModel& b) {
  using domain::ClaimModel;
  ExpectSameFields(a, b, &ClaimModel::claim_id, &ClaimModel::month, &ClaimModel::submitted_position,
                   &ClaimModel::assessed_position, &ClaimModel::reduced_pence,
                   &ClaimModel::paid_pence, &ClaimModel::paid_on, &ClaimModel::claimed_total_pence,
                   &ClaimModel::approved_total_pence);
  ExpectSameVectors(a.reductions, b.reductions, ExpectSameMessage);
}

void ExpectSamePcn(const domain::PcnModel& a, const domain::PcnModel& b) {
  using domain::PcnModel;
  ExpectSameFields(a, b, &PcnModel::registered, &PcnModel::pcn_code, &PcnModel::name,
                   &PcnModel::icb_code, &PcnModel::established, &PcnModel::london_zones,
                   &PcnModel::stream_version, &PcnModel::position);
  ExpectSameVectors(a.member_practices, b.member_practices, ExpectSameMessage);
  ExpectSameMaps(a.list_sizes, b.list_sizes,
                 [](const domain::ListSize& x, const domain::ListSize& y) {
                   ExpectSameFields(x, y, &domain::ListSize::registered_list_size,
                                    &domain::ListSize::weighted_population_milli);
                 });
  ExpectSameMaps(a.baseline, b.baseline, ExpectSameMessage);
  ExpectSameMaps(a.entitlements, b.entitlements, ExpectSameMessage);
  ExpectSameMaps(a.staff, b.staff, ExpectSameStaff);
  ExpectSameMaps(a.claims, b.claims, ExpectSameClaim);
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
