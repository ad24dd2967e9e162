// The RocksDB implementation of EventLog (see event_log.h for the contract and layout).
//
// EventLog::Open() is OpenRocksEventLog() with RocksDB's default Env. This header exists
// for tests that need to inject a RocksDB Env (for example one whose file syncs fail);
// production code uses EventLog::Open.
#ifndef ARRS_LEDGER_STORE_ROCKS_EVENT_LOG_H_
#define ARRS_LEDGER_STORE_ROCKS_EVENT_LOG_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/store/event_log.h"
#include "rocksdb/env.h"

namespace arrs::store {

// `env` may be null (RocksDB's default); otherwise it must outlive the returned log.
absl::StatusOr<std::unique_ptr<EventLog>> OpenRocksEventLog(const std::string& dir,
                                                            LogOptions options,
                                                            rocksdb::Env* env);

// Maintenance on a log opened by OpenRocksEventLog or EventLog::Open, for tests that
// inject storage faults (and for tools): FlushLog writes every column family's memtable
// to SST files and waits; CompactLog compacts every column family's files into one level
// and waits. Nothing is acknowledged or published by either. Errors: FAILED_PRECONDITION
// when `log` is not a RocksDB event log or is open read-only; else RocksDB's error as
// FromRocks maps it (an I/O error is UNAVAILABLE), "flushing the event log: ..." or
// "compacting the event log: ...".
absl::Status FlushLog(EventLog& log);
absl::Status CompactLog(EventLog& log);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_ROCKS_EVENT_LOG_H_
