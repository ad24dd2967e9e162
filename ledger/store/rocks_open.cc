// Opening an event log folder: RocksDB's options, the column families by name, the format
// check, and the migration of a folder of the previous format.
#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/log_format.h"
#include "ledger/store/rocks_event_log.h"
#include "ledger/store/rocks_event_log_internal.h"
#include "ledger/store/rocks_status.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace arrs::store {
namespace {

using internal::Families;
using internal::OpenDb;
using internal::ToView;

rocksdb::ColumnFamilyOptions FamilyOptions(const std::string& name) {
  rocksdb::ColumnFamilyOptions options;
  if (name == kRequestsFamily || name == kStreamsFamily) {
    // Point lookups (request ids) and prefix seeks (stream versions): bloom filters help.
    rocksdb::BlockBasedTableOptions table;
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  }
  if (name == kRequestsFamily) {
    // Every append looks its request id up, and almost every id is new: a bloom filter
    // over the memtable's keys answers those misses without searching the skip list.
    options.memtable_whole_key_filtering = true;
    options.memtable_prefix_bloom_size_ratio = 0.02;
  }
  return options;
}

// An info log that writes nothing: a read-only open must leave the folder as it was,
// and RocksDB would otherwise start a new LOG file in it (and rename the old one).
class SilentLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

rocksdb::DBOptions DbOptions(const LogOptions& options, rocksdb::Env* env) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = options.create_if_missing && !options.read_only;
  db_options.create_missing_column_families = !options.read_only;
  if (options.read_only) db_options.info_log = std::make_shared<SilentLogger>();
  db_options.max_background_jobs = 2;
  db_options.keep_log_file_num = 4;
  // After a retryable write error, RocksDB retries recovery in the background; do so
  // every 100 ms rather than every second so that appends come back quickly.
  db_options.bgerror_resume_retry_interval = 100'000;
  // On reopen, a write-ahead log record that is damaged anywhere but in an incomplete last
  // write fails the open (Corruption) instead of ending the replay there: RocksDB's default
  // (point-in-time recovery) would quietly drop that record and every acknowledged one
  // after it. A crash part-way through the last, unacknowledged write is still tolerated.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
  if (env == nullptr) env = options.env;  // LogOptions::env, when the argument is null
  if (env != nullptr) db_options.env = env;
  return db_options;
}

// Opens the DB with our column families (created when missing) and any others the folder
// holds, and finds ours by name.
absl::Status OpenFamilies(const rocksdb::DBOptions& db_options, const std::string& dir,
                          bool read_only, OpenDb* open, Families* families) {
  std::vector<std::string> names = {rocksdb::kDefaultColumnFamilyName,
                                    kEventsFamily,
                                    kStreamsFamily,
                                    kRequestsFamily,
                                    kSnapshotsFamily,
                                    kMetaFamily};
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, dir, &existing).ok()) {
    for (const std::string& name : existing) {
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
    }
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (const std::string& name : names) descriptors.emplace_back(name, FamilyOptions(name));
  if (read_only) {
    // Only the families the folder holds: a read-only open cannot create one.
    std::vector<std::string> held;
    std::vector<rocksdb::ColumnFamilyDescriptor> existing_only;
    for (size_t i = 0; i < names.size(); ++i) {
      if (std::find(existing.begin(), existing.end(), names[i]) != existing.end()) {
        held.push_back(names[i]);
        existing_only.push_back(descriptors[i]);
      }
    }
    if (held.size() != names.size()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "opening event log in ", dir, " read-only: ",
          existing.empty() ? "no event log there" : "it lacks column families of this format"));
    }
    descriptors = std::move(existing_only);
  }
  const rocksdb::Status opened =
      read_only ? rocksdb::DB::OpenForReadOnly(db_options, dir, descriptors, &open->handles,
                                               &open->db)
                : rocksdb::DB::Open(db_options, dir, descriptors, &open->handles, &open->db);
  if (absl::Status s = FromRocks(opened, absl::StrCat("opening event log in ", dir,
                                                      read_only ? " read-only" : ""));
      !s.ok()) {
    return s;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    rocksdb::ColumnFamilyHandle* handle = open->handles[i];
    if (names[i] == kEventsFamily) families->events = handle;
    if (names[i] == kStreamsFamily) families->streams = handle;
    if (names[i] == kRequestsFamily) families->requests = handle;
    if (names[i] == kSnapshotsFamily) families->snapshots = handle;
    if (names[i] == kMetaFamily) families->meta = handle;
  }
  return absl::OkStatus();
}

