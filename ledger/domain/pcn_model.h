// PcnModel: everything the ledger knows about one PCN, folded from its stream
// ("pcn/<code>") as known at some log position. Claims point into the folded events, so
// a model must not outlive them (the engine keeps every event for the ledger's life).
//
// Facts are kept as timelines keyed by their effective (valid) date, so one folded model
// answers any as_of date; the known_at dimension is chosen by which events are folded.
// Compensating events are resolved before folding (see FoldPcn): a reversed or replaced
// event does not count, its replacement does.
//
// Thread safety: a PcnModel is a value; concurrent const use is safe.
#ifndef ARRS_LEDGER_DOMAIN_PCN_MODEL_H_
#define ARRS_LEDGER_DOMAIN_PCN_MODEL_H_

#include <cstdint>
#include <map>
#include <unordered_map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "arrs/v1/events.pb.h"
#include "ledger/rules/calculator.h"

namespace arrs::domain {

// A value that holds from its key date until the next key date.
template <typename T>
using Timeline = std::map<absl::CivilDay, T>;

// The value in force on `day`, or nullptr before the first entry.
template <typename T>
const T* ValueOn(const Timeline<T>& timeline, absl::CivilDay day) {
  auto it = timeline.upper_bound(day);
  if (it == timeline.begin()) return nullptr;
  return &std::prev(it)->second;
}

struct Pay {
  int64_t annual_salary_pence = 0;
  int64_t annual_on_costs_pence = 0;
  int64_t annual_total_pence() const { return annual_salary_pence + annual_on_costs_pence; }
};

struct Leave {
  absl::CivilDay from;
  absl::CivilDay to;
  int32_t paid_share_bp = 0;
  v1::LeaveKind kind = v1::LEAVE_KIND_UNSPECIFIED;
};

struct StaffModel {
  std::string staff_id;
  v1::Role role = v1::ROLE_UNSPECIFIED;
  std::string band;
  v1::MhpFunding mhp_funding = v1::MHP_FUNDING_UNSPECIFIED;  // mental health practitioners
  v1::EmploymentModel employment_model = v1::EMPLOYMENT_MODEL_UNSPECIFIED;
  std::string employer_name;
  std::string display_name;
  absl::CivilDay hired;
  std::optional<absl::CivilDay> started;
  std::optional<absl::CivilDay> left;  // last day in post
  Timeline<int32_t> wte_bp;
  Timeline<Pay> pay;
  std::vector<Leave> leaves;
  uint64_t hired_position = 0;

  // In post from the start date (the hire date when no start was recorded) to the
  // leaving date inclusive.
  absl::CivilDay FirstDayInPost() const { return started ? *started : hired; }
  bool InPost(absl::CivilDay day) const;
  // True when in post on some day of [first, last].
  bool InPostDuring(absl::CivilDay first, absl::CivilDay last) const;
  // Contracted WTE on `day` (0 when not in post).
  int32_t ContractedWteOn(absl::CivilDay day) const;
  // WTE the PCN pays for on `day`: contracted WTE reduced by the paid share of any leave.
  int32_t PaidWteOn(absl::CivilDay day) const;
  // Day ranges of [first, last] with their paid WTE; days not in post are left out.
  std::vector<rules::PostSegment> Segments(absl::CivilDay first, absl::CivilDay last) const;
  // Actual monthly cost at `day` (annual salary + on-costs over 12, rounded down).
  int64_t MonthlyCostPenceOn(absl::CivilDay day) const;
};

struct ListSize {
  int64_t registered_list_size = 0;
  int64_t weighted_population_milli = 0;
};

// A claim refers to the events it was folded from (never copies their lines): a model
// must not outlive the events it was folded from. Its totals are kept as figures too, so
// that a model restored from a snapshot answers balances before its events are read (its
// event pointers are then null until the ledger reads the stream; see LedgerState).
struct ClaimModel {
  std::string claim_id;
  absl::CivilDay month;
  const v1::ClaimSubmitted* submitted = nullptr;
  uint64_t submitted_position = 0;
  const v1::ClaimAssessed* assessment = nullptr;  // null until assessed
  uint64_t assessed_position = 0;
  // line_no -> approved after an ICB reduction.
  std::map<int32_t, int64_t> reduced_pence;
  std::vector<v1::ClaimLineReduced> reductions;
  int64_t paid_pence = 0;
  std::optional<absl::CivilDay> paid_on;
  // Claimed total and approved total after reductions, kept by PcnModel::Apply.
  int64_t claimed_total_pence = 0;
  int64_t approved_total_pence = 0;

