#include "ledger/store/index_verifier.h"

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "arrs/v1/events.pb.h"
#include "ledger/store/log_format.h"
#include "ledger/store/rocks_status.h"

namespace arrs::store {
namespace {

absl::string_view View(const rocksdb::Slice& s) { return absl::string_view(s.data(), s.size()); }

// The event at `position` as stored in the snapshot; nullopt when there is none.
absl::StatusOr<std::optional<v1::Event>> EventAt(rocksdb::DB* db, const IndexFamilies& cf,
                                                 const rocksdb::Snapshot* snapshot,
                                                 uint64_t position) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::string bytes;
  const rocksdb::Status s = db->Get(read, cf.events, EventKey(position), &bytes);
  if (s.IsNotFound()) return std::optional<v1::Event>();
  if (!s.ok()) return FromRocks(s, absl::StrCat("reading event ", position));
  v1::Event event;
  if (!event.ParseFromString(bytes)) {
    return absl::DataLossError(absl::StrCat("event ", position, " does not parse"));
  }
  return std::optional<v1::Event>(std::move(event));
}

// One pass over the events: how many there are, and how many runs of consecutive events
// share a stream and request id (one request each).
struct EventCounts {
  uint64_t events = 0;
  uint64_t requests = 0;
};
absl::StatusOr<EventCounts> CountEvents(rocksdb::DB* db, const IndexFamilies& cf,
                                        const rocksdb::Snapshot* snapshot, uint64_t head) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf.events));
  EventCounts counts;
  std::string stream, request_id;
  v1::Event event;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::optional<uint64_t> position = DecodeEventKey(View(it->key()));
    if (!position || *position > head) break;
    if (!event.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("event ", *position, " does not parse"));
    }
    ++counts.events;
    if (counts.events == 1 || event.stream() != stream || event.request_id() != request_id) {
      ++counts.requests;
      stream = event.stream();
      request_id = event.request_id();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading events");
  return counts;
}

absl::Status VerifyStreams(rocksdb::DB* db, const IndexFamilies& cf,
                           const rocksdb::Snapshot* snapshot, uint64_t head, uint64_t events) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf.streams));
  uint64_t entries = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++entries) {
    const absl::string_view key = View(it->key());
    const std::optional<std::string> stream = DecodeStreamKeyStream(key);
    const std::optional<uint64_t> version =
        stream ? DecodeStreamKeyVersion(key, StreamPrefix(*stream)) : std::nullopt;
    const std::optional<uint64_t> position =
        it->value().size() == 8 ? DecodeU64(View(it->value())) : std::nullopt;
    if (!stream || !version || !position) {
      return absl::DataLossError(absl::StrCat("streams index: entry with key \"",
                                              absl::CEscape(key), "\" does not decode"));
    }
    const std::string entry = absl::StrCat("streams index: ", *stream, " version ", *version,
                                           " -> position ", *position);
    if (*position == 0 || *position > head) {
      return absl::DataLossError(absl::StrCat(entry, " is beyond the head ", head));
    }
    absl::StatusOr<std::optional<v1::Event>> event = EventAt(db, cf, snapshot, *position);
    if (!event.ok()) return event.status();
    if (!event->has_value() || (*event)->stream() != *stream ||
        (*event)->stream_version() != *version) {
      return absl::DataLossError(absl::StrCat(
          entry, ", but that event is ",
          event->has_value() ? absl::StrCat((*event)->stream(), " version ",
                                            (*event)->stream_version())
                             : "missing"));
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the streams index");
  if (entries != events) {
    return absl::DataLossError(absl::StrCat("streams index: ", entries, " entries for ", events,
                                            " events (an entry is missing)"));
  }
  return absl::OkStatus();
}

absl::Status VerifyRequests(rocksdb::DB* db, const IndexFamilies& cf,
                            const rocksdb::Snapshot* snapshot, uint64_t head, uint64_t runs) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, cf.requests));
  uint64_t entries = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++entries) {
    const absl::string_view key = View(it->key());
    const size_t nul = key.find('\0');
    absl::StatusOr<RequestRecord> record = DecodeRequestRecord(View(it->value()));
    if (nul == absl::string_view::npos || !record.ok()) {
      return absl::DataLossError(absl::StrCat("requests index: entry with key \"",
                                              absl::CEscape(key), "\" does not decode"));
    }
    const absl::string_view stream = key.substr(0, nul);
    const absl::string_view request_id = key.substr(nul + 1);
    const std::string entry =
        absl::StrCat("requests index: ", stream, " request \"", absl::CEscape(request_id),
                     "\" -> positions ", record->first_position, "..", record->last_position);
    if (record->first_position == 0 || record->first_position > record->last_position ||
        record->last_position > head || record->stream != stream) {
      return absl::DataLossError(absl::StrCat(entry, " (stream ", record->stream,
                                              ") is not a run of the log up to ", head));
    }
    auto belongs = [&](const std::optional<v1::Event>& e) {
      return e.has_value() && e->stream() == stream && e->request_id() == request_id;
    };
    for (uint64_t p : {record->first_position, record->last_position}) {
      absl::StatusOr<std::optional<v1::Event>> e = EventAt(db, cf, snapshot, p);
      if (!e.ok()) return e.status();
      if (!belongs(*e)) {
        return absl::DataLossError(absl::StrCat(entry, ", but event ", p, " is not that request's"));
      }
      if (p == record->last_position && (*e)->stream_version() != record->stream_version) {
        return absl::DataLossError(absl::StrCat(entry, " with stream version ",
                                                record->stream_version, ", but event ", p,
                                                " has version ", (*e)->stream_version()));
      }
    }
    for (uint64_t p : {record->first_position - 1, record->last_position + 1}) {
      if (p == 0 || p > head) continue;
      absl::StatusOr<std::optional<v1::Event>> e = EventAt(db, cf, snapshot, p);
      if (!e.ok()) return e.status();
      if (belongs(*e)) {
        return absl::DataLossError(
            absl::StrCat(entry, ", but event ", p, " belongs to the same request too"));
      }
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading the requests index");
  if (entries != runs) {
    return absl::DataLossError(absl::StrCat("requests index: ", entries, " entries for ", runs,
                                            " requests in the events (an entry is missing)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyFileChecksums(rocksdb::DB* db) {
  return FromRocks(db->VerifyChecksum(), "checking the files' checksums");
}

absl::Status VerifyIndexes(rocksdb::DB* db, const IndexFamilies& cf,
                           const rocksdb::Snapshot* snapshot, uint64_t head_position) {
  absl::StatusOr<EventCounts> counts = CountEvents(db, cf, snapshot, head_position);
  if (!counts.ok()) return counts.status();
  if (absl::Status s = VerifyStreams(db, cf, snapshot, head_position, counts->events); !s.ok()) {
    return s;
  }
  return VerifyRequests(db, cf, snapshot, head_position, counts->requests);
}

}  // namespace arrs::store
