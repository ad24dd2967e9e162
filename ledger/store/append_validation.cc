#include "ledger/store/append_validation.h"

#include <algorithm>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "ledger/util/civil_date.h"

namespace arrs::store {
namespace {

// Quoted, C-escaped and cut to 64 bytes, so that messages stay readable.
std::string Shown(absl::string_view value) {
  const bool cut = value.size() > 64;
  std::string shown = absl::CEscape(value.substr(0, 64));
  return absl::StrCat("\"", shown, cut ? "...\"" : "\"", " (", value.size(), " bytes)");
}

}  // namespace

absl::Status ValidateStreamId(absl::string_view id, absl::string_view field) {
  if (id.empty() || id.size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be 1..", kMaxIdBytes, " bytes, got ", Shown(id)));
  }
  for (size_t i = 0; i < id.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(id[i]);
    if (c < 0x21 || c > 0x7e) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " must be printable ASCII without spaces, got ", Shown(id),
          " with byte 0x", absl::Hex(c, absl::kZeroPad2), " at offset ", i));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAppendRequest(const AppendRequest& request, const LogOptions& options) {
  if (absl::Status s = ValidateStreamId(request.stream, "stream"); !s.ok()) return s;
  if (request.request_id.empty() || request.request_id.size() > kMaxIdBytes) {
    return absl::InvalidArgumentError(absl::StrCat("request_id must be 1..", kMaxIdBytes,
                                                   " bytes, got ", Shown(request.request_id)));
  }
  if (request.request_kind.size() > kMaxRequestKindBytes) {
    return absl::InvalidArgumentError(absl::StrCat("request_kind must be 0..",
                                                   kMaxRequestKindBytes, " bytes, got ",
                                                   Shown(request.request_kind)));
  }
  if (!request.request_kind.empty()) {
    if (absl::Status s = ValidateStreamId(request.request_kind, "request_kind"); !s.ok()) {
      return s;
    }
  }
  if (request.request_digest.size() > kMaxRequestDigestBytes) {
    return absl::InvalidArgumentError(absl::StrCat("request_digest must be 0..",
                                                   kMaxRequestDigestBytes, " bytes, got ",
                                                   request.request_digest.size(), " bytes"));
  }
  const size_t limit = static_cast<size_t>(
      std::max(1, std::min(options.max_events_per_request, options.max_events_per_batch)));
  if (request.events.empty() || request.events.size() > limit) {
    return absl::InvalidArgumentError(absl::StrCat("events must hold 1..", limit,
                                                   " events, got ", request.events.size()));
  }
  for (size_t i = 0; i < request.events.size(); ++i) {
    const v1::Event& event = request.events[i];
    if (event.payload().kind_case() == v1::Payload::KIND_NOT_SET) {
      return absl::InvalidArgumentError(
          absl::StrCat("events[", i, "].payload must be set, got no payload kind"));
    }
    if (const size_t bytes = event.ByteSizeLong(); bytes > options.max_event_bytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "events[", i, "] is ", bytes, " bytes; the limit for one stored event is ",
          options.max_event_bytes, " bytes"));
    }
    const std::string field = absl::StrCat("events[", i, "].effective_date");
    if (absl::StatusOr<absl::CivilDay> day = ToCivilDay(event.effective_date(), field);
        !day.ok()) {
      return day.status();
    }
  }
  return absl::OkStatus();
}

bool RequestDigestsDiffer(const std::string& first_digest, const std::string& repeat_digest) {
  return !first_digest.empty() && !repeat_digest.empty() && first_digest != repeat_digest;
}

absl::Status RequestIdReusedError(const std::string& stream, const std::string& request_id,
                                  const std::string& first_kind) {
  return absl::AlreadyExistsError(absl::StrCat(
      "request_id \"", absl::CEscape(request_id), "\" was already used on ", stream,
      " for a different ", first_kind, first_kind.empty() ? "" : " ",
      "request; use a new request_id"));
}

}  // namespace arrs::store
