#include "ledger/store/index_repair.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "arrs/v1/events.pb.h"
#include "ledger/store/index_verifier.h"
#include "ledger/store/log_format.h"
#include "ledger/store/log_verifier.h"
#include "ledger/store/rocks_event_log_internal.h"
#include "ledger/store/rocks_status.h"
#include "rocksdb/write_batch.h"

namespace arrs::store {
namespace {

using internal::Families;
using internal::OpenDb;
using internal::ToView;

// Change lines kept per column family (the counts are always exact).
constexpr size_t kMaxChangeLines = 1000;

void Note(FamilyRepair& family, uint64_t FamilyRepair::*count, std::string line) {
  ++(family.*count);
  if (family.changes.size() < kMaxChangeLines) family.changes.push_back(std::move(line));
}

std::string RequestName(absl::string_view stream, absl::string_view request_id) {
  return absl::StrCat(stream, " request \"", absl::CEscape(request_id), "\"");
}

// Works out the changes over the events (pass 1) and then over each index (pass 2), into
// one batch. Reads the folder as it is: nothing else writes it.
class Repairer {
 public:
  Repairer(rocksdb::DB* db, const Families& cf, uint64_t head, RepairReport* report)
      : db_(db), cf_(cf), head_(head), report_(*report) {}

  // Pass 1: each event's streams entry, and each request's record, as the events say.
  absl::Status ScanEvents() {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_.events));
    const absl::Status scanned = ForEachEventUpTo(
        *it, head_,
        [this](uint64_t position, const v1::Event& event) { return ScanEvent(position, event); });
    if (!scanned.ok()) return scanned;
    if (!it->status().ok()) return FromRocks(it->status(), "reading the events");
    return CheckRequestRecord();
  }

