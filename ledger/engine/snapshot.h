// Ledger snapshots: the LedgerState folded up to one log position, stored in the log's
// `snapshots` column family (projection "ledger") so that a restart reads one value and
// the few events after it instead of decoding and folding the whole log.
//
// A snapshot holds, for its position P: every position's recorded time up to P, every
// stream's version and first and last positions, and each PCN's head model (its figures,
// claims by the positions of their events), each stream as it stood at P or later. It
// does not hold the events: a restored state reads a PCN's events from the log when
// something first needs them (see LedgerState), and the rule book's stream is read in
// full on restore. Encoding: arrs.v1.LedgerSnapshot (proto/arrs/v1/snapshot.proto),
// deterministic serialisation.
//
// A snapshot is a cache of the log, never the record: Restore refuses one whose format is
// unknown or whose position and hash do not match the log, and the caller then folds the
// whole log instead.
#ifndef ARRS_LEDGER_ENGINE_SNAPSHOT_H_
#define ARRS_LEDGER_ENGINE_SNAPSHOT_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace arrs::store {
class EventLog;
}
namespace arrs::domain {
class PcnModel;
}
namespace arrs::v1 {
class LedgerSnapshot;
}

namespace arrs::engine {

class LedgerState;

// The projection name snapshots are stored under.
inline constexpr const char* kLedgerSnapshot = "ledger";

// A snapshot's bytes and the position it was taken at.
struct EncodedSnapshot {
  uint64_t position = 0;
  std::string bytes;
};

// Encodes `state` as of its head position P, whose hash is read from `log`. Takes
// the state's lock itself, shared, a few dozen streams at a time, so that commits are not held up
// for the whole encoding: a stream may then be encoded with events after P, which the
// fold after a restore skips (LedgerState::Fold folds a stream's events once). Errors:
// the log's read errors.
absl::StatusOr<EncodedSnapshot> EncodeSnapshot(LedgerState& state, const store::EventLog& log);

// One PCN model in the snapshot's encoding (deterministic): two models with the same
// encoding answer every query alike.
std::string EncodePcnModel(const domain::PcnModel& model);
// The model EncodePcnModel encoded (its claims' event pointers null: a snapshot holds no
// events). INVALID_ARGUMENT when the bytes do not parse or are inconsistent.
absl::StatusOr<domain::PcnModel> DecodePcnModel(const std::string& bytes);

// Checks a parsed snapshot's header (every field but the streams) against `log`: its
// format, its position and through_position and their hashes, and its recorded times (as
// many as its position, never going back). Errors as RestoreSnapshot's.
absl::Status CheckSnapshotHeader(const v1::LedgerSnapshot& snapshot, const store::EventLog& log);

// Restores `bytes` into `state`, which must be empty, reading the rule book's stream from
// `log` and making `log` the source of the PCN streams' events. Returns the snapshot's
// position. Errors (state then unusable: discard it): INVALID_ARGUMENT when the bytes do
// not parse or hold an unknown format; FAILED_PRECONDITION when the snapshot is beyond
// the log's head or its hash is not the log's hash at its position; the log's read errors.
absl::StatusOr<uint64_t> RestoreSnapshot(const std::string& bytes, const store::EventLog& log,
                                         LedgerState& state);

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_SNAPSHOT_H_
