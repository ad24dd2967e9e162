#include "ledger/engine/ledger_state.h"

#include <algorithm>
#include <functional>

#include "absl/strings/match.h"
#include "ledger/domain/decide.h"

namespace arrs::engine {
namespace {

// The head model of `stream` after a correction, equal to FoldPcn(stream.events, head).
// FoldPcn applies each event slot in the order of its original position, with the content
// the corrections since gave it. A checkpoint at C is that fold of the slots up to C; if
// no event after C corrects a position at or before C, those slots have not changed since,
// and the model is the checkpoint with the slots after C folded on top of it.
domain::PcnModel RefoldAfterCorrection(const StreamState& stream) {
  const std::vector<const v1::Event*>& events = stream.events;
  uint64_t lowest_target = UINT64_MAX;  // lowest position corrected by events scanned
  auto scanned = events.end();          // events from here on have been scanned
  for (auto c = stream.checkpoints.rbegin(); c != stream.checkpoints.rend(); ++c) {
    while (scanned != events.begin() && (*std::prev(scanned))->position() > c->position) {
      --scanned;
      if ((*scanned)->corrects() != 0) {
        lowest_target = std::min(lowest_target, (*scanned)->corrects());
      }
    }
    if (lowest_target <= c->position) continue;  // reaches into this checkpoint
    const std::vector<const v1::Event*> after(scanned, events.end());
    const domain::CorrectionView view = domain::ResolveCorrections(after, UINT64_MAX);
    domain::PcnModel model = *c->model;
    for (const v1::Event* in_force : view.in_force) model.Apply(*in_force);
    model.stream_version = view.stream_version;
    model.position = view.position;
    return model;
  }
  return domain::FoldPcn(events, UINT64_MAX);
}

}  // namespace

void LedgerState::Apply(const std::vector<v1::Event>& committed) {
  for (const v1::Event& incoming : committed) {
    if (incoming.position() <= head_position) continue;  // already folded (initial load race)
    events_.push_back(incoming);
    Fold(&events_.back());
  }
}

void LedgerState::Apply(std::vector<v1::Event>&& committed) {
  for (v1::Event& incoming : committed) {
    if (incoming.position() <= head_position) continue;
    events_.push_back(std::move(incoming));
    Fold(&events_.back());
  }
}

void LedgerState::Apply(std::unique_ptr<google::protobuf::Arena> arena,
                        const std::vector<v1::Event*>& loaded) {
  for (const v1::Event* e : loaded) {
    if (e->position() > head_position) Fold(e);
  }
  arenas_.push_back(std::move(arena));
}

void LedgerState::Fold(const v1::Event* e) {
  head_position = e->position();
  recorded_at_.push_back(
      std::max(e->recorded_at_micros(), recorded_at_.empty() ? 0 : recorded_at_.back()));
  StreamState& stream = streams[e->stream()];
  stream.events.push_back(e);
  if (e->stream() == domain::kRulesStream) {
    rules.Apply(*e);
  } else if (absl::StartsWith(e->stream(), "pcn/")) {
    if (e->corrects() != 0) {
      // A correction may change anything before it: fold the stream again, from the
      // latest checkpoint it leaves untouched.
      stream.head = RefoldAfterCorrection(stream);
    } else {
      stream.head.Apply(*e);
    }
    if (e->corrects() != 0 || stream.events.size() % kCheckpointEvery == 0) {
      stream.checkpoints.push_back(
          Checkpoint{e->position(), std::make_shared<const domain::PcnModel>(stream.head)});
    }
  }
}

absl::Mutex& LedgerState::StreamWriteLock(const std::string& stream) {
  return write_locks_[std::hash<std::string>()(stream) % kWriteLockStripes];
}

const StreamState* LedgerState::Find(const std::string& stream) const {
  auto it = streams.find(stream);
  return it == streams.end() ? nullptr : &it->second;
}

const domain::PcnModel* LedgerState::ModelAt(const std::string& stream, uint64_t known_at,
                                             domain::PcnModel* scratch) const {
  const StreamState* state = Find(stream);
  if (state == nullptr || state->events.empty() ||
      state->events.front()->position() > known_at) {
    return nullptr;
  }
  if (known_at >= state->events.back()->position()) return &state->head;
  auto after = std::upper_bound(
      state->checkpoints.begin(), state->checkpoints.end(), known_at,
      [](uint64_t position, const Checkpoint& c) { return position < c.position; });
  if (after == state->checkpoints.begin()) {
    *scratch = domain::FoldPcn(state->events, known_at);
    return scratch;
  }
  const Checkpoint& from = *std::prev(after);
  *scratch = *from.model;
  auto next = std::upper_bound(
      state->events.begin(), state->events.end(), from.position,
      [](uint64_t position, const v1::Event* e) { return position < e->position(); });
  for (; next != state->events.end() && (*next)->position() <= known_at; ++next) {
    scratch->Apply(**next);
  }
  return scratch;
}

uint64_t LedgerState::PositionAtTime(int64_t micros) const {
  auto it = std::upper_bound(recorded_at_.begin(), recorded_at_.end(), micros);
  return static_cast<uint64_t>(it - recorded_at_.begin());
}

}  // namespace arrs::engine
