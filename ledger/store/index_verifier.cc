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
  const absl::Status counted = ForEachEventUpTo(*it, head, [&](uint64_t, const v1::Event& event) {
    ++counts.events;
    if (counts.events == 1 || event.stream() != stream || event.request_id() != request_id) {
      ++counts.requests;
      stream = event.stream();
      request_id = event.request_id();
    }
    return absl::OkStatus();
  });
  if (!counted.ok()) return counted;
  if (!it->status().ok()) return FromRocks(it->status(), "reading events");
  return counts;
}

// Checks every entry of the `index` family ("streams", "requests") in the snapshot with
// `check(key, value)`, in key order, and that there is one entry for each of the
// `expected` `counted` ("events", ...): the first problem found.
absl::Status VerifyIndex(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, const rocksdb::Snapshot* snapshot,
    absl::string_view index, uint64_t expected, absl::string_view counted,
    absl::FunctionRef<absl::Status(absl::string_view key, absl::string_view value)> check) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, family));
  uint64_t entries = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++entries) {
    if (absl::Status s = check(View(it->key()), View(it->value())); !s.ok()) return s;
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), absl::StrCat("reading the ", index, " index"));
  }
  if (entries != expected) {
    return absl::DataLossError(absl::StrCat(index, " index: ", entries, " entries for ", expected,
                                            " ", counted, " (an entry is missing)"));
  }
  return absl::OkStatus();
}

// One streams entry: it decodes, and names an event at or before the head with its
// stream and version.
absl::Status CheckStreamsEntry(rocksdb::DB* db, const IndexFamilies& cf,
                               const rocksdb::Snapshot* snapshot, uint64_t head,
                               absl::string_view key, absl::string_view value) {
  const std::optional<std::string> stream = DecodeStreamKeyStream(key);
  const std::optional<uint64_t> version =
      stream ? DecodeStreamKeyVersion(key, StreamPrefix(*stream)) : std::nullopt;
  const std::optional<uint64_t> position = value.size() == 8 ? DecodeU64(value) : std::nullopt;
  if (!stream || !version || !position) {
    return absl::DataLossError(
        absl::StrCat("streams index: entry with key \"", absl::CEscape(key), "\" does not decode"));
  }
  const std::string entry =
      absl::StrCat("streams index: ", *stream, " version ", *version, " -> position ", *position);
  if (*position == 0 || *position > head) {
    return absl::DataLossError(absl::StrCat(entry, " is beyond the head ", head));
  }
  absl::StatusOr<std::optional<v1::Event>> event = EventAt(db, cf, snapshot, *position);
  if (!event.ok()) return event.status();
  if (!event->has_value() || (*event)->stream() != *stream ||
      (*event)->stream_version() != *version) {
    return absl::DataLossError(
        absl::StrCat(entry, ", but that event is ",
                     event->has_value()
                         ? absl::StrCat((*event)->stream(), " version ", (*event)->stream_version())
                         : "missing"));
  }
  return absl::OkStatus();
}

// One requests entry: it decodes, and names a whole run of the events up to the head with
// that stream and request id, and the last one's stream version.
absl::Status CheckRequestsEntry(rocksdb::DB* db, const IndexFamilies& cf,
                                const rocksdb::Snapshot* snapshot, uint64_t head,
                                absl::string_view key, absl::string_view value) {
  const size_t nul = key.find('\0');
  absl::StatusOr<RequestRecord> record = DecodeRequestRecord(value);
  if (nul == absl::string_view::npos || !record.ok()) {
    return absl::DataLossError(absl::StrCat("requests index: entry with key \"", absl::CEscape(key),
                                            "\" does not decode"));
  }
  const absl::string_view stream = key.substr(0, nul);
  const absl::string_view request_id = key.substr(nul + 1);
  const std::string entry =
      absl::StrCat("requests index: ", stream, " request \"", absl::CEscape(request_id),
                   "\" -> positions ", record->first_position, "..", record->last_position);
  if (record->first_position == 0 || record->first_position > record->last_position ||
      record->last_position > head || record->stream != stream) {
    return absl::DataLossError(
        absl::StrCat(entry, " (stream ", record->stream, ") is not a run of the log up to ", head));
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
  return absl::OkStatus();
}

}  // namespace

absl::Status ForEachEventUpTo(
    rocksdb::Iterator& events, uint64_t head,
    absl::FunctionRef<absl::Status(uint64_t position, const v1::Event& event)> visit) {
  v1::Event event;
  for (events.SeekToFirst(); events.Valid(); events.Next()) {
    const std::optional<uint64_t> position = DecodeEventKey(View(events.key()));
    if (!position || *position > head) break;
    if (!event.ParseFromArray(events.value().data(), static_cast<int>(events.value().size()))) {
      return absl::DataLossError(absl::StrCat("event ", *position, " does not parse"));
    }
    if (absl::Status s = visit(*position, event); !s.ok()) return s;
  }
  return absl::OkStatus();
}

absl::Status VerifyFileChecksums(rocksdb::DB* db) {
  return FromRocks(db->VerifyChecksum(), "checking the files' checksums");
}

absl::Status VerifyIndexes(rocksdb::DB* db, const IndexFamilies& cf,
                           const rocksdb::Snapshot* snapshot, uint64_t head_position) {
  absl::StatusOr<EventCounts> counts = CountEvents(db, cf, snapshot, head_position);
  if (!counts.ok()) return counts.status();
  absl::Status streams =
      VerifyIndex(db, cf.streams, snapshot, "streams", counts->events, "events",
                  [&](absl::string_view key, absl::string_view value) {
                    return CheckStreamsEntry(db, cf, snapshot, head_position, key, value);
                  });
  if (!streams.ok()) return streams;
  return VerifyIndex(db, cf.requests, snapshot, "requests", counts->requests,
                     "requests in the events", [&](absl::string_view key, absl::string_view value) {
                       return CheckRequestsEntry(db, cf, snapshot, head_position, key, value);
                     });
}

}  // namespace arrs::store