  bool assessed() const { return assessed_position != 0; }
  // The submitted lines (empty before a submission is folded).
  const google::protobuf::RepeatedPtrField<v1::ClaimLine>& lines() const;
  int64_t ClaimedPence() const { return claimed_total_pence; }
  // Approved total after reductions (0 before assessment).
  int64_t ApprovedPence() const { return approved_total_pence; }
  // Approved amount of one line after reductions (0 when not assessed or no such line).
  // Reads the assessment event.
  int64_t ApprovedLinePence(int32_t line_no) const;
  // Set the claimed total from the submission event, and the approved total from the
  // assessment event and the reductions.
  void RecomputeClaimed();
  void RecomputeApproved();
  // On `as_of`: "submitted", "assessed", "paid" (paid on or before as_of), or "overpaid"
  // when a correction lowered the approved amount below what was paid by then.
  const char* Status(absl::CivilDay as_of) const;
};

class PcnModel {
 public:
  // Folds one event that is in force (not cancelled). Events must come in position order.
  void Apply(const v1::Event& event);

  bool registered = false;
  std::string pcn_code;
  std::string name;
  std::string icb_code;
  std::vector<v1::Practice> member_practices;
  absl::CivilDay established;
  Timeline<ListSize> list_sizes;
  Timeline<v1::LondonZone> london_zones;  // LondonZoneRecorded, by effective date
  std::map<v1::Role, v1::RoleBaseline> baseline;
  std::map<int, v1::EntitlementSet> entitlements;  // by financial year
  std::map<std::string, StaffModel> staff;
  std::map<std::string, ClaimModel> claims;
  // Version of the stream and global position of the last event folded (cancelled
  // events and corrections included).
  uint64_t stream_version = 0;
  uint64_t position = 0;

  // The list size in force on `day` (the latest recorded on or before it; else the
  // earliest recorded; zeros when none).
  ListSize ListSizeOn(absl::CivilDay day) const;
  int32_t BaselineWte(v1::Role role) const;
  // The London zone over [first, last] as calculator spans (empty: outside London).
  std::vector<rules::ZoneSpan> ZonesIn(absl::CivilDay first, absl::CivilDay last) const;
  // Sum of approved amounts of claims for months of `financial_year`, except `except`.
  int64_t ApprovedInYear(int financial_year, const std::string& except_claim = "") const;
};

// How compensating events resolve, for one stream as known at `known_at`.
//
// Every ordinary event opens a "slot" holding that fact. A correction names a target
// position and acts on the target's slot: a replacement puts its own payload in the slot
// (the fact as it should have been, folded where the original stood); a reversal undoes
// its target — an ordinary event's slot becomes empty, a replacement's slot gets back
// what that replacement had displaced, a reversal's undo is itself undone. Only the last
// event to act on a slot may be corrected again.
struct CorrectionView {
  // Slot contents in slot (original position) order; reversed slots are left out.
  std::vector<const v1::Event*> in_force;
  // Events that may be corrected now: the last to act on their slot.
  std::set<uint64_t> correctable;
  // For events that may not: the event that last acted on their slot.
  std::map<uint64_t, uint64_t> superseded_by;
  uint64_t stream_version = 0;
  uint64_t position = 0;
};

CorrectionView ResolveCorrections(const std::vector<const v1::Event*>& events,
                                  uint64_t known_at);

// The model of one PCN stream (events in position order) as known at `known_at`.
PcnModel FoldPcn(const std::vector<const v1::Event*>& events, uint64_t known_at);

// The staff id an event is about ("" when none).
std::string StaffIdOf(const v1::Payload& payload);
// The claim id of a claim or money event's payload (submitted, assessed, line reduced,
// paid, arrears paid, overpayment recovered); nullptr for any other kind. No copy.
const std::string* ClaimIdIn(const v1::Payload& payload);
// As ClaimIdIn, with "" for any other kind.
const std::string& ClaimIdOf(const v1::Payload& payload);

}  // namespace arrs::domain

#endif  // ARRS_LEDGER_DOMAIN_PCN_MODEL_H_
