#include "cli/demo_data.h"

namespace arrs::cli::demo {
namespace {

using absl::CivilDay;
constexpr auto kJoint = v1::MEMBER_PRACTICES_JOINTLY;
constexpr auto kLead = v1::LEAD_PRACTICE;
constexpr auto kThird = v1::THIRD_PARTY;

int64_t Pounds(int64_t pounds) { return pounds * 100; }

}  // namespace

std::vector<DemoPcn> Pcns() {
  return {
      {"U10001",
       "Riverside PCN",
       "QWE",
       "demo-icb-qwe-token",
       "demo-pcn-u10001-token",
       28000,
       1048,
       {{"B82005", "Riverside Surgery"},
        {"B82011", "Mill Lane Practice"},
        {"B82036", "Weir Medical Centre"}},
       {{v1::CLINICAL_PHARMACIST, 0, 0}, {v1::SOCIAL_PRESCRIBING_LINK_WORKER, 0, 0}}},
      {"U10002",
       "Meadows PCN",
       "QWE",
       "demo-icb-qwe-token",
       "demo-pcn-u10002-token",
       52000,
       982,
       {{"B83001", "Meadowside Health Centre"},
        {"B83014", "Orchard Surgery"},
        {"B83022", "Fieldgate Practice"},
        {"B83040", "Greenacre Medical Group"}},
       {{v1::CLINICAL_PHARMACIST, 1, 4000}}},
      {"U20003",
       "Harbour PCN",
       "QKK",
       "demo-icb-qkk-token",
       "demo-pcn-u20003-token",
       76000,
       1051,
       {{"Y02101", "Harbour View Surgery"},
        {"Y02117", "Quayside Medical Practice"},
        {"Y02130", "Lighthouse Health Centre"},
        {"Y02145", "Anchor Street Surgery"},
        {"Y02152", "Docklands Family Practice"}},
       {{v1::CLINICAL_PHARMACIST, 1, 6000}, {v1::FIRST_CONTACT_PHYSIOTHERAPIST, 0, 0}}},
      {"U20004",
       "City Central PCN",
       "QKK",
       "demo-icb-qkk-token",
       "demo-pcn-u20004-token",
       118000,
       950,
       {{"Y03201", "Central Medical Centre"},
        {"Y03208", "Cathedral Surgery"},
        {"Y03215", "Market Square Practice"},
        {"Y03223", "University Health Centre"},
        {"Y03231", "Northgate Surgery"},
        {"Y03240", "Riverside Walk Practice"}},
       {{v1::CLINICAL_PHARMACIST, 1, 10000}, {v1::FIRST_CONTACT_PHYSIOTHERAPIST, 1, 4000}}},
  };
}

std::vector<DemoStaff> StaffOf(size_t pcn) {
  // Everyone's core team, hired as the roles became reimbursable.
  std::vector<DemoStaff> staff = {
      {"CP-01", v1::CLINICAL_PHARMACIST, "7", kJoint, "", CivilDay(2019, 8, 1), 10000,
       Pounds(41500), "Priya Shah"},
      {"SPLW-01", v1::SOCIAL_PRESCRIBING_LINK_WORKER, "5", kThird, "Northshire Community Action",
       CivilDay(2019, 9, 1), 10000, Pounds(25200), "Tom Hughes"},
      {"CC-01", v1::CARE_COORDINATOR, "4", kJoint, "", CivilDay(2020, 5, 1), 10000, Pounds(22100),
       "Grace Okafor"},
      {"PT-01", v1::PHARMACY_TECHNICIAN, "5", kLead, "B82005", CivilDay(2020, 6, 1), 10000,
       Pounds(26900), "Sam Carter"},
      {"FCP-01", v1::FIRST_CONTACT_PHYSIOTHERAPIST, "7", kThird, "Northshire Community NHS Trust",
       CivilDay(2020, 7, 1), 6000, Pounds(26100), "Lewis Grant"},
      {"PARA-01", v1::PARAMEDIC, "7", kJoint, "", CivilDay(2021, 6, 1), 10000, Pounds(42100),
       "Hannah Price"},
      {"AP-01", v1::ADVANCED_PRACTITIONER, "8a", kJoint, "", CivilDay(2021, 9, 1), 10000,
       Pounds(52400), "Daniel Reid"},
      {"GPA-01", v1::GP_ASSISTANT, "4", kJoint, "", CivilDay(2022, 10, 3), 10000, Pounds(22800),
       "Chloe Evans"},
  };
  if (pcn == 0) {
    // Riverside (28,000): a second pharmacy technician over the 2020/21 cap of 1 WTE, and
    // a third advanced practitioner beyond the 2022/23 cap of 2 WTE.
    staff.push_back({"PT-02", v1::PHARMACY_TECHNICIAN, "5", kJoint, "", CivilDay(2020, 11, 2),
                     10000, Pounds(25600), "Owen Fletcher"});
    staff.push_back({"AP-02", v1::ADVANCED_PRACTITIONER, "8a", kJoint, "", CivilDay(2022, 4, 1),
                     10000, Pounds(53100), "Isla Morgan"});
    staff.push_back({"AP-03", v1::ADVANCED_PRACTITIONER, "8a", kJoint, "", CivilDay(2022, 10, 1),
                     10000, Pounds(53800), "Ethan Walsh"});
  }
  if (pcn >= 1) {
    staff.push_back({"MHP-01", v1::MENTAL_HEALTH_PRACTITIONER, "7", kThird,
                     "Northshire Mental Health NHS Trust", CivilDay(2021, 7, 1), 5000,
                     Pounds(21900), "Ruth Adeyemi", v1::MHP_SHARED_50});
    staff.push_back({"HWC-01", v1::HEALTH_AND_WELLBEING_COACH, "4", kJoint, "",
                     CivilDay(2021, 4, 1), 8000, Pounds(18400), "Ben Kowalski"});
    staff.push_back({"DTL-01", v1::DIGITAL_AND_TRANSFORMATION_LEAD, "8a", kLead, "B83001",
                     CivilDay(2022, 11, 1), 10000, Pounds(50200), "Maya Singh"});
  }
  if (pcn >= 2) {
    staff.push_back({"CP-02", v1::CLINICAL_PHARMACIST, "8a", kJoint, "", CivilDay(2020, 4, 1),
                     10000, Pounds(47900), "Arjun Mehta"});
    staff.push_back({"SPLW-02", v1::SOCIAL_PRESCRIBING_LINK_WORKER, "5", kThird,
                     "Harbour Wellbeing Trust", CivilDay(2021, 1, 4), 6000, Pounds(15600),
                     "Ellie Byrne"});
    staff.push_back({"PA-01", v1::PHYSICIAN_ASSOCIATE, "7", kJoint, "", CivilDay(2021, 10, 1),
                     10000, Pounds(43200), "Noah Clarke"});
    staff.push_back({"DIET-01", v1::DIETITIAN, "6", kThird, "Northshire Community NHS Trust",
                     CivilDay(2021, 5, 4), 4000, Pounds(13900), "Zara Ali"});
    staff.push_back({"EPN-01", v1::ENHANCED_PRACTICE_NURSE, "7", kJoint, "", CivilDay(2024, 5, 1),
                     10000, Pounds(46100), "Fiona Doyle"});
  }
  if (pcn >= 3) {
    staff.push_back({"CP-03", v1::CLINICAL_PHARMACIST, "7", kJoint, "", CivilDay(2021, 2, 1), 8000,
                     Pounds(35600), "Leah Wong"});
    staff.push_back({"PT-02", v1::PHARMACY_TECHNICIAN, "5", kJoint, "", CivilDay(2020, 11, 2),
                     10000, Pounds(26300), "Kieran Murphy"});
    staff.push_back({"AP-02", v1::ADVANCED_PRACTITIONER, "8a", kJoint, "", CivilDay(2022, 6, 1),
                     10000, Pounds(54500), "Sophie Turner"});
    staff.push_back({"POD-01", v1::PODIATRIST, "6", kThird, "City Foot Health CIC",
                     CivilDay(2022, 1, 10), 5000, Pounds(17800), "Marcus Bell"});
    staff.push_back({"OT-01", v1::OCCUPATIONAL_THERAPIST, "6", kJoint, "", CivilDay(2022, 3, 1),
                     10000, Pounds(35400), "Amy Richardson"});
    staff.push_back({"GP-01", v1::GENERAL_PRACTITIONER, "", kLead, "Y03201", CivilDay(2024, 9, 16),
                     10000, Pounds(75000), "Dr Oliver Hart"});
  }
  return staff;
}

std::vector<DemoChange> ChangesOf(size_t pcn) {
  std::vector<DemoChange> out;
  using K = DemoChange::Kind;
  if (pcn == 0) {
    // A pay rise, keyed wrongly (46,500 for 45,600): the admin replaces it (see demo_corrections.cc).
    out.push_back(
        {K::kPay, "CP-01", CivilDay(2023, 4, 1), 0, Pounds(46500), {}, 0, "", "pay-rise-cp-01"});
  }
  if (pcn == 1) {
    // FCP goes from 0.6 to 0.8 WTE, with pay to match; the first SPLW leaves.
    out.push_back({K::kFte, "FCP-01", CivilDay(2022, 9, 1), 8000, 0, {}, 0, "", "fte-fcp-01"});
    out.push_back(
        {K::kPay, "FCP-01", CivilDay(2022, 9, 1), 0, Pounds(34800), {}, 0, "", "pay-fcp-01"});
    out.push_back({K::kLeft,
                   "SPLW-01",
                   CivilDay(2022, 6, 30),
                   0,
                   0,
                   {},
                   0,
                   "moved to a hospital post",
                   "left-splw-01"});
  }
  if (pcn == 2) {
    // Parental leave at half pay, and a pay rise.
    out.push_back({K::kLeave, "CC-01", CivilDay(2023, 6, 1), 0, 0, CivilDay(2023, 11, 30), 5000,
                   "PARENTAL", "leave-cc-01"});
    out.push_back(
        {K::kPay, "CP-02", CivilDay(2024, 4, 1), 0, Pounds(50100), {}, 0, "", "pay-cp-02"});
  }
  if (pcn == 3) {
    // The GP was hired in September and started on 1 October 2024; an FTE change keyed
    // against the wrong member of staff, reversed by the admin (see demo_corrections.cc).
    out.push_back({K::kStart, "GP-01", CivilDay(2024, 10, 1), 0, 0, {}, 0, "", "start-gp-01"});
    out.push_back({K::kFte, "CP-02", CivilDay(2026, 3, 1), 8000, 0, {}, 0, "", "fte-cp-02"});
  }
  return out;
}

std::vector<absl::CivilDay> ClaimMonths() {
  std::vector<CivilDay> months = {CivilDay(2019, 9, 1), CivilDay(2019, 12, 1),
                                  CivilDay(2020, 3, 1)};
  for (int year = 2020; year <= 2025; ++year) {
    for (CivilDay m : {CivilDay(year, 5, 1), CivilDay(year, 8, 1), CivilDay(year, 11, 1),
                       CivilDay(year + 1, 2, 1)}) {
      months.push_back(m);
    }
  }
  return months;
}

int64_t OnCosts(int64_t salary_pence) { return salary_pence * 26 / 100; }

}  // namespace arrs::cli::demo