  // Pass 2: streams entries no event accounts for.
  absl::Status SweepStreams() {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_.streams));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const absl::string_view key = ToView(it->key());
      const std::optional<std::string> stream = DecodeStreamKeyStream(key);
      const std::optional<uint64_t> version =
          stream ? DecodeStreamKeyVersion(key, StreamPrefix(*stream)) : std::nullopt;
      if (!version) {
        Remove(cf_.streams, key, report_.streams,
               absl::StrCat("removed \"", absl::CEscape(key), "\" (not a streams key)"));
        continue;
      }
      auto known = versions_.find(*stream);
      const uint64_t last = known == versions_.end() ? 0 : known->second;
      if (*version == 0 || *version > last) {
        Remove(cf_.streams, key, report_.streams,
               absl::StrCat("removed ", *stream, " version ", *version, " (the stream has ", last,
                            " events)"));
      }
    }
    return FromRocks(it->status(), "reading the streams index");
  }

  // Pass 2: request records no run of the events accounts for.
  absl::Status SweepRequests() {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cf_.requests));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string key(ToView(it->key()));
      if (written_requests_.count(key) > 0) continue;  // written again by pass 1
      // Pass 1 kept every record that names its run exactly; any other is unaccounted for.
      absl::StatusOr<bool> names_a_run = NamesARun(key, ToView(it->value()));
      if (!names_a_run.ok()) return names_a_run.status();
      if (*names_a_run) continue;
      const size_t nul = key.find('\0');
      Remove(cf_.requests, key, report_.requests,
             absl::StrCat("removed ",
                          nul == std::string::npos
                              ? absl::StrCat("\"", absl::CEscape(key), "\"")
                              : RequestName(key.substr(0, nul), key.substr(nul + 1)),
                          " (no such request in the events)"));
    }
    return FromRocks(it->status(), "reading the requests index");
  }

  rocksdb::WriteBatch& batch() { return batch_; }

 private:
  // Pass 1 for the event at `position`: its streams entry, and the run it extends or
  // begins (the run it ends is checked then).
  absl::Status ScanEvent(uint64_t position, const v1::Event& event) {
    if (absl::Status s = CheckStreamEntry(event); !s.ok()) return s;
    versions_[event.stream()] = event.stream_version();
    if (run_.first_position != 0 && event.stream() == run_.stream &&
        event.request_id() == run_id_ && position == run_.last_position + 1) {
      run_.last_position = position;
      run_.stream_version = event.stream_version();
      return absl::OkStatus();
    }
    if (absl::Status s = CheckRequestRecord(); !s.ok()) return s;
    run_ = RequestRecord{position, position, event.stream_version(), event.stream(), {}, {}};
    run_id_ = event.request_id();
    return absl::OkStatus();
  }

  absl::Status CheckStreamEntry(const v1::Event& e) {
    const std::string key = StreamKey(e.stream(), e.stream_version());
    std::string value;
    const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_.streams, key, &value);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the streams index");
    const std::string want = EncodeU64(e.position());
    if (s.ok() && value == want) return absl::OkStatus();
    batch_.Put(cf_.streams, key, want);
    const std::string entry =
        absl::StrCat(e.stream(), " version ", e.stream_version(), " -> position ", e.position());
    if (s.IsNotFound()) {
      Note(report_.streams, &FamilyRepair::added, absl::StrCat("added ", entry));
    } else {
      const std::optional<uint64_t> was = value.size() == 8 ? DecodeU64(value) : std::nullopt;
      Note(report_.streams, &FamilyRepair::rewritten,
           absl::StrCat("rewrote ", entry, " (was ",
                        was ? absl::StrCat("position ", *was) : "bytes that do not decode", ")"));
    }
    return absl::OkStatus();
  }

  // The record of the run just ended (run_), if any.
  absl::Status CheckRequestRecord() {
    if (run_.first_position == 0) return absl::OkStatus();
    const std::string key = RequestKey(run_.stream, run_id_);
    std::string value;
    const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_.requests, key, &value);
    if (!s.ok() && !s.IsNotFound()) return FromRocks(s, "reading the requests index");
    std::string why;
    if (s.ok()) {
      absl::StatusOr<RequestRecord> stored = DecodeRequestRecord(value);
      if (!stored.ok()) {
        why = "did not decode";
      } else if (stored->first_position != run_.first_position ||
                 stored->last_position != run_.last_position ||
                 stored->stream_version != run_.stream_version || stored->stream != run_.stream) {
        why = absl::StrCat("named positions ", stored->first_position, "..", stored->last_position,
                           " version ", stored->stream_version);
      } else {
        return absl::OkStatus();  // kept, with its kind and digest
      }
    }
    const std::string name = RequestName(run_.stream, run_id_);
    batch_.Put(cf_.requests, key, EncodeRequestRecord(run_));  // no kind, no digest
    written_requests_.insert(key);
    report_.requests_without_digest.push_back(name);
    const std::string entry = absl::StrCat(name, " -> positions ", run_.first_position, "..",
                                           run_.last_position, " version ", run_.stream_version);
    if (s.IsNotFound()) {
      Note(report_.requests, &FamilyRepair::added, absl::StrCat("added ", entry));
    } else {
      Note(report_.requests, &FamilyRepair::rewritten,
           absl::StrCat("rewrote ", entry, " (it ", why, ")"));
    }
    return absl::OkStatus();
  }

  // Whether the record stored under `key` decodes and names exactly one run of the events
  // of its stream and request id (what pass 1 kept).
  absl::StatusOr<bool> NamesARun(const std::string& key, absl::string_view value) {
    const size_t nul = key.find('\0');
    absl::StatusOr<RequestRecord> record = DecodeRequestRecord(value);
    if (nul == std::string::npos || !record.ok()) return false;
    const absl::string_view stream = absl::string_view(key).substr(0, nul);
    const absl::string_view request_id = absl::string_view(key).substr(nul + 1);
    if (record->stream != stream || record->first_position == 0 ||
        record->first_position > record->last_position || record->last_position > head_) {
      return false;
    }
    for (uint64_t p : {record->first_position - 1, record->first_position, record->last_position,
                       record->last_position + 1}) {
      const bool inside = p == record->first_position || p == record->last_position;
      if (p == 0 || p > head_) {
        if (inside) return false;
        continue;
      }
      std::string bytes;
      const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), cf_.events, EventKey(p), &bytes);
      if (!s.ok()) return FromRocks(s, absl::StrCat("reading event ", p));
      v1::Event e;
      if (!e.ParseFromString(bytes)) {
        return absl::DataLossError(absl::StrCat("event ", p, " does not parse"));
      }
      const bool belongs = e.stream() == stream && e.request_id() == request_id;
      if (belongs != inside) return false;
      if (p == record->last_position && e.stream_version() != record->stream_version) {
        return false;
      }
    }
    return true;
  }

  void Remove(rocksdb::ColumnFamilyHandle* family, absl::string_view key, FamilyRepair& repair,
              std::string line) {
    batch_.Delete(family, rocksdb::Slice(key.data(), key.size()));
    Note(repair, &FamilyRepair::removed, std::move(line));
  }

  rocksdb::DB* const db_;
  const Families cf_;
  const uint64_t head_;
  RepairReport& report_;
  rocksdb::WriteBatch batch_;
  std::unordered_map<std::string, uint64_t> versions_;  // each stream's last version
  RequestRecord run_;                                   // the request being read
  std::string run_id_;
  std::set<std::string> written_requests_;  // request keys pass 1 writes again
};

