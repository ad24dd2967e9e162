#include "ledger/engine/ledger.h"

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/domain/assess.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/field_checks.h"
#include "ledger/engine/command_runner.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/engine/log_loader.h"
#include "ledger/engine/snapshot.h"
#include "ledger/projections/projections.h"
#include "ledger/rules/rule_file.h"
#include "ledger/util/civil_date.h"

namespace arrs::engine {
namespace {

const domain::PcnModel& HeadModel(const LedgerState& s, const std::string& stream) {
  static const domain::PcnModel* const kEmpty = new domain::PcnModel();
  const StreamState* found = s.Find(stream);
  return found ? found->head : *kEmpty;
}

absl::StatusOr<absl::CivilDay> AsOfOr(const v1::Date& as_of, absl::CivilDay fallback) {
  if (IsUnset(as_of)) return fallback;
  return ToCivilDay(as_of, "as_of");
}

// When `correction` replaces a claim submission that had been assessed, the assessment of
// the corrected claim, replacing the old assessment.
std::optional<v1::Event> ReassessCorrectedClaim(const domain::PcnModel& before,
                                                const domain::PcnModel& corrected,
                                                const rules::RuleBook& book,
                                                const v1::Event& correction) {
  if (!correction.payload().has_claim_submitted()) return std::nullopt;
  const std::string& claim_id = correction.payload().claim_submitted().claim_id();
  auto old_claim = before.claims.find(claim_id);
  auto new_claim = corrected.claims.find(claim_id);
  if (old_claim == before.claims.end() || new_claim == corrected.claims.end() ||
      !old_claim->second.assessment) {
    return std::nullopt;
  }
  v1::Event event;
  *event.mutable_effective_date() = ToProtoDate(new_claim->second.month);
  event.set_reason(correction.reason());
  event.set_corrects(old_claim->second.assessed_position);
  *event.mutable_payload()->mutable_claim_assessed() =
      domain::AssessClaim(corrected, book, new_claim->second, UINT64_MAX);
  return event;
}

}  // namespace

Ledger::Ledger(std::unique_ptr<store::EventLog> log, std::unique_ptr<LedgerState> state)
    : log_(std::move(log)), state_(std::move(state)) {}

Ledger::~Ledger() {
  if (!opened_) {  // Open failed: nothing to snapshot, and no threads were started
    if (listener_id_ >= 0) log_->RemoveListener(listener_id_);
    return;
  }
  stopping_.store(true);
  WaitForWarmUp();
  if (snapshotter_.joinable()) {
    stop_snapshots_.Notify();
    snapshotter_.join();
  }
  if (listener_id_ >= 0) log_->RemoveListener(listener_id_);
  if (options_.snapshot_on_close) {
    // A failure here loses nothing (the log is the record): the next start folds more.
    (void)WriteSnapshot();
  }
  // Closing the log runs the callbacks of appends still in flight, which start (and fail)
  // commands queued behind them; those use the state and commands_, so the log goes first.
  log_.reset();
}

absl::StatusOr<uint64_t> Ledger::WriteSnapshot() {
  absl::MutexLock serialised(&snapshot_mu_);
  uint64_t head = 0;
  {
    absl::ReaderMutexLock lock(&state_->mu);
    head = state_->head_position;
  }
  if (state_->snapshot_disagreed()) {
    // A restored stream's events folded to another model than its snapshot's: no
    // snapshot is trusted any more, so the next start folds the whole log.
    if (absl::Status deleted = log_->DeleteSnapshotsBefore(kLedgerSnapshot, UINT64_MAX);
        !deleted.ok()) {
      return deleted;
    }
    return absl::FailedPreconditionError(
        "a snapshot disagreed with the log: snapshots deleted, none written");
  }
  if (head == 0 || head == last_snapshot_) return head;
  absl::StatusOr<EncodedSnapshot> encoded = EncodeSnapshot(*state_, *log_);
  if (!encoded.ok()) return encoded.status();
  const uint64_t position = encoded->position;
  if (absl::Status put = log_->PutSnapshot(kLedgerSnapshot, position, encoded->bytes);
      !put.ok()) {
    return put;
  }
  last_snapshot_ = position;
  if (absl::Status pruned = log_->DeleteSnapshotsBefore(kLedgerSnapshot, position);
      !pruned.ok()) {
    return pruned;
  }
  return position;
}

absl::StatusOr<std::unique_ptr<Ledger>> Ledger::Open(const std::string& dir,
                                                     LedgerOptions options) {
  if (options.log.create_if_missing) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create the data folder ", dir, ": ", error.message()));
    }
  }
  absl::StatusOr<std::unique_ptr<store::EventLog>> log = store::EventLog::Open(dir, options.log);
  if (!log.ok()) return log.status();
  std::unique_ptr<Ledger> ledger(
      new Ledger(*std::move(log), std::make_unique<LedgerState>()));
  ledger->options_ = options;
  if (options.restore_snapshot) ledger->RestoreLatestSnapshot();
  LedgerState* state = ledger->state_.get();
  // Listen first, then load: Apply skips positions already folded, so an append racing
  // with the load is folded exactly once.
  absl::StatusOr<int> sink = ledger->log_->SetSink([state](std::vector<v1::Event>&& c) {
    absl::MutexLock lock(&state->mu);
    state->Apply(std::move(c));
  });
  if (!sink.ok()) return sink.status();
  ledger->listener_id_ = *sink;
  {
    absl::ReaderMutexLock lock(&state->mu);
    ledger->startup_.events_folded = ledger->log_->head().position - state->head_position;
  }
  if (absl::Status loaded = LoadLog(*ledger->log_, *state); !loaded.ok()) return loaded;
  if (ledger->startup_.snapshot_position > 0 && options.warm_after_restore) {
    ledger->startup_.streams_to_warm = ledger->ColdStreams();
    Ledger* self = ledger.get();
    ledger->warmer_ = std::thread([self] { self->WarmStreams(); });
  }
  if (options.snapshot_every_events > 0) {
    Ledger* self = ledger.get();
    ledger->snapshotter_ = std::thread([self] { self->SnapshotPeriodically(); });
  }
  ledger->commands_ = std::make_unique<CommandRunner>(*ledger->log_, *ledger->state_);
  ledger->opened_ = true;
  return ledger;
}

