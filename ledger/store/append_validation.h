// Checks an AppendRequest before it is queued: everything that can be decided without
// looking at the log. A request that fails here writes nothing.
// Thread-safe: pure functions.
#ifndef ARRS_LEDGER_STORE_APPEND_VALIDATION_H_
#define ARRS_LEDGER_STORE_APPEND_VALIDATION_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ledger/store/event_log.h"

namespace arrs::store {

inline constexpr size_t kMaxIdBytes = 200;
inline constexpr size_t kMaxRequestKindBytes = 64;
inline constexpr size_t kMaxRequestDigestBytes = 64;
// LogOptions::max_event_bytes's default: 1 MiB.
inline constexpr size_t kDefaultMaxEventBytes = 1 << 20;

// 1..200 bytes of printable ASCII (0x21..0x7E: no space, no NUL, no control bytes).
// `field` names the field in the INVALID_ARGUMENT message.
absl::Status ValidateStreamId(absl::string_view id, absl::string_view field);

// INVALID_ARGUMENT naming the field and the offending value when:
//   stream is not a valid stream id; request_id is empty or longer than 200 bytes;
//   request_kind is longer than 64 bytes or not printable ASCII without spaces;
//   request_digest is longer than 64 bytes;
//   there are no events or more than options.max_events_per_request (or more than
//   max_events_per_batch, which could never be committed); an event has no payload
//   (payload.kind not set) or an effective_date that is not a real civil date, or an
//   event serializes to more than options.max_event_bytes (the message names the event,
//   its size and the limit).
absl::Status ValidateAppendRequest(const AppendRequest& request, const LogOptions& options);

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_APPEND_VALIDATION_H_