// A derived family whose files fail their checksums cannot be read entry by entry: it is
// dropped and rebuilt whole from the events (every entry then counts as added).
absl::Status DropUnreadableFamilies(OpenDb& open, Families& cf, RepairReport& report) {
  for (auto [name, handle] :
       {std::pair<const char*, rocksdb::ColumnFamilyHandle**>{kStreamsFamily, &cf.streams},
        {kRequestsFamily, &cf.requests}}) {
    std::unique_ptr<rocksdb::Iterator> it(open.db->NewIterator(rocksdb::ReadOptions(), *handle));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
    }
    const rocksdb::Status read = it->status();
    it.reset();
    if (read.ok()) continue;
    if (!read.IsCorruption()) return FromRocks(read, absl::StrCat("reading the ", name, " index"));
    if (absl::Status s = internal::RecreateFamily(&open, name, handle); !s.ok()) return s;
    report.rebuilt_whole.push_back(absl::StrCat(name, " (", read.ToString(), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RepairReport> RepairIndexes(const std::string& dir) {
  OpenDb open;
  Families cf;
  Head head;
  if (absl::Status s = internal::OpenForRepair(dir, &open, &cf, &head); !s.ok()) return s;
  // The events are the record: rebuild only from a chain that verifies.
  const VerifyReport chain = VerifyLog(open.db, cf.events, cf.meta, nullptr);
  if (!chain.ok) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the hash chain in ", dir, " does not verify",
        chain.first_bad_position != 0
            ? absl::StrCat(" (first bad position ", chain.first_bad_position, ")")
            : "",
        ": ", chain.problem, "; nothing was repaired: restore the folder from a backup"));
  }
  RepairReport report;
  report.events = head.position;
  if (absl::Status s = DropUnreadableFamilies(open, cf, report); !s.ok()) return s;
  Repairer repairer(open.db, cf, head.position, &report);
  if (absl::Status s = repairer.ScanEvents(); !s.ok()) return s;
  if (absl::Status s = repairer.SweepStreams(); !s.ok()) return s;
  if (absl::Status s = repairer.SweepRequests(); !s.ok()) return s;
  if (repairer.batch().Count() > 0) {
    rocksdb::WriteOptions write;
    write.sync = true;
    if (absl::Status s = FromRocks(open.db->Write(write, &repairer.batch()), "writing the repair");
        !s.ok()) {
      return s;
    }
  }
  absl::Status s = VerifyFileChecksums(open.db);
  if (s.ok()) {
    s = VerifyIndexes(open.db, IndexFamilies{cf.events, cf.streams, cf.requests}, nullptr,
                      head.position);
  }
  if (!s.ok()) {
    return absl::DataLossError(
        absl::StrCat("the folder still does not verify after the repair: ", s.message()));
  }
  return report;
}

}  // namespace arrs::store