void Ledger::SnapshotPeriodically() {
  while (!stop_snapshots_.WaitForNotificationWithTimeout(absl::Seconds(1))) {
    uint64_t head = 0;
    {
      absl::ReaderMutexLock lock(&state_->mu);
      head = state_->head_position;
    }
    uint64_t last = 0;
    {
      absl::MutexLock lock(&snapshot_mu_);
      last = last_snapshot_;
    }
    // A failure loses nothing (the log is the record); the next round tries again.
    if (head >= last + options_.snapshot_every_events) (void)WriteSnapshot();
  }
}

void Ledger::WarmStreams() {
  // One pass over the log in position order (sequential reads, each event decoded once,
  // into arena pages as the full fold reads them), keeping the cold streams' events; a
  // stream is handed to the state as soon as the pass is beyond its last event. Reading
  // each stream by itself instead takes point reads that decode a whole block per event
  // (about twice the time at national scale).
  std::unordered_map<std::string, std::vector<const v1::Event*>> pending;
  std::multimap<uint64_t, std::string> due;  // last position -> stream
  {
    absl::ReaderMutexLock lock(&state_->mu);
    for (const auto& [name, stream] : state_->streams) {
      if (stream.events_loaded.load(std::memory_order_acquire)) continue;
      due.emplace(stream.last_position, name);
      pending[name].reserve(stream.version);
    }
  }
  constexpr uint64_t kPage = 4096;
  for (uint64_t next = 1; !due.empty();) {
    if (stopping_.load(std::memory_order_relaxed)) return;
    const uint64_t last = due.rbegin()->first;
    std::unique_ptr<google::protobuf::Arena> arena = NewEventPageArena();
    absl::StatusOr<std::vector<v1::Event*>> page = log_->ReadFromArena(
        next, static_cast<size_t>(std::min(kPage, last - next + 1)), arena.get());
    // An error is left for the query or command that needs the stream to report.
    if (!page.ok() || page->empty()) return;
    next = page->back()->position() + 1;
    bool kept = false;  // a page none of whose events is wanted is freed with its arena
    for (const v1::Event* e : *page) {
      auto it = pending.find(e->stream());
      if (it == pending.end()) continue;
      it->second.push_back(e);
      kept = true;
    }
    if (kept) state_->KeepArena(std::move(arena));  // before any of its events is given
    while (!due.empty() && due.begin()->first < next) {
      auto it = pending.find(due.begin()->second);
      {
        absl::ReaderMutexLock lock(&state_->mu);
        (void)state_->GiveEvents(it->first, std::move(it->second));
      }
      pending.erase(it);
      due.erase(due.begin());
    }
  }
}

