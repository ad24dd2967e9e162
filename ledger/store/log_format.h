// On-disk layout of the event log: column family names, key and value encodings.
//
// All integers are big-endian so that RocksDB's bytewise order is numeric order.
//
//   events    : EventKey(position)            -> arrs.v1.Event bytes
//   streams   : StreamKey(stream, version)    -> EncodeU64(position)
//   requests  : RequestKey(stream, request id) -> RequestRecord (EncodeRequestRecord)
//   snapshots : SnapshotKey(projection, pos)  -> opaque state bytes
//   meta      : kMetaFormatVersion            -> kFormatVersion
//               kMetaHead                     -> EncodeHead(position, 32-byte hash)
//
// Stream ids and projection ids never contain NUL, so "id, 0x00" is an unambiguous
// prefix (request ids may hold any byte: they come after it). Thread-safe: all functions
// are pure.
#ifndef ARRS_LEDGER_STORE_LOG_FORMAT_H_
#define ARRS_LEDGER_STORE_LOG_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arrs::store {

// Bump when the layout changes; Open refuses any other value but kPreviousFormatVersion.
// Format 2 keys request ids by (stream, request id) and records each request's kind and
// digest; format 1 keyed them by request id alone. Open migrates a format-1 folder by
// rebuilding the requests column family from the events (see rocks_event_log.cc).
inline constexpr char kFormatVersion[] = "2";
inline constexpr char kPreviousFormatVersion[] = "1";

inline constexpr char kEventsFamily[] = "events";
inline constexpr char kStreamsFamily[] = "streams";
inline constexpr char kRequestsFamily[] = "requests";
inline constexpr char kSnapshotsFamily[] = "snapshots";
inline constexpr char kMetaFamily[] = "meta";

inline constexpr char kMetaFormatVersion[] = "format_version";
inline constexpr char kMetaHead[] = "head";

inline constexpr size_t kHashSize = 32;

// 8 bytes, big-endian.
std::string EncodeU64(uint64_t value);
void AppendU64(std::string* out, uint64_t value);
// Reads 8 big-endian bytes at `in[offset]`; nullopt when too short.
std::optional<uint64_t> DecodeU64(absl::string_view in, size_t offset = 0);

// events: the position itself (8 bytes).
inline std::string EventKey(uint64_t position) { return EncodeU64(position); }
// nullopt unless the key is exactly 8 bytes.
std::optional<uint64_t> DecodeEventKey(absl::string_view key);

// streams: stream, 0x00, u64 version.
std::string StreamKey(absl::string_view stream, uint64_t version);
// "stream, 0x00": every key of the stream starts with it.
std::string StreamPrefix(absl::string_view stream);
// The stream version in a key that starts with `prefix`; nullopt otherwise.
std::optional<uint64_t> DecodeStreamKeyVersion(absl::string_view key, absl::string_view prefix);
// The stream id part of a streams key (everything before the last 9 bytes).
std::optional<std::string> DecodeStreamKeyStream(absl::string_view key);

// requests: stream, 0x00, request id. An idempotency key is scoped to its stream.
std::string RequestKey(absl::string_view stream, absl::string_view request_id);

// snapshots: projection, 0x00, u64 position.
std::string SnapshotKey(absl::string_view projection, uint64_t position);

// meta head: u64 position + 32-byte hash.
std::string EncodeHead(uint64_t position, absl::string_view hash);
absl::Status DecodeHead(absl::string_view in, uint64_t* position, std::string* hash);

// What the log remembers of an appended request, enough to answer a retry with the
// original AppendResult and to tell a retry from a different request reusing its id.
// Encoding (record version 2): u8 2, u64 first_position, u64 last_position,
// u64 stream_version, u8 kind length, kind, u8 digest length, digest, then the stream id
// (rest of the value). Kind and digest are at most 255 bytes each (the log allows 64).
struct RequestRecord {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  uint64_t stream_version = 0;
  std::string stream;
  std::string kind;    // AppendRequest::request_kind; may be empty
  std::string digest;  // AppendRequest::request_digest; empty = never compared
};
std::string EncodeRequestRecord(const RequestRecord& record);
// DATA_LOSS unless `in` is exactly a version-2 record (so that re-encoding what it decodes
// gives the same bytes).
absl::StatusOr<RequestRecord> DecodeRequestRecord(absl::string_view in);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_LOG_FORMAT_H_
