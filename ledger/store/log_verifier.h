// Recomputes the hash chain of an event log from position 1 over one RocksDB snapshot.
//
// For every stored event, in key order, checks that: the bytes parse as arrs.v1.Event;
// the key equals the envelope's position and positions are dense from 1; prev_hash is the
// previous event's hash (32 zero bytes at position 1); payload_hash matches the payload
// (skipped for redacted events); hash recomputes (event_hash.h); stream_version is the
// next version of its stream. Finally the meta head must name the last event and its hash.
// Stops at the first problem, naming its position.
//
// Thread-safe: reads only through `snapshot`.
#ifndef ARRS_LEDGER_STORE_LOG_VERIFIER_H_
#define ARRS_LEDGER_STORE_LOG_VERIFIER_H_

#include "ledger/store/event_log.h"
#include "rocksdb/db.h"

namespace arrs::store {

VerifyReport VerifyLog(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                       rocksdb::ColumnFamilyHandle* meta, const rocksdb::Snapshot* snapshot);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_LOG_VERIFIER_H_
