// Fuzz target: stored event bytes and the log's key/value decoders (see fuzz_targets.h).
#include <string>

#include "absl/strings/string_view.h"
#include "arrs/v1/events.pb.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/log_format.h"
#include "tests/fuzz/fuzz_targets.h"

namespace arrs::fuzz {

int FuzzEnvelope(const uint8_t* data, size_t size) {
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);

  v1::Event event;
  if (event.ParseFromArray(data, static_cast<int>(size))) {
    const std::string envelope = store::CanonicalEnvelope(event);
    ARRS_FUZZ_CHECK(envelope.rfind("arrs-ev-v1", 0) == 0);
    const std::string payload_hash = store::PayloadHash(event.payload());
    ARRS_FUZZ_CHECK(payload_hash.size() == store::kHashSize);
    ARRS_FUZZ_CHECK(payload_hash == store::PayloadHash(event.payload()));  // deterministic
    const std::string hash = store::EventHash(event);
    ARRS_FUZZ_CHECK(hash.size() == store::kHashSize);
    ARRS_FUZZ_CHECK(store::HexHash(hash).size() == 2 * store::kHashSize);
    // The canonical envelope covers every field of the envelope: a changed position
    // (a field the chain depends on) changes the hash.
    v1::Event moved = event;
    moved.set_position(event.position() + 1);
    ARRS_FUZZ_CHECK(store::EventHash(moved) != hash);
  }

  // Key and value decoders: anything decoded re-encodes to the same bytes.
  if (std::optional<uint64_t> position = store::DecodeEventKey(bytes)) {
    ARRS_FUZZ_CHECK(store::EventKey(*position) == bytes);
  }
  if (std::optional<uint64_t> value = store::DecodeU64(bytes)) {
    ARRS_FUZZ_CHECK(store::EncodeU64(*value) == bytes.substr(0, 8));
  }
  if (std::optional<std::string> stream = store::DecodeStreamKeyStream(bytes)) {
    const std::string prefix = store::StreamPrefix(*stream);
    if (std::optional<uint64_t> version = store::DecodeStreamKeyVersion(bytes, prefix)) {
      ARRS_FUZZ_CHECK(store::StreamKey(*stream, *version) == bytes);
    }
  }
  absl::StatusOr<store::RequestRecord> record = store::DecodeRequestRecord(bytes);
  if (record.ok()) ARRS_FUZZ_CHECK(store::EncodeRequestRecord(*record) == bytes);
  uint64_t head_position = 0;
  std::string head_hash;
  if (store::DecodeHead(bytes, &head_position, &head_hash).ok()) {
    ARRS_FUZZ_CHECK(store::EncodeHead(head_position, head_hash) == bytes);
  }
  return 0;
}

}  // namespace arrs::fuzz
