// Fuzz target: command requests (see fuzz_targets.h). The first byte picks the kind, the
// rest is parsed as that request's protobuf; the domain validates and decides it against a
// PCN with history (registered, list size, entitlement, a hire, a claim assessed and paid)
// under the shipped rule book, and whatever it decides is folded into a copy of the model.
#include <deque>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "arrs/v1/api.pb.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/domain/restate.h"
#include "ledger/domain/settle.h"
#include "ledger/rules/rule_book.h"
#include "ledger/rules/rule_file.h"
#include "ledger/util/civil_date.h"
#include "tests/fuzz/fuzz_targets.h"

namespace arrs::fuzz {
namespace {

constexpr char kPcn[] = "U10001";

// The PCN's stream and model (copyable: each input folds into its own copy). A model
// points into the events it was folded from, so they live in a deque (stable addresses)
// for as long as the model.
struct Stream {
  domain::PcnModel pcn;
  std::deque<v1::Event> history;
  uint64_t position = 0;

  // Sets the log fields on decided events, keeps and folds them; false when `decided` failed.
  bool Commit(absl::StatusOr<domain::Events> decided) {
    if (!decided.ok()) return false;
    for (v1::Event& e : *decided) {
      e.set_position(++position);
      e.set_stream(domain::PcnStream(kPcn));
      e.set_stream_version(history.size() + 1);
      history.push_back(std::move(e));
      pcn.Apply(history.back());
    }
    return true;
  }
};

struct World {
  rules::RuleBook book;
  Stream stream;
  domain::PcnModel& pcn = stream.pcn;
  bool Commit(absl::StatusOr<domain::Events> decided) { return stream.Commit(std::move(decided)); }
};

v1::Date D(int y, int m, int d) { return ToProtoDate(absl::CivilDay(y, m, d)); }

const World& TheWorld() {
  static const World* world = [] {
    auto* w = new World();
    absl::StatusOr<std::vector<v1::FinancialYearRules>> shipped =
        rules::LoadRulesDir(ARRS_SOURCE_DIR "/rules");
    ARRS_FUZZ_CHECK(shipped.ok());
    for (const v1::FinancialYearRules& rules : *shipped) {
      v1::Event e;
      e.set_position(++w->stream.position);
      e.set_stream(rules::kRulesStream);
      *e.mutable_payload()->mutable_rule_version_published()->mutable_rules() = rules;
      w->book.Apply(e);
    }
    v1::RegisterPcnRequest reg;
    reg.mutable_header()->set_request_id("fuzz-1");
    reg.set_pcn_code(kPcn);
    reg.set_name("Fuzz PCN");
    reg.set_icb_code("QWE");
    *reg.mutable_effective_date() = D(2019, 7, 1);
    ARRS_FUZZ_CHECK(w->Commit(domain::DecideRegisterPcn(w->pcn, reg)));
    v1::RecordListSizeRequest list;
    list.set_pcn_code(kPcn);
    *list.mutable_reference_date() = D(2023, 1, 1);
    list.set_registered_list_size(45000);
    list.set_weighted_population_milli(47000000);
    ARRS_FUZZ_CHECK(w->Commit(domain::DecideRecordListSize(w->pcn, list)));
    v1::SetEntitlementRequest sum;
    sum.set_pcn_code(kPcn);
    sum.set_financial_year(2023);
    sum.set_sum_pence(100000000);
    ARRS_FUZZ_CHECK(w->Commit(domain::DecideSetEntitlement(w->pcn, w->book, sum)));
    v1::HireStaffRequest hire;
    hire.set_pcn_code(kPcn);
    hire.set_staff_id("s1");
    hire.set_role(v1::CARE_COORDINATOR);
    hire.set_band("4");
    hire.set_employment_model(v1::LEAD_PRACTICE);
    *hire.mutable_hire_date() = D(2023, 4, 1);
    hire.set_wte_bp(10000);
    hire.set_annual_salary_pence(2500000);
    ARRS_FUZZ_CHECK(w->Commit(domain::DecideHireStaff(w->pcn, w->book, hire)));
    v1::SubmitClaimRequest claim;
    claim.set_pcn_code(kPcn);
    claim.set_claim_id("c1");
    *claim.mutable_month() = D(2023, 5, 1);
    v1::ClaimLine* line = claim.add_lines();
    line->set_line_no(1);
    line->set_staff_id("s1");
    line->set_actual_cost_pence(200000);
    ARRS_FUZZ_CHECK(w->Commit(domain::DecideSubmitClaim(w->pcn, claim)));
    v1::AssessClaimRequest assess;
    assess.set_pcn_code(kPcn);
    assess.set_claim_id("c1");
    ARRS_FUZZ_CHECK(w->Commit(domain::DecideAssessClaim(w->pcn, w->book, assess)));
    return w;
  }();
  return *world;
}

// Folds what was decided into a copy of the world (the fold must take anything the
// domain decided), resolving corrections as a query would.
void FoldDecided(const World& world, const absl::StatusOr<domain::Events>& decided) {
  if (!decided.ok()) {
    ARRS_FUZZ_CHECK(!decided.status().message().empty());  // refusals say why
    return;
  }
  Stream copy = world.stream;
  domain::Events events = *decided;
  for (const v1::Event& e : events) {
    ARRS_FUZZ_CHECK(e.payload().kind_case() != v1::Payload::KIND_NOT_SET);
  }
  copy.Commit(std::move(events));
  std::vector<const v1::Event*> stream;
  for (const v1::Event& e : copy.history) stream.push_back(&e);
  // Whatever the command did to the past, the accounts stay square on every line.
  const domain::PcnRestatement restated =
      domain::RestatePcn(stream, world.book, copy.position, domain::kEndOfTime);
  for (const auto& [id, claim] : restated.claims) {
    for (const v1::LineRestatement& l : claim.lines) {
      ARRS_FUZZ_CHECK(l.paid_pence() + l.arrears_paid_pence() - l.recovered_pence() +
                          l.difference_pence() ==
                      l.restated_pence());
    }
  }
}

template <typename Request>
bool Parse(const uint8_t* data, size_t size, Request* r) {
  return r->ParseFromArray(data, static_cast<int>(size));
}

// Parses the input as a Request and folds what `decide` makes of it against the PCN.
template <typename Request>
void DecideAndFold(const World& w, const uint8_t* data, size_t size,
                   absl::StatusOr<domain::Events> (*decide)(const domain::PcnModel&,
                                                            const Request&)) {
  Request r;
  if (Parse(data, size, &r)) FoldDecided(w, decide(w.pcn, r));
}

// The same for a command decided under the rule book.
template <typename Request>
void DecideAndFold(const World& w, const uint8_t* data, size_t size,
                   absl::StatusOr<domain::Events> (*decide)(const domain::PcnModel&,
                                                            const rules::RuleBook&,
                                                            const Request&)) {
  Request r;
  if (Parse(data, size, &r)) FoldDecided(w, decide(w.pcn, w.book, r));
}

// The same as a Command (below), for one decider.
template <auto decide>
void DecideAndFold(const World& w, const uint8_t* data, size_t size) {
  DecideAndFold(w, data, size, decide);
}

// The commands of kinds 1 to 9: decided against the PCN alone or under the rule book.
using Command = void (*)(const World&, const uint8_t*, size_t);
constexpr Command kPlainCommands[] = {
    &DecideAndFold<&domain::DecideRecordListSize>,   // 1
    &DecideAndFold<&domain::DecideRecordBaseline>,   // 2
    &DecideAndFold<&domain::DecideSetEntitlement>,   // 3
    &DecideAndFold<&domain::DecideHireStaff>,        // 4
    &DecideAndFold<&domain::DecideChangeStaff>,      // 5
    &DecideAndFold<&domain::DecideSubmitClaim>,      // 6
    &DecideAndFold<&domain::DecideAssessClaim>,      // 7
    &DecideAndFold<&domain::DecideReduceClaimLine>,  // 8
    &DecideAndFold<&domain::DecidePayClaim>,         // 9
};

}  // namespace

int FuzzRequest(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const World& w = TheWorld();
  const uint8_t kind = data[0] % 12;
  ++data;
  --size;
  switch (kind) {
    case 0: {
      v1::RegisterPcnRequest r;
      if (!Parse(data, size, &r)) return 0;
      FoldDecided(w, domain::DecideRegisterPcn(domain::PcnModel(), r));
      FoldDecided(w, domain::DecideRegisterPcn(w.pcn, r));
      break;
    }
    case 10: {
      v1::CorrectRequest r;
      if (!Parse(data, size, &r)) return 0;
      const v1::Event& target =
          w.stream.history[r.corrects_position() % w.stream.history.size()];
      FoldDecided(w, domain::DecideCorrect(w.pcn, target, 0, r));
      if (r.has_replacement()) (void)domain::ValidatePayload(r.replacement(), "replacement.");
      break;
    }
    case 11: {
      v1::PublishRulesRequest r;
      if (Parse(data, size, &r)) (void)domain::DecidePublishRules(w.book, r);
      break;
    }
    default:
      kPlainCommands[kind - 1](w, data, size);
  }
  return 0;
}

}  // namespace arrs::fuzz
