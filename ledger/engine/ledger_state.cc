#include "ledger/engine/ledger_state.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "ledger/domain/decide.h"
#include "ledger/domain/stream_names.h"
#include "ledger/engine/snapshot.h"
#include "ledger/store/event_log.h"
#include "ledger/util/assert.h"

namespace arrs::engine {
namespace {

// The model of the PCN stream `stream` (events loaded) as known at `known_at`, equal to
// FoldPcn(stream.events, known_at) and cheaper. FoldPcn applies each event slot known then
// in the order of its original position, with the content the corrections known then
// gave it. A checkpoint at C is that fold of the slots up to C as known at C; if no event
// in (C, known_at] corrects a position at or before C, those slots are still as they were
// at C, and the model is the checkpoint with the slots of (C, known_at] folded on top.
domain::PcnModel FoldFromCheckpoint(const StreamState& stream, uint64_t known_at) {
  const std::vector<const v1::Event*>& events = stream.events;
  const auto known_end = std::upper_bound(
      events.begin(), events.end(), known_at,
      [](uint64_t position, const v1::Event* e) { return position < e->position(); });
  const auto checkpoints_end = std::upper_bound(
      stream.checkpoints.begin(), stream.checkpoints.end(), known_at,
      [](uint64_t position, const Checkpoint& c) { return position < c.position; });
  uint64_t lowest_target = UINT64_MAX;  // lowest position corrected by events scanned
  auto scanned = known_end;             // events from here to known_end have been scanned
  for (auto c = std::make_reverse_iterator(checkpoints_end); c != stream.checkpoints.rend();
       ++c) {
    while (scanned != events.begin() && (*std::prev(scanned))->position() > c->position) {
      --scanned;
      if ((*scanned)->corrects() != 0) {
        lowest_target = std::min(lowest_target, (*scanned)->corrects());
      }
    }
    if (lowest_target <= c->position) continue;  // reaches into this checkpoint
    domain::PcnModel model = *c->model;
    if (scanned == known_end) return model;
    const std::vector<const v1::Event*> after(scanned, known_end);
    const domain::CorrectionView view = domain::ResolveCorrections(after, known_at);
    for (const v1::Event* in_force : view.in_force) model.Apply(*in_force);
    model.stream_version = view.stream_version;
    model.position = view.position;
    return model;
  }
  return domain::FoldPcn(events, known_at);
}

// Folds `e`, the next event of the PCN stream `stream` (whose events are loaded), into
// its head model, checkpointing as StreamState::checkpoints says.
void FoldPcnEvent(StreamState& stream, const v1::Event* e) {
  if (e->corrects() != 0) {
    // A correction may change anything before it: fold the stream again, from the
    // latest checkpoint it leaves untouched.
    stream.head = FoldFromCheckpoint(stream, e->position());
  } else {
    stream.head.Apply(*e);
  }
  const size_t last = stream.checkpoints.empty() ? 0 : stream.checkpoints.back().events;
  ARRS_ASSERT(stream.events.size() > last, "a checkpoint is taken after its last event");
  const size_t spacing =
      std::max(LedgerState::kCheckpointEvery, LedgerState::CopyWeight(stream.head) / 2);
  if (stream.events.size() - last >= spacing) {
    stream.checkpoints.push_back(Checkpoint{e->position(), stream.events.size(),
                                            std::make_shared<const domain::PcnModel>(stream.head)});
  }
}

void AddToStream(StreamState& stream, const v1::Event* e) {
  ARRS_ASSERT(e->stream_version() == stream.version + 1,
              "a stream's events are added in version order, each once");
  stream.events.push_back(e);
  if (stream.version == 0) stream.first_position = e->position();
  stream.version = e->stream_version();
  stream.last_position = e->position();
}

}  // namespace

void LedgerState::Apply(const std::vector<v1::Event>& committed) {
  Apply(std::vector<v1::Event>(committed));
}

void LedgerState::Apply(std::vector<v1::Event>&& committed) {
  absl::MutexLock lock(&mu_);
  for (const v1::Event& e : pages_.KeepBatch(std::move(committed))) {
    if (e.position() > head_position_) Fold(&e);  // else already folded (initial load race)
  }
}

void LedgerState::Apply(std::unique_ptr<google::protobuf::Arena> arena,
                        const std::vector<v1::Event*>& loaded) {
  absl::MutexLock lock(&mu_);
  for (const v1::Event* e : loaded) {
    if (e->position() > head_position_) Fold(e);
  }
  pages_.KeepArena(std::move(arena));
}

void LedgerState::Fold(const v1::Event* e) {
  ARRS_ASSERT(e->position() == head_position_ + 1,
              "events are folded in position order, each once, with no gap");
  head_position_ = e->position();
  recorded_at_.push_back(
      std::max(e->recorded_at_micros(), recorded_at_.empty() ? 0 : recorded_at_.back()));
  StreamState& stream = streams_[e->stream()];
  // A stream restored from a snapshot may hold events beyond the snapshot's position
  // (see EncodeSnapshot): each event is folded into its stream once.
  if (stream.version > 0 && e->position() <= stream.last_position) return;
  if (!stream.events_loaded.load(std::memory_order_acquire)) {
    if (e->corrects() == 0 && !e->payload().has_claim_line_reduced() &&
        domain::IsPcnStream(e->stream())) {
      // A restored stream whose events are not read yet: its head model takes an ordinary
      // event as it is (the fold after a restore does not read every PCN it touches);
      // reading the events later refolds them all, this one included. Not a correction
      // (it refolds the stream) nor a reduction (it re-totals the assessment's lines,
      // which are in the events).
      stream.version = e->stream_version();
      stream.last_position = e->position();
      stream.head.Apply(*e);
      return;
    }
    // Only the fold of the log at open gets here: a command reads its stream's events
    // before it decides (CommandRunner's Decide), and a loaded stream stays loaded.
    if (absl::Status loaded = LoadEvents(e->stream(), stream); !loaded.ok()) {
      if (broken_.ok()) {
        broken_ = absl::Status(loaded.code(),
                               absl::StrCat("position ", e->position(), " (stream ", e->stream(),
                                            ") could not be folded: ", loaded.message()));
      }
      return;
    }
  }
  AddToStream(stream, e);
  if (e->stream() == domain::kRulesStream) {
    rules_.Apply(*e);
  } else if (domain::IsPcnStream(e->stream())) {
    FoldPcnEvent(stream, e);
  }
}

absl::Status LedgerState::LoadEvents(const std::string& name, StreamState& restored) {
  return InstallOnce(name, restored, [&]() -> absl::StatusOr<ReadEvents> {
    if (source_ == nullptr) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the events of ", name, " were not loaded and there is no log to read"));
    }
    absl::StatusOr<std::vector<v1::Event>> owned =
        source_->ReadStream(name, 1, static_cast<size_t>(restored.version));
    if (!owned.ok()) return owned.status();
    ReadEvents read;
    read.owned = *std::move(owned);
    read.events.reserve(read.owned.size());
    for (const v1::Event& e : read.owned) read.events.push_back(&e);
    return read;
  });
}

