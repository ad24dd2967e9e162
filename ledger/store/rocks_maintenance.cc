// FlushLog and CompactLog (rocks_event_log.h): RocksDB's flush and compaction on request,
// so that tests can put a storage fault exactly under one of them.
#include <vector>

#include "absl/status/status.h"
#include "ledger/store/rocks_event_log.h"
#include "ledger/store/rocks_event_log_internal.h"
#include "ledger/store/rocks_status.h"
#include "rocksdb/options.h"

namespace arrs::store {
namespace {

absl::StatusOr<internal::RocksEventLog*> AsRocks(EventLog& log) {
  auto* rocks = dynamic_cast<internal::RocksEventLog*>(&log);
  if (rocks == nullptr) {
    return absl::FailedPreconditionError("not a RocksDB event log: nothing to flush or compact");
  }
  return rocks;
}

}  // namespace

absl::Status FlushLog(EventLog& log) {
  absl::StatusOr<internal::RocksEventLog*> rocks = AsRocks(log);
  if (!rocks.ok()) return rocks.status();
  return (*rocks)->Flush();
}

absl::Status CompactLog(EventLog& log) {
  absl::StatusOr<internal::RocksEventLog*> rocks = AsRocks(log);
  if (!rocks.ok()) return rocks.status();
  return (*rocks)->Compact();
}

absl::Status internal::RocksEventLog::Flush() {
  if (absl::Status s = WritableOrError("flush"); !s.ok()) return s;
  rocksdb::FlushOptions flush;
  flush.wait = true;
  return FromRocks(db_->Flush(flush, open_->handles), "flushing the event log");
}

absl::Status internal::RocksEventLog::Compact() {
  if (absl::Status s = WritableOrError("compact"); !s.ok()) return s;
  rocksdb::CompactRangeOptions compact;
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (rocksdb::ColumnFamilyHandle* family : open_->handles) {
    if (absl::Status s = FromRocks(db_->CompactRange(compact, family, nullptr, nullptr),
                                   "compacting the event log");
        !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

}  // namespace arrs::store
