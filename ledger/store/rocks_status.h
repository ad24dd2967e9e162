// Converts RocksDB statuses to absl::Status, keeping RocksDB's message.
#ifndef ARRS_LEDGER_STORE_ROCKS_STATUS_H_
#define ARRS_LEDGER_STORE_ROCKS_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "rocksdb/status.h"

namespace arrs::store {

// OK -> OK; NotFound -> NOT_FOUND; Corruption -> DATA_LOSS; InvalidArgument ->
// INVALID_ARGUMENT; IOError, Busy, TimedOut, TryAgain, Incomplete, ShutdownInProgress ->
// UNAVAILABLE; anything else -> INTERNAL. The message is "<context>: <rocksdb message>".
absl::Status FromRocks(const rocksdb::Status& status, absl::string_view context);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_ROCKS_STATUS_H_