void Ledger::LoadColdStreams(uint64_t known_at) const {
  std::vector<std::string> cold;
  {
    absl::ReaderMutexLock lock(&state_->mu);
    for (const auto& [name, stream] : state_->streams) {
      if (!stream.events_loaded.load(std::memory_order_acquire) &&
          stream.first_position <= known_at && known_at < stream.last_position) {
        cold.push_back(name);
      }
    }
  }
  for (const std::string& name : cold) {
    absl::ReaderMutexLock lock(&state_->mu);  // one stream per hold: commits go on between
    (void)state_->FindLoaded(name);           // an error is reported by the caller's query
  }
}

size_t Ledger::ColdStreams() const {
  absl::ReaderMutexLock lock(&state_->mu);
  size_t cold = 0;
  for (const auto& [name, stream] : state_->streams) {
    cold += !stream.events_loaded.load(std::memory_order_acquire);
  }
  return cold;
}

void Ledger::WaitForWarmUp() {
  absl::MutexLock lock(&warmer_mu_);
  if (warmer_.joinable()) warmer_.join();
}

void Ledger::RestoreLatestSnapshot() {
  absl::StatusOr<store::EventLog::Snapshot> latest =
      log_->LatestSnapshot(kLedgerSnapshot, log_->head().position);
  if (!latest.ok()) {
    if (!absl::IsNotFound(latest.status())) {
      startup_.snapshot_refused = std::string(latest.status().message());
    }
    return;
  }
  absl::StatusOr<uint64_t> restored = RestoreSnapshot(latest->state, *log_, *state_);
  if (!restored.ok()) {
    startup_.snapshot_refused = absl::StrCat("snapshot at position ", latest->position, ": ",
                                             restored.status().message());
    state_ = std::make_unique<LedgerState>();  // fold the whole log instead
    return;
  }
  startup_.snapshot_position = *restored;
  absl::MutexLock lock(&snapshot_mu_);
  last_snapshot_ = *restored;
}


