// VerifySnapshots: checks every stored ledger snapshot against the event log, for
// `arrsctl verify` (online through Ledger::Verify, and offline on a data folder).
//
// A snapshot is a cache of the log: start-up trusts its PCN models without reading their
// events (RestoreSnapshot checks only the header). Verify therefore checks each one in
// full, reading only the log:
//   - it parses, is stored under the position it names, and its header matches the log
//     (CheckSnapshotHeader: format, position and through_position and their hashes);
//   - each recorded time is the log's (as folded: never going back);
//   - each stream's version, first and last positions are its events' in the log, and
//     every stream with events up to the snapshot's position is in it;
//   - each PCN's model equals the model folded from its events (the same encoding,
//     compared field by field, so that the first difference is named).
//
// Thread-safe: reads only; safe beside a running ledger (snapshots written or deleted
// meanwhile are checked or skipped as found).
#ifndef ARRS_LEDGER_ENGINE_SNAPSHOT_VERIFIER_H_
#define ARRS_LEDGER_ENGINE_SNAPSHOT_VERIFIER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "arrs/v1/api.pb.h"

namespace arrs::store {
class EventLog;
}

namespace arrs::engine {

// Checks every ledger snapshot in `log`, newest first. Returns how many were checked (0
// when there are none). Errors: DATA_LOSS for the first snapshot that does not match the
// log, naming its position and what is wrong (for a PCN model: the PCN and the first
// differing field, e.g. 'snapshot at position 120: PCN U10001 (pcn/U10001):
// claims[2021-08].approved_total_pence: the snapshot says 830001, the events fold to
// 830000'); the log's read errors.
absl::StatusOr<uint64_t> VerifySnapshots(const store::EventLog& log);

// The whole check `arrsctl verify` reports (online through Ledger::Verify, offline on a
// data folder): the log's hash chain (EventLog::Verify), then, when the chain holds, the
// snapshots a restart would trust, against that chain (VerifySnapshots; a snapshot that
// fails makes the response not ok, with VerifySnapshots' message as its problem).
v1::VerifyResponse VerifyChainAndSnapshots(const store::EventLog& log);

// What RemoveSnapshotsThatFailVerify found and did.
struct SnapshotRepair {
  uint64_t verified = 0;  // snapshots checked, when none failed
  bool removed = false;   // every ledger snapshot was deleted
  std::string problem;    // VerifySnapshots' message for the one that failed ("" if none)
};
// For an offline repair (arrsctl repair-index): when any ledger snapshot fails
// VerifySnapshots with DATA_LOSS, deletes every ledger snapshot, synced. A snapshot is a
// cache of the log: the next start folds the whole log instead, and writes new ones.
// Snapshots that verify are left alone. Errors: the log's read and write errors (nothing
// is deleted then).
absl::StatusOr<SnapshotRepair> RemoveSnapshotsThatFailVerify(store::EventLog& log);

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_SNAPSHOT_VERIFIER_H_
