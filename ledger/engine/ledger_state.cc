#include "ledger/engine/ledger_state.h"

#include <algorithm>
#include <functional>

#include "absl/strings/match.h"
#include "ledger/domain/decide.h"

namespace arrs::engine {

void LedgerState::Apply(const std::vector<v1::Event>& committed) {
  for (const v1::Event& incoming : committed) {
    if (incoming.position() <= head_position) continue;  // already folded (initial load race)
    events_.push_back(incoming);
    FoldLast();
  }
}

void LedgerState::Apply(std::vector<v1::Event>&& committed) {
  for (v1::Event& incoming : committed) {
    if (incoming.position() <= head_position) continue;
    events_.push_back(std::move(incoming));
    FoldLast();
  }
}

void LedgerState::FoldLast() {
  const v1::Event* e = &events_.back();
  head_position = e->position();
  recorded_at_.push_back(
      std::max(e->recorded_at_micros(), recorded_at_.empty() ? 0 : recorded_at_.back()));
  StreamState& stream = streams[e->stream()];
  stream.events.push_back(e);
  if (e->stream() == domain::kRulesStream) {
    rules.Apply(*e);
  } else if (absl::StartsWith(e->stream(), "pcn/")) {
    if (e->corrects() != 0) {
      // A correction may cancel anything before it: fold the stream again.
      stream.head = domain::FoldPcn(stream.events, UINT64_MAX);
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