// Each PCN command, blocking and not: `decide` captures the request by reference (it
// outlives the command either way) and the stream by value.
#define PCN_COMMAND(Method, Request, DecideCall)                                          \
  static DecideFn Decide##Method(const v1::Request& r, const std::string& stream) {     \
    return [&r, stream](const LedgerState& s) ABSL_NO_THREAD_SAFETY_ANALYSIS {          \
      const domain::PcnModel& pcn = HeadModel(s, stream);                               \
      (void)pcn;                                                                        \
      return DecideCall;                                                                \
    };                                                                                  \
  }                                                                                     \
  absl::StatusOr<v1::CommandResult> Ledger::Method(const std::string& actor,            \
                                                   const v1::Request& r) {              \
    const std::string stream = domain::PcnStream(r.pcn_code());                         \
    return commands_->RunAndWait(stream, r.header(), actor, Decide##Method(r, stream));  \
  }                                                                                     \
  void Ledger::CommandAsync(const std::string& actor, const v1::Request& r,             \
                            CommandDone done) {                                         \
    std::string stream = domain::PcnStream(r.pcn_code());                               \
    DecideFn decide = Decide##Method(r, stream);                                        \
    commands_->Run(std::move(stream), r.header(), actor, std::move(decide), std::move(done)); \
  }

PCN_COMMAND(RegisterPcn, RegisterPcnRequest, domain::DecideRegisterPcn(pcn, r))
PCN_COMMAND(RecordListSize, RecordListSizeRequest, domain::DecideRecordListSize(pcn, r))
PCN_COMMAND(RecordBaseline, RecordBaselineRequest, domain::DecideRecordBaseline(pcn, r))
PCN_COMMAND(SetEntitlement, SetEntitlementRequest,
            domain::DecideSetEntitlement(pcn, s.rules, r))
PCN_COMMAND(HireStaff, HireStaffRequest, domain::DecideHireStaff(pcn, r))
PCN_COMMAND(ChangeStaff, StaffChangeRequest, domain::DecideChangeStaff(pcn, r))
PCN_COMMAND(SubmitClaim, SubmitClaimRequest, domain::DecideSubmitClaim(pcn, r))
PCN_COMMAND(AssessClaim, AssessClaimRequest, domain::DecideAssessClaim(pcn, s.rules, r))
PCN_COMMAND(ReduceClaimLine, ReduceClaimLineRequest, domain::DecideReduceClaimLine(pcn, r))
PCN_COMMAND(PayClaim, PayClaimRequest, domain::DecidePayClaim(pcn, r))

#undef PCN_COMMAND

// A correction: decided on the stream's events, and refused when it would leave a paid
// claim outside the rules.
static DecideFn DecideCorrection(store::EventLog& log, const v1::CorrectRequest& r,
                                 const std::string& stream) {
  return [&log, &r, stream](const LedgerState& s) ABSL_NO_THREAD_SAFETY_ANALYSIS
                 -> absl::StatusOr<domain::Events> {
                   if (r.corrects_position() > s.head_position) {
                     return absl::NotFoundError(absl::StrCat(
                         "corrects_position ", r.corrects_position(),
                         " is beyond the log's head ", s.head_position));
                   }
                   absl::StatusOr<v1::Event> target = log.Get(r.corrects_position());
                   if (!target.ok()) return target.status();
                   absl::StatusOr<const StreamState*> current = s.FindLoaded(stream);
                   if (!current.ok()) return current.status();
                   std::vector<const v1::Event*> events;
                   if (*current) events = (*current)->events;
                   const domain::CorrectionView view =
                       domain::ResolveCorrections(events, UINT64_MAX);
                   auto superseded = view.superseded_by.find(target->position());
                   absl::StatusOr<domain::Events> decided = domain::DecideCorrect(
                       HeadModel(s, stream), *target,
                       superseded == view.superseded_by.end() ? 0 : superseded->second, r);
                   if (!decided.ok()) return decided.status();
                   // Fold the stream as it would be with the correction, and check that
                   // nothing already paid breaks the rules.
                   v1::Event tentative = decided->front();
                   tentative.set_position(s.head_position + 1);
                   tentative.set_stream_version(events.size() + 1);
                   events.push_back(&tentative);
                   domain::PcnModel corrected = domain::FoldPcn(events, UINT64_MAX);
                   // A corrected claim is assessed again, in the same atomic append: the
                   // new assessment replaces the old one.
                   // (Declared here: `corrected` points into these events.)
                   std::optional<v1::Event> reassessed = ReassessCorrectedClaim(
                       HeadModel(s, stream), corrected, s.rules, tentative);
                   if (reassessed) {
                     decided->push_back(*reassessed);
                     reassessed->set_position(s.head_position + 2);
                     reassessed->set_stream_version(events.size() + 1);
                     events.push_back(&*reassessed);
                     corrected = domain::FoldPcn(events, UINT64_MAX);
                   }
                   absl::Status holds = domain::CheckPaidClaimsStillHold(corrected, s.rules);
                   if (!holds.ok()) return holds;
                   return decided;
                 };
}

static absl::Status CheckCorrectsPosition(const v1::CorrectRequest& r) {
  if (r.corrects_position() == 0) {
    return absl::InvalidArgumentError("corrects_position must name a log position (1 or more)");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CommandResult> Ledger::Correct(const std::string& actor,
                                                  const v1::CorrectRequest& r) {
  if (absl::Status s = CheckCorrectsPosition(r); !s.ok()) return s;
  const std::string stream = domain::PcnStream(r.pcn_code());
  return commands_->RunAndWait(stream, r.header(), actor, DecideCorrection(*log_, r, stream));
}

void Ledger::CommandAsync(const std::string& actor, const v1::CorrectRequest& r,
                          CommandDone done) {
  if (absl::Status s = CheckCorrectsPosition(r); !s.ok()) {
    done(std::move(s));
    return;
  }
  std::string stream = domain::PcnStream(r.pcn_code());
  DecideFn decide = DecideCorrection(*log_, r, stream);
  commands_->Run(std::move(stream), r.header(), actor, std::move(decide), std::move(done));
}

absl::StatusOr<v1::CommandResult> Ledger::PublishRules(const std::string& actor,
                                                       const v1::PublishRulesRequest& r) {
  return commands_->RunAndWait(domain::kRulesStream, r.header(), actor,
                 [&](const LedgerState& s) ABSL_NO_THREAD_SAFETY_ANALYSIS {
                   return domain::DecidePublishRules(s.rules, r);
                 });
}

absl::StatusOr<int> Ledger::PublishRulesDir(const std::string& dir, const std::string& actor) {
  absl::StatusOr<std::vector<v1::FinancialYearRules>> files = rules::LoadRulesDir(dir);
  if (!files.ok()) return files.status();
  int published = 0;
  for (const v1::FinancialYearRules& year : *files) {
    {
      absl::ReaderMutexLock lock(&state_->mu);
      const v1::FinancialYearRules* current = state_->rules.ForYear(year.financial_year());
      if (current != nullptr && current->version() == year.version()) continue;
    }
    v1::PublishRulesRequest request;
    request.mutable_header()->set_request_id(absl::StrCat("rules-file:", year.version()));
    request.mutable_header()->set_reason(absl::StrCat("shipped rule file for ",
                                                      FormatFinancialYear(year.financial_year())));
    *request.mutable_rules() = year;
    absl::StatusOr<v1::CommandResult> result = PublishRules(actor, request);
    if (!result.ok()) return result.status();
    if (!result->deduplicated()) ++published;
  }
  return published;
}

std::string Ledger::IcbOf(const std::string& pcn_code) const {
  absl::ReaderMutexLock lock(&state_->mu);
  const StreamState* stream = state_->Find(domain::PcnStream(pcn_code));
  return stream ? stream->head.icb_code : "";
}

absl::StatusOr<uint64_t> Ledger::ResolveKnownAt(const v1::KnownAt& known_at) const {
  absl::ReaderMutexLock lock(&state_->mu);
  switch (known_at.point_case()) {
    case v1::KnownAt::kPosition:
      if (known_at.position() == 0 || known_at.position() > state_->head_position) {
        return absl::InvalidArgumentError(absl::StrCat(
            "known_at.position must be 1 to the head position ", state_->head_position,
            ", got ", known_at.position()));
      }
      return known_at.position();
    case v1::KnownAt::kRecordedAtMicros:
      return state_->PositionAtTime(known_at.recorded_at_micros());
    case v1::KnownAt::POINT_NOT_SET:
      break;
  }
  return state_->head_position;
}

namespace {

// Runs `query` on the PCN's model as known at r.known_at, under the reader lock.
template <typename Result, typename Request, typename Query>
absl::StatusOr<Result> PcnQuery(const Ledger& ledger, LedgerState& state, const Request& r,
                                Query query) {
  if (absl::Status code = domain::CheckCode("pcn_code", r.pcn_code()); !code.ok()) return code;
  absl::StatusOr<uint64_t> known_at = ledger.ResolveKnownAt(r.known_at());
  if (!known_at.ok()) return known_at.status();
  absl::ReaderMutexLock lock(&state.mu);
  domain::PcnModel scratch;
  absl::StatusOr<const domain::PcnModel*> found =
      state.ModelAt(domain::PcnStream(r.pcn_code()), *known_at, &scratch);
  if (!found.ok()) return found.status();
  const domain::PcnModel* pcn = *found;
  if (pcn == nullptr || !pcn->registered) {
    return absl::NotFoundError(absl::StrCat("PCN ", r.pcn_code(), " is not registered",
                                            known_at.value() < state.head_position
                                                ? absl::StrCat(" as known at position ", *known_at)
                                                : ""));
  }
  return query(*pcn, state.rules, *known_at);
}

}  // namespace

absl::StatusOr<v1::Balance> Ledger::GetBalance(const v1::BalanceRequest& r) const {
  if (r.financial_year() < 2019 || r.financial_year() > 2100) {
    return absl::InvalidArgumentError(absl::StrCat(
        "financial_year must be 2019 or later (2019 = 2019/20), got ", r.financial_year()));
  }
  absl::StatusOr<absl::CivilDay> as_of = AsOfOr(r.as_of(), FinancialYearEnd(r.financial_year()));
  if (!as_of.ok()) return as_of.status();
  return PcnQuery<v1::Balance>(*this, *state_, r,
                               [&](const domain::PcnModel& pcn, const rules::RuleBook& book,
                                   uint64_t known_at) {
                                 v1::Balance out = projections::ComputeBalance(
                                     pcn, book, r.financial_year(), *as_of, known_at);
                                 out.set_computed_at_position(known_at);
                                 return out;
                               });
}

absl::StatusOr<v1::CapUsage> Ledger::GetCapUsage(const v1::CapUsageRequest& r) const {
  absl::StatusOr<absl::CivilDay> as_of = ToCivilDay(r.as_of(), "as_of");
  if (!as_of.ok()) return as_of.status();
  return PcnQuery<v1::CapUsage>(*this, *state_, r,
                                [&](const domain::PcnModel& pcn, const rules::RuleBook& book,
                                    uint64_t known_at) {
                                  v1::CapUsage out =
                                      projections::ComputeCapUsage(pcn, book, *as_of, known_at);
                                  out.set_computed_at_position(known_at);
                                  return out;
                                });
}

absl::StatusOr<v1::Workforce> Ledger::GetWorkforce(const v1::WorkforceRequest& r) const {
  absl::StatusOr<absl::CivilDay> as_of = ToCivilDay(r.as_of(), "as_of");
  if (!as_of.ok()) return as_of.status();
  return PcnQuery<v1::Workforce>(*this, *state_, r,
                                 [&](const domain::PcnModel& pcn, const rules::RuleBook&,
                                     uint64_t known_at) {
                                   v1::Workforce out =
                                       projections::ComputeWorkforce(pcn, *as_of, known_at);
                                   out.set_computed_at_position(known_at);
                                   return out;
                                 });
}

absl::StatusOr<v1::AuditTrail> Ledger::GetAuditTrail(const v1::AuditRequest& r) const {
  if (!r.staff_id().empty()) {
    if (absl::Status s = domain::CheckId("staff_id", r.staff_id()); !s.ok()) return s;
  }
  if (!r.claim_id().empty()) {
    if (absl::Status s = domain::CheckId("claim_id", r.claim_id()); !s.ok()) return s;
  }
  return PcnQuery<v1::AuditTrail>(
      *this, *state_, r,
      [&](const domain::PcnModel&, const rules::RuleBook&, uint64_t known_at)
          ABSL_NO_THREAD_SAFETY_ANALYSIS -> absl::StatusOr<v1::AuditTrail> {
            absl::StatusOr<const StreamState*> stream =
                state_->FindLoaded(domain::PcnStream(r.pcn_code()));
            if (!stream.ok()) return stream.status();
            v1::AuditTrail out = projections::ComputeAuditTrail(
                (*stream)->events, known_at, r.staff_id(), r.claim_id());
            out.set_computed_at_position(known_at);
            return out;
          });
}

absl::StatusOr<v1::Explanation> Ledger::ExplainClaim(const v1::ExplainRequest& r) const {
  if (absl::Status s = domain::CheckId("claim_id", r.claim_id()); !s.ok()) return s;
  return PcnQuery<v1::Explanation>(
      *this, *state_, r,
      [&](const domain::PcnModel& pcn, const rules::RuleBook& book,
          uint64_t known_at) ABSL_NO_THREAD_SAFETY_ANALYSIS -> absl::StatusOr<v1::Explanation> {
        // The explanation reads the claim's events: load them first (this also fills in
        // the event pointers of a head model restored from a snapshot).
        absl::StatusOr<const StreamState*> stream =
            state_->FindLoaded(domain::PcnStream(r.pcn_code()));
        if (!stream.ok()) return stream.status();
        auto claim = pcn.claims.find(r.claim_id());
        if (claim == pcn.claims.end()) {
          return absl::NotFoundError(
              absl::StrCat("claim ", r.claim_id(), " was not submitted by PCN ", r.pcn_code()));
        }
        if (!claim->second.assessed()) {
          return absl::FailedPreconditionError(
              absl::StrCat("claim ", r.claim_id(), " has not been assessed yet"));
        }
        v1::Explanation out =
            projections::ComputeExplanation(claim->second, r.line_no(), known_at);
        // The log keeps an assessment's figures; its explanations are derived again from
        // the facts as they stood just before it and the rule book it priced with.
        const domain::PcnModel before =
            domain::FoldPcn((*stream)->events, claim->second.assessed_position - 1);
        if (auto then = before.claims.find(r.claim_id()); then != before.claims.end()) {
          domain::AttachExplanations(
              domain::AssessClaim(before, book, then->second,
                                  claim->second.assessment->rules_position()),
              out.mutable_lines());
        }
        if (r.line_no() != 0 && out.lines().empty()) {
          return absl::NotFoundError(
              absl::StrCat("claim ", r.claim_id(), " has no line ", r.line_no()));
        }
        return out;
      });
}

absl::StatusOr<v1::RegionSummary> Ledger::GetRegionSummary(const v1::RegionRequest& r) const {
  if (!r.icb_code().empty()) {
    if (absl::Status s = domain::CheckCode("icb_code", r.icb_code()); !s.ok()) return s;
  }
  absl::StatusOr<absl::CivilDay> as_of = ToCivilDay(r.as_of(), "as_of");
  if (!as_of.ok()) return as_of.status();
  absl::StatusOr<uint64_t> known_at = ResolveKnownAt(r.known_at());
  if (!known_at.ok()) return known_at.status();
  v1::RegionSummary out;
  *out.mutable_as_of() = r.as_of();
  out.set_computed_at_position(*known_at);
  LoadColdStreams(*known_at);
  absl::ReaderMutexLock lock(&state_->mu);
  absl::Status visited = state_->ForEachPcnAt(*known_at, [&](const domain::PcnModel& pcn) {
    if (r.icb_code().empty() || pcn.icb_code == r.icb_code()) {
      projections::AddToRegion(pcn, *as_of, &out);
    }
  });
  if (!visited.ok()) return visited;
  return out;
}

absl::StatusOr<v1::RulesResponse> Ledger::GetRules(const v1::RulesRequest& r) const {
  absl::StatusOr<uint64_t> known_at = ResolveKnownAt(r.known_at());
  if (!known_at.ok()) return known_at.status();
  absl::ReaderMutexLock lock(&state_->mu);
  const rules::RulesInForce found = state_->rules.InForce(r.financial_year(), *known_at);
  if (found.rules == nullptr) {
    return absl::NotFoundError(absl::StrCat("no rule version is published for ",
                                            FormatFinancialYear(r.financial_year())));
  }
  v1::RulesResponse out;
  out.set_published_at_position(found.published_at);
  *out.mutable_rules() = *found.rules;
  return out;
}

absl::StatusOr<v1::ListPcnsResponse> Ledger::ListPcns(const v1::ListPcnsRequest& r) const {
  absl::StatusOr<uint64_t> known_at = ResolveKnownAt(r.known_at());
  if (!known_at.ok()) return known_at.status();
  v1::ListPcnsResponse out;
  out.set_computed_at_position(*known_at);
  LoadColdStreams(*known_at);
  absl::ReaderMutexLock lock(&state_->mu);
  absl::Status visited = state_->ForEachPcnAt(*known_at, [&out](const domain::PcnModel& pcn) {
    v1::PcnSummary* summary = out.add_pcns();
    summary->set_pcn_code(pcn.pcn_code);
    summary->set_name(pcn.name);
    summary->set_icb_code(pcn.icb_code);
    summary->set_stream_version(pcn.stream_version);
    summary->set_staff_count(static_cast<int32_t>(pcn.staff.size()));
    summary->set_claim_count(static_cast<int32_t>(pcn.claims.size()));
  });
  if (!visited.ok()) return visited;
  return out;
}

}  // namespace arrs::engine
