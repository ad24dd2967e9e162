// The hash chain of the event log, format "arrs-ev-v1" (reference implementation of the
// definition at the top of proto/arrs/v1/events.proto).
//
//   payload_hash = SHA-256(deterministic protobuf serialization of event.payload)
//   hash         = SHA-256(prev_hash || CanonicalEnvelope(event) || payload_hash)
//
// CanonicalEnvelope writes, in exactly this order:
//   1. the 10-byte tag "arrs-ev-v1" (no length prefix);
//   2. u64 big-endian: position, recorded_at_micros (two's complement),
//      effective date as year*10000 + month*100 + day, stream_version, corrects;
//   3. u32 big-endian byte length + bytes: stream, actor, reason, request_id.
// prev_hash (32 bytes; 32 zero bytes at position 1), the envelope's `hash`, `redacted`
// and the payload itself are not part of the canonical envelope: only payload_hash
// enters the chain, so a payload can be redacted without breaking verification.
//
// The deterministic serialization is protobuf's SerializeToCodedStream with
// SetSerializationDeterministic(true) (map entries sorted; fields in number order).
// Thread-safe: all functions are pure.
#ifndef ARRS_LEDGER_STORE_EVENT_HASH_H_
#define ARRS_LEDGER_STORE_EVENT_HASH_H_

#include <string>

#include "absl/strings/string_view.h"
#include "arrs/v1/events.pb.h"

namespace arrs::store {

inline constexpr char kHashFormatTag[] = "arrs-ev-v1";

// 32 zero bytes: the prev_hash of position 1 and the hash of an empty log.
const std::string& ZeroHash();

// SHA-256 of `data` (32 raw bytes).
std::string Sha256(absl::string_view data);

// Deterministic serialization of the payload.
std::string DeterministicPayloadBytes(const v1::Payload& payload);

// SHA-256 of DeterministicPayloadBytes(payload).
std::string PayloadHash(const v1::Payload& payload);

// The canonical envelope bytes described above.
std::string CanonicalEnvelope(const v1::Event& event);

// SHA-256(event.prev_hash() || CanonicalEnvelope(event) || event.payload_hash()).
std::string EventHash(const v1::Event& event);

// Lowercase hex, for messages.
std::string HexHash(absl::string_view hash);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_EVENT_HASH_H_
