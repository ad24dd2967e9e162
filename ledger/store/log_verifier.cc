#include "ledger/store/log_verifier.h"

#include <algorithm>
#include <memory>
#include <string>

#include <unordered_map>
#include "absl/strings/str_cat.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/log_format.h"

namespace arrs::store {
namespace {

VerifyReport Bad(VerifyReport report, uint64_t position, std::string problem) {
  report.ok = false;
  report.first_bad_position = position;
  report.problem = std::move(problem);
  return report;
}

}  // namespace

VerifyReport VerifyLog(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* events,
                       rocksdb::ColumnFamilyHandle* meta, const rocksdb::Snapshot* snapshot) {
  VerifyReport report;
  report.head.hash = ZeroHash();

  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  read.fill_cache = false;
  read.readahead_size = 2 << 20;

  std::unordered_map<std::string, uint64_t> stream_versions;
  uint64_t expected = 1;
  std::string prev_hash = ZeroHash();
  v1::Event event;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(read, events));
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++expected) {
    const rocksdb::Slice key = it->key();
    const std::optional<uint64_t> key_pos =
        DecodeEventKey(absl::string_view(key.data(), key.size()));
    if (!key_pos) {
      return Bad(report, expected,
                 absl::StrCat("events key of ", key.size(), " bytes is not a position"));
    }
    if (*key_pos != expected) {
      return Bad(report, expected,
                 absl::StrCat("event ", expected, " is missing (next stored key is ", *key_pos,
                              ")"));
    }
    const rocksdb::Slice value = it->value();
    if (!event.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      return Bad(report, expected, absl::StrCat("stored bytes of event ", expected,
                                                " do not parse as arrs.v1.Event"));
    }
    if (event.position() != expected) {
      return Bad(report, expected,
                 absl::StrCat("key ", expected, " holds an event with position ",
                              event.position()));
    }
    if (event.prev_hash() != prev_hash) {
      return Bad(report, expected,
                 absl::StrCat("prev_hash ", HexHash(event.prev_hash()),
                              " does not link to the hash of position ", expected - 1, " (",
                              HexHash(prev_hash), ")"));
    }
    if (!event.redacted() && PayloadHash(event.payload()) != event.payload_hash()) {
      return Bad(report, expected, "payload_hash does not match the payload");
    }
    const std::string hash = EventHash(event);
    if (hash != event.hash()) {
      return Bad(report, expected,
                 absl::StrCat("hash does not recompute: stored ", HexHash(event.hash()),
                              ", computed ", HexHash(hash)));
    }
    uint64_t& version = stream_versions[event.stream()];
    if (event.stream_version() != version + 1) {
      return Bad(report, expected,
                 absl::StrCat("stream ", event.stream(), " version ", event.stream_version(),
                              " does not follow version ", version));
    }
    version = event.stream_version();
    prev_hash = hash;
    report.events_checked++;
    report.head.position = expected;
    report.head.hash = hash;
  }
  if (!it->status().ok()) {
    return Bad(report, expected,
               absl::StrCat("reading event ", expected, " failed: ", it->status().ToString()));
  }

  std::string head_value;
  rocksdb::Status s = db->Get(read, meta, kMetaHead, &head_value);
  if (!s.ok()) {
    return Bad(report, report.head.position + 1,
               absl::StrCat("meta head unreadable: ", s.ToString()));
  }
  uint64_t meta_position = 0;
  std::string meta_hash;
  if (absl::Status d = DecodeHead(head_value, &meta_position, &meta_hash); !d.ok()) {
    return Bad(report, report.head.position + 1, std::string(d.message()));
  }
  if (meta_position != report.head.position || meta_hash != report.head.hash) {
    const uint64_t bad = meta_position == report.head.position
                             ? meta_position
                             : std::min(meta_position, report.head.position) + 1;
    return Bad(report, bad,
               absl::StrCat("meta head names position ", meta_position, " hash ",
                            HexHash(meta_hash), " but the last event is position ",
                            report.head.position, " hash ", HexHash(report.head.hash)));
  }
  return report;
}

}  // namespace arrs::store