absl::Status LedgerState::GiveEvents(const std::string& name,
                                     std::vector<const v1::Event*> events) {
  absl::ReaderMutexLock lock(&mu_);
  StreamState* restored = Find(name);
  if (restored == nullptr) return absl::OkStatus();
  return InstallOnce(name, *restored, [&]() -> absl::StatusOr<ReadEvents> {
    ReadEvents read;
    read.events = std::move(events);
    return read;
  });
}

absl::Status LedgerState::LoadStream(const std::string& name) {
  absl::ReaderMutexLock lock(&mu_);
  return FindLoaded(name).status();
}

std::vector<ColdStream> LedgerState::ColdStreams() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<ColdStream> cold;
  for (const auto& [name, stream] : streams_) {
    if (stream.events_loaded.load(std::memory_order_acquire)) continue;
    cold.push_back(ColdStream{name, stream.version, stream.first_position, stream.last_position});
  }
  return cold;
}

absl::Status LedgerState::InstallOnce(const std::string& name, StreamState& stream,
                                      absl::FunctionRef<absl::StatusOr<ReadEvents>()> read) {
  if (stream.events_loaded.load(std::memory_order_acquire)) return absl::OkStatus();
  absl::MutexLock lock(&stream.load_mu);
  if (stream.events_loaded.load(std::memory_order_relaxed)) return absl::OkStatus();
  absl::StatusOr<ReadEvents> got = read();
  if (!got.ok()) return got.status();
  return InstallEvents(name, stream, *std::move(got));
}

absl::Status LedgerState::InstallEvents(const std::string& name, StreamState& stream,
                                        ReadEvents read) {
  // Only the stream's own fields change, under its load_mu (held by the caller); readers
  // of its events wait for it, readers of its head figures are not disturbed (only the
  // claims' event pointers are filled in).
  const std::vector<const v1::Event*>& events = read.events;
  if (events.size() != stream.version ||
      (!events.empty() && events.back()->position() != stream.last_position)) {
    snapshot_disagreed_.store(true);
    return absl::DataLossError(absl::StrCat(
        "stream ", name, ": the log gave ", events.size(), " events, the snapshot knows ",
        stream.version, " ending at position ", stream.last_position));
  }
  StreamState fresh;
  for (const v1::Event* e : events) {
    AddToStream(fresh, e);
    FoldPcnEvent(fresh, e);
  }
  domain::PcnModel& head = stream.head;
  // The model restored from the snapshot (with any later events applied) must be the
  // model its events fold to, field for field.
  if (EncodePcnModel(fresh.head) != EncodePcnModel(head)) {
    snapshot_disagreed_.store(true);
    return absl::DataLossError(absl::StrCat(
        "stream ", name, ": the snapshot's model at position ", head.position,
        " is not what its events fold to (", fresh.head.staff.size(), " staff and ",
        fresh.head.claims.size(), " claims at position ", fresh.head.position, ")"));
  }
  for (auto& [id, claim] : head.claims) {
    const domain::ClaimModel& folded = fresh.head.claims.at(id);  // same keys: checked
    claim.submitted = folded.submitted;
    claim.assessment = folded.assessment;
  }
  pages_.KeepBatch(std::move(read.owned));  // moving keeps the events' addresses
  stream.events = std::move(fresh.events);
  stream.checkpoints = std::move(fresh.checkpoints);
  stream.events_loaded.store(true, std::memory_order_release);
  return absl::OkStatus();
}

