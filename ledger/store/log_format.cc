#include "ledger/store/log_format.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ledger/util/assert.h"

namespace arrs::store {

void AppendU64(std::string* out, uint64_t value) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(value & 0xff);
    value >>= 8;
  }
  out->append(buf, sizeof(buf));
}

std::string EncodeU64(uint64_t value) {
  std::string out;
  AppendU64(&out, value);
  return out;
}

std::optional<uint64_t> DecodeU64(absl::string_view in, size_t offset) {
  if (in.size() < offset || in.size() - offset < 8) return std::nullopt;
  uint64_t value = 0;
  for (size_t i = 0; i < 8; ++i) {
    value = (value << 8) | static_cast<uint8_t>(in[offset + i]);
  }
  return value;
}

std::optional<uint64_t> DecodeEventKey(absl::string_view key) {
  if (key.size() != 8) return std::nullopt;
  return DecodeU64(key);
}

std::string StreamPrefix(absl::string_view stream) {
  std::string out(stream.data(), stream.size());
  out.push_back('\0');
  return out;
}

std::string StreamKey(absl::string_view stream, uint64_t version) {
  std::string out = StreamPrefix(stream);
  AppendU64(&out, version);
  return out;
}

std::optional<uint64_t> DecodeStreamKeyVersion(absl::string_view key, absl::string_view prefix) {
  if (key.size() != prefix.size() + 8 || key.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  return DecodeU64(key, prefix.size());
}

std::optional<std::string> DecodeStreamKeyStream(absl::string_view key) {
  if (key.size() < 10 || key[key.size() - 9] != '\0') return std::nullopt;
  return std::string(key.substr(0, key.size() - 9));
}

std::string RequestKey(absl::string_view stream, absl::string_view request_id) {
  std::string out = StreamPrefix(stream);
  out.append(request_id.data(), request_id.size());
  return out;
}

std::string SnapshotKey(absl::string_view projection, uint64_t position) {
  std::string out(projection.data(), projection.size());
  out.push_back('\0');
  AppendU64(&out, position);
  return out;
}

std::string EncodeHead(uint64_t position, absl::string_view hash) {
  std::string out = EncodeU64(position);
  out.append(hash.data(), hash.size());
  return out;
}

absl::Status DecodeHead(absl::string_view in, uint64_t* position, std::string* hash) {
  if (in.size() != 8 + kHashSize) {
    return absl::DataLossError(
        absl::StrCat("meta head has ", in.size(), " bytes, expected ", 8 + kHashSize));
  }
  *position = *DecodeU64(in);
  *hash = std::string(in.substr(8));
  return absl::OkStatus();
}

std::string EncodeRequestRecord(const RequestRecord& record) {
  ARRS_ASSERT(record.kind.size() <= 255 && record.digest.size() <= 255,
              "request kind and digest are validated to at most 64 bytes before staging");
  std::string out;
  out.push_back('\x02');
  AppendU64(&out, record.first_position);
  AppendU64(&out, record.last_position);
  AppendU64(&out, record.stream_version);
  out.push_back(static_cast<char>(record.kind.size()));
  out.append(record.kind);
  out.push_back(static_cast<char>(record.digest.size()));
  out.append(record.digest);
  out.append(record.stream);
  return out;
}

namespace {

// Reads a u8 length and that many bytes at `*offset`, moving it on; false when too short.
bool ReadShortString(absl::string_view in, size_t* offset, std::string* out) {
  if (*offset >= in.size()) return false;
  const size_t length = static_cast<uint8_t>(in[*offset]);
  ++*offset;
  if (in.size() - *offset < length) return false;
  *out = std::string(in.substr(*offset, length));
  *offset += length;
  return true;
}

}  // namespace

absl::StatusOr<RequestRecord> DecodeRequestRecord(absl::string_view in) {
  RequestRecord record;
  size_t offset = 25;
  if (in.size() < 27 || in[0] != '\x02' || !ReadShortString(in, &offset, &record.kind) ||
      !ReadShortString(in, &offset, &record.digest)) {
    return absl::DataLossError(
        absl::StrCat("request record of ", in.size(), " bytes is not in record format 2"));
  }
  record.first_position = *DecodeU64(in, 1);
  record.last_position = *DecodeU64(in, 9);
  record.stream_version = *DecodeU64(in, 17);
  record.stream = std::string(in.substr(offset));
  return record;
}

}  // namespace arrs::store
