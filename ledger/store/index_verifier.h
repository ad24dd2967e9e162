// Checks what the server reads besides the hash chain (issue 23): RocksDB's own checksums
// over every file, and the two indexes derived from the events, entry by entry.
//
//   streams  : every entry (stream, version) -> position must name an event at or before
//              the head whose envelope has that stream and version, and there must be one
//              entry per event (so with the first check, exactly the events' entries).
//   requests : every entry (stream, request id) -> record must name a run of consecutive
//              events first..last of that stream and request id, whole (the events just
//              before and after belong to other requests), with the last one's stream
//              version; and there must be one entry per such run of the events.
//
// The first problem found is returned as DATA_LOSS naming the column family, the key
// (stream and version or request id) and the position it points to or should point to.
// Reads only through `snapshot`, whose events the chain check has passed.
#ifndef ARRS_LEDGER_STORE_INDEX_VERIFIER_H_
#define ARRS_LEDGER_STORE_INDEX_VERIFIER_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "arrs/v1/events.pb.h"
#include "rocksdb/db.h"

namespace arrs::store {

struct IndexFamilies {
  rocksdb::ColumnFamilyHandle* events = nullptr;
  rocksdb::ColumnFamilyHandle* streams = nullptr;
  rocksdb::ColumnFamilyHandle* requests = nullptr;
};

// Calls `visit(position, event)` for each event that `events` (an iterator over the events
// column family) holds at or before `head`, in position order, and returns the first error
// `visit` returns; DATA_LOSS ("event N does not parse") for an event that does not parse.
// Stops, with OK, at the first key beyond `head` or that is not an event key. The
// iterator's own status is left to the caller. Shared by the verifier and the repair.
absl::Status ForEachEventUpTo(
    rocksdb::Iterator& events, uint64_t head,
    absl::FunctionRef<absl::Status(uint64_t position, const v1::Event& event)> visit);

// RocksDB's block checksums over every live SST file (DB::VerifyChecksum): DATA_LOSS
// naming the file on a mismatch.
absl::Status VerifyFileChecksums(rocksdb::DB* db);

// The streams and requests indexes against the events up to `head_position`.
absl::Status VerifyIndexes(rocksdb::DB* db, const IndexFamilies& cf,
                           const rocksdb::Snapshot* snapshot, uint64_t head_position);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_INDEX_VERIFIER_H_
