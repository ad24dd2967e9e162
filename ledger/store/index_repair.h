// RepairIndexes: rebuilds an event log's derived column families from its events, offline
// (arrsctl repair-index, issue 23). The events are the record; the indexes are derived:
//
//   streams  : one entry (stream, version) -> position per event, rebuilt exactly.
//   requests : one record per request (a run of consecutive events of one stream and
//              request id) with its first and last positions and last stream version.
//              A record also holds the request's kind and digest, which no event carries:
//              a record that decodes and names its run correctly is kept as it is; one
//              that is missing, does not decode or names the wrong run is written again
//              from the events without a kind or digest (a retry of that request id is
//              then answered with its first result, never refused as different), and
//              reported by key.
//   Entries that no event accounts for are removed. A family whose files fail their
//   checksums (it cannot be read entry by entry) is dropped and rebuilt whole: every
//   entry is then added, and every request record loses its kind and digest.
//
// It refuses to touch a folder whose hash chain does not verify (log_verifier.h): only
// events that verify are trusted to rebuild from. The changes are written in one synced
// batch (after the drop of any family rebuilt whole), then the files' checksums and the
// indexes are verified again (index_verifier.h). A second run finds nothing to change.
// The snapshots column family is not touched (arrsctl verify checks it).
//
// The folder must not be in use: RocksDB's lock file is taken, and a folder held by a
// running arrsd is refused.
#ifndef ARRS_LEDGER_STORE_INDEX_REPAIR_H_
#define ARRS_LEDGER_STORE_INDEX_REPAIR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace arrs::store {

// What was changed in one column family: exact counts, and a line per change (the first
// 1000), e.g. 'added pcn/U1 version 4 -> position 12', 'removed pcn/U1 version 21 (the
// stream has 20 events)'.
struct FamilyRepair {
  uint64_t added = 0;
  uint64_t removed = 0;
  uint64_t rewritten = 0;
  std::vector<std::string> changes;
};

struct RepairReport {
  uint64_t events = 0;  // the head: events 1..events verified and indexed
  FamilyRepair streams;
  FamilyRepair requests;
  // Families dropped and rebuilt whole, each with the read error that condemned it.
  std::vector<std::string> rebuilt_whole;
  // Request records written again from the events whose kind and digest were lost
  // (stream and request id, escaped), a subset of the requests' changes.
  std::vector<std::string> requests_without_digest;
  bool changed() const {
    const uint64_t entries = streams.added + streams.removed + streams.rewritten + requests.added +
                             requests.removed + requests.rewritten;
    return entries > 0 || !rebuilt_whole.empty();
  }
};

// Repairs the indexes of the event log in `dir`. Errors: FAILED_PRECONDITION when the
// folder is in use, is not an event log of the current format, or its hash chain does not
// verify (naming the first bad position; nothing is written); DATA_LOSS when the folder
// does not verify after the repair (e.g. a damaged snapshots file, which is not an index);
// NOT_FOUND when there is no folder; RocksDB's errors.
absl::StatusOr<RepairReport> RepairIndexes(const std::string& dir);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_INDEX_REPAIR_H_