absl::Status ReadHead(rocksdb::DB* db, const Families& cf, Head* head) {
  std::string value;
  if (absl::Status r = FromRocks(db->Get(rocksdb::ReadOptions(), cf.meta, kMetaHead, &value),
                                 "reading meta head");
      !r.ok()) {
    return r;
  }
  return DecodeHead(value, &head->position, &head->hash);
}

// A new folder: format and an empty head, synced. FAILED_PRECONDITION when the folder
// holds data but no format version.
absl::Status Initialise(rocksdb::DB* db, const Families& cf, const std::string& dir, Head* head) {
  std::string head_value;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf.events));
  it->SeekToFirst();
  if (it->Valid() ||
      !db->Get(rocksdb::ReadOptions(), cf.meta, kMetaHead, &head_value).IsNotFound()) {
    return absl::FailedPreconditionError(
        absl::StrCat("event log in ", dir, " holds data but no format_version; expected format \"",
                     kFormatVersion, "\""));
  }
  head->position = 0;
  head->hash = ZeroHash();
  rocksdb::WriteBatch init;
  init.Put(cf.meta, kMetaFormatVersion, kFormatVersion);
  init.Put(cf.meta, kMetaHead, EncodeHead(0, head->hash));
  rocksdb::WriteOptions write;
  write.sync = true;
  return FromRocks(db->Write(write, &init), "initialising event log");
}

// Format 1 keyed the requests column family by request id alone. Rebuilds it keyed by
// (stream, request id) from the events up to the head (a request's events are
// consecutive and each carries its stream and request id; format 1 had no kinds or
// digests, so the records have none), and sets format 2, in one synced batch, logged on
// stderr.
absl::Status MigrateFromFormat1(rocksdb::DB* db, const Families& cf, const std::string& dir,
                                const Head& head) {
  rocksdb::WriteBatch batch;
  uint64_t old_records = 0;
  std::unique_ptr<rocksdb::Iterator> old(db->NewIterator(rocksdb::ReadOptions(), cf.requests));
  for (old->SeekToFirst(); old->Valid(); old->Next(), ++old_records) {
    batch.Delete(cf.requests, old->key());
  }
  if (!old->status().ok()) return FromRocks(old->status(), "reading format-1 request ids");
  uint64_t records = 0;
  RequestRecord record;
  std::string request_id;
  auto flush = [&] {
    if (record.first_position == 0) return;
    batch.Put(cf.requests, RequestKey(record.stream, request_id), EncodeRequestRecord(record));
    ++records;
  };
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf.events));
  v1::Event event;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::optional<uint64_t> position = DecodeEventKey(ToView(it->key()));
    if (!position || *position > head.position) break;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("migrating ", dir, ": stored bytes of event ", *position, " do not parse"));
    }
    const bool same_request = record.first_position != 0 && *position == record.last_position + 1 &&
                              event.stream() == record.stream && event.request_id() == request_id;
    if (!same_request) {
      flush();
      record = RequestRecord{*position, *position, 0, event.stream(), {}, {}};
      request_id = event.request_id();
    }
    record.last_position = *position;
    record.stream_version = event.stream_version();
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading events to migrate");
  flush();
  batch.Put(cf.meta, kMetaFormatVersion, kFormatVersion);
  rocksdb::WriteOptions write;
  write.sync = true;
  if (absl::Status w = FromRocks(db->Write(write, &batch), "migrating request ids"); !w.ok()) {
    return w;
  }
  std::fprintf(stderr,
               "arrs event log: migrated %s from format %s to %s: %llu request ids keyed "
               "alone replaced by %llu keyed by stream, rebuilt from events 1..%llu\n",
               dir.c_str(), kPreviousFormatVersion, kFormatVersion,
               static_cast<unsigned long long>(old_records),
               static_cast<unsigned long long>(records),
               static_cast<unsigned long long>(head.position));
  return absl::OkStatus();
}

