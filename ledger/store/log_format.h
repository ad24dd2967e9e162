// On-disk layout of the event log: column family names, key and value encodings.
//
// All integers are big-endian so that RocksDB's bytewise order is numeric order.
//
//   events    : EventKey(position)            -> arrs.v1.Event bytes
//   streams   : StreamKey(stream, version)    -> EncodeU64(position)
//   requests  : request id                    -> RequestRecord (EncodeRequestRecord)
//   snapshots : SnapshotKey(projection, pos)  -> opaque state bytes
//   meta      : kMetaFormatVersion            -> kFormatVersion
//               kMetaHead                     -> EncodeHead(position, 32-byte hash)
//
// Stream ids and projection ids never contain NUL, so "id, 0x00" is an unambiguous
// prefix. Thread-safe: all functions are pure.
#ifndef ARRS_LEDGER_STORE_LOG_FORMAT_H_
#define ARRS_LEDGER_STORE_LOG_FORMAT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arrs::store {

// Bump when the layout changes; Open refuses any other value.
inline constexpr char kFormatVersion[] = "1";

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

// snapshots: projection, 0x00, u64 position.
std::string SnapshotKey(absl::string_view projection, uint64_t position);

// meta head: u64 position + 32-byte hash.
std::string EncodeHead(uint64_t position, absl::string_view hash);
absl::Status DecodeHead(absl::string_view in, uint64_t* position, std::string* hash);

// What the log remembers of an appended request, enough to answer a retry with the
// original AppendResult. Encoding: u8 record version (1), u64 first_position,
// u64 last_position, u64 stream_version, then the stream id (rest of the value).
struct RequestRecord {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  uint64_t stream_version = 0;
  std::string stream;
};
std::string EncodeRequestRecord(const RequestRecord& record);
absl::StatusOr<RequestRecord> DecodeRequestRecord(absl::string_view in);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_LOG_FORMAT_H_