void LedgerState::RestoreRecordedAt(std::vector<int64_t> recorded_at) {
  recorded_at_ = std::move(recorded_at);
  head_position_ = recorded_at_.size();
}

StreamState& LedgerState::RestoreStream(const std::string& name) {
  StreamState& stream = streams_[name];
  stream.events_loaded.store(false, std::memory_order_relaxed);
  return stream;
}

void LedgerState::RestoreEvents(const std::string& name, std::vector<v1::Event> events) {
  StreamState& stream = streams_[name];
  for (const v1::Event& e : pages_.KeepBatch(std::move(events))) {
    AddToStream(stream, &e);
    if (name == domain::kRulesStream) rules_.Apply(e);
  }
}

StreamState* LedgerState::Find(const std::string& stream) {
  auto it = streams_.find(stream);
  return it == streams_.end() ? nullptr : &it->second;
}

absl::StatusOr<StreamState*> LedgerState::FindLoaded(const std::string& name) {
  if (!broken_.ok()) return broken_;
  StreamState* stream = Find(name);
  if (stream == nullptr) return nullptr;
  if (absl::Status loaded = LoadEvents(name, *stream); !loaded.ok()) return loaded;
  return stream;
}

absl::StatusOr<const domain::PcnModel*> LedgerState::ModelAt(const std::string& name,
                                                             uint64_t known_at,
                                                             domain::PcnModel* scratch) {
  if (!broken_.ok()) return broken_;
  StreamState* state = Find(name);
  if (state == nullptr || state->version == 0 || state->first_position > known_at) {
    return nullptr;
  }
  if (known_at >= state->last_position) return &state->head;
  if (absl::Status loaded = LoadEvents(name, *state); !loaded.ok()) return loaded;
  *scratch = FoldFromCheckpoint(*state, known_at);
  return scratch;
}

size_t LedgerState::CopyWeight(const domain::PcnModel& model) {
  return model.staff.size() + model.claims.size();
}

const domain::PcnModel& LedgerState::EmptyModel() {
  static const domain::PcnModel* const kEmpty = new domain::PcnModel();
  return *kEmpty;
}

const std::vector<const v1::Event*>& LedgerState::NoEvents() {
  static const std::vector<const v1::Event*>* const kNone = new std::vector<const v1::Event*>();
  return *kNone;
}

absl::Status LedgerState::Health() const {
  absl::ReaderMutexLock lock(&mu_);
  return broken_;
}

uint64_t LedgerState::HeadPosition() const {
  absl::ReaderMutexLock lock(&mu_);
  return head_position_;
}

absl::StatusOr<uint64_t> LedgerState::ResolveKnownAt(const v1::KnownAt& known_at) const {
  absl::ReaderMutexLock lock(&mu_);
  switch (known_at.point_case()) {
    case v1::KnownAt::kPosition:
      if (known_at.position() == 0 || known_at.position() > head_position_) {
        return absl::InvalidArgumentError(absl::StrCat(
            "known_at.position must be 1 to the head position ", head_position_, ", got ",
            known_at.position()));
      }
      return known_at.position();
    case v1::KnownAt::kRecordedAtMicros:
      return PositionAtTime(known_at.recorded_at_micros());
    case v1::KnownAt::POINT_NOT_SET:
      break;
  }
  return head_position_;
}

std::string LedgerState::IcbOf(const std::string& stream) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = streams_.find(stream);
  return it == streams_.end() ? "" : it->second.head.icb_code;
}

std::optional<std::pair<v1::FinancialYearRules, uint64_t>> LedgerState::RulesInForce(
    int financial_year, uint64_t known_at) const {
  absl::ReaderMutexLock lock(&mu_);
  const rules::RulesInForce found = rules_.InForce(financial_year, known_at);
  if (found.rules == nullptr) return std::nullopt;
  return std::make_pair(*found.rules, found.published_at);
}

std::optional<std::string> LedgerState::RulesVersionInForce(int financial_year) const {
  absl::ReaderMutexLock lock(&mu_);
  const v1::FinancialYearRules* current = rules_.ForYear(financial_year);
  if (current == nullptr) return std::nullopt;
  return current->version();
}

uint64_t LedgerState::PositionAtTime(int64_t micros) const {
  auto it = std::upper_bound(recorded_at_.begin(), recorded_at_.end(), micros);
  return static_cast<uint64_t>(it - recorded_at_.begin());
}

}  // namespace arrs::engine