// The head of an open folder, after checking (and if need be migrating) its format.
absl::Status LoadHead(rocksdb::DB* db, const Families& cf, const std::string& dir,
                      bool read_only, Head* head) {
  std::string format;
  rocksdb::Status s = db->Get(rocksdb::ReadOptions(), cf.meta, kMetaFormatVersion, &format);
  if (s.IsNotFound() && read_only) {
    return absl::FailedPreconditionError(
        absl::StrCat("event log in ", dir, " has no format_version: not an event log folder"));
  }
  if (s.IsNotFound()) return Initialise(db, cf, dir, head);
  if (!s.ok()) return FromRocks(s, "reading format_version");
  if (format != kFormatVersion && format != kPreviousFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("event log in ", dir, " has format_version \"", format,
                     "\" but this build reads format_version \"", kFormatVersion, "\""));
  }
  if (absl::Status r = ReadHead(db, cf, head); !r.ok()) return r;
  if (format == kPreviousFormatVersion) {
    if (read_only) {
      return absl::FailedPreconditionError(absl::StrCat(
          "event log in ", dir, " has format_version \"", format, "\" and must be migrated to \"",
          kFormatVersion, "\" before a read-only open: open it once with arrsd (on a copy)"));
    }
    return MigrateFromFormat1(db, cf, dir, *head);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<EventLog>> OpenRocksEventLog(const std::string& dir,
                                                            LogOptions options, rocksdb::Env* env) {
  auto open = std::make_unique<OpenDb>();
  Families families;
  if (absl::Status s =
          OpenFamilies(DbOptions(options, env), dir, options.read_only, open.get(), &families);
      !s.ok()) {
    return s;
  }
  Head head;
  if (absl::Status s = LoadHead(open->db, families, dir, options.read_only, &head); !s.ok()) {
    return s;
  }
  return std::unique_ptr<EventLog>(new internal::RocksEventLog(
      dir, std::move(options), std::move(open), families, std::move(head)));
}

absl::Status internal::OpenForRepair(const std::string& dir, OpenDb* open, Families* families,
                                     Head* head) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return absl::NotFoundError(absl::StrCat("no data folder at ", dir));
  }
  LogOptions options;
  options.create_if_missing = false;
  const rocksdb::DBOptions db_options = DbOptions(options, nullptr);
  std::vector<std::string> existing;
  rocksdb::DB::ListColumnFamilies(db_options, dir, &existing).PermitUncheckedError();
  for (const char* name : {kEventsFamily, kSnapshotsFamily, kMetaFamily}) {
    if (std::find(existing.begin(), existing.end(), name) == existing.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir, " is not an event log folder of this format: it has no column family ", name));
    }
  }
  if (absl::Status s = OpenFamilies(db_options, dir, /*read_only=*/false, open, families);
      !s.ok()) {
    if (absl::AsciiStrToLower(s.message()).find("lock") != std::string::npos) {
      return absl::FailedPreconditionError(absl::StrCat(
          dir,
          " is in use: another process (a running arrsd?) holds its lock; stop it first, "
          "or work on a copy (",
          s.message(), ")"));
    }
    return s;
  }
  std::string format;
  rocksdb::Status s =
      open->db->Get(rocksdb::ReadOptions(), families->meta, kMetaFormatVersion, &format);
  if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading format_version");
  if (format != kFormatVersion) {
    return absl::FailedPreconditionError(
        absl::StrCat("event log in ", dir, " has format_version \"", format,
                     "\" but this build repairs format_version \"", kFormatVersion,
                     "\" (open it once with arrsd, on a copy, to migrate it)"));
  }
  return ReadHead(open->db, *families, head);
}

absl::Status internal::RecreateFamily(OpenDb* open, const std::string& name,
                                      rocksdb::ColumnFamilyHandle** handle) {
  auto slot = std::find(open->handles.begin(), open->handles.end(), *handle);
  if (slot == open->handles.end() || (name != kStreamsFamily && name != kRequestsFamily)) {
    return absl::InvalidArgumentError(absl::StrCat("not a derived column family: ", name));
  }
  if (absl::Status s = FromRocks(open->db->DropColumnFamily(*handle),
                                 absl::StrCat("dropping column family ", name));
      !s.ok()) {
    return s;
  }
  open->handles.erase(slot);
  open->db->DestroyColumnFamilyHandle(*handle).PermitUncheckedError();
  *handle = nullptr;
  rocksdb::ColumnFamilyHandle* fresh = nullptr;
  if (absl::Status s = FromRocks(open->db->CreateColumnFamily(FamilyOptions(name), name, &fresh),
                                 absl::StrCat("creating column family ", name));
      !s.ok()) {
    return s;
  }
  open->handles.push_back(fresh);
  *handle = fresh;
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<EventLog>> EventLog::Open(const std::string& dir,
                                                         LogOptions options) {
  return OpenRocksEventLog(dir, std::move(options), nullptr);
}

}  // namespace arrs::store
