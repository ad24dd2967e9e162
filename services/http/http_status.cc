#include "services/http/http_status.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <utility>

#include "absl/strings/str_cat.h"

namespace arrs::services::http {

int HttpStatusFor(absl::StatusCode code) {
  // Every code not listed (kUnknown, kInternal, kDataLoss, ...) is 500.
  static constexpr std::pair<absl::StatusCode, int> kHttpStatusOf[] = {
      {absl::StatusCode::kOk, 200},
      {absl::StatusCode::kCancelled, 499},
      {absl::StatusCode::kInvalidArgument, 400},
      {absl::StatusCode::kFailedPrecondition, 400},
      {absl::StatusCode::kOutOfRange, 400},
      {absl::StatusCode::kDeadlineExceeded, 504},
      {absl::StatusCode::kNotFound, 404},
      {absl::StatusCode::kAlreadyExists, 409},
      {absl::StatusCode::kAborted, 409},
      {absl::StatusCode::kPermissionDenied, 403},
      {absl::StatusCode::kUnauthenticated, 401},
      {absl::StatusCode::kResourceExhausted, 429},
      {absl::StatusCode::kUnimplemented, 501},
      {absl::StatusCode::kUnavailable, 503},
  };
  for (const auto& [status_code, http_status] : kHttpStatusOf) {
    if (status_code == code) return http_status;
  }
  return 500;
}

std::string ErrorJson(const absl::Status& status, int http_status) {
  // Built as a protobuf Struct so that the message is escaped by protobuf's JSON printer.
  google::protobuf::Struct body;
  auto& fields = *body.mutable_fields();
  fields["code"].set_string_value(absl::StatusCodeToString(status.code()));
  fields["message"].set_string_value(std::string(status.message()));
  fields["httpStatus"].set_number_value(http_status != 0 ? http_status
                                                        : HttpStatusFor(status.code()));
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(body, &json).ok()) {
    return absl::StrCat("{\"code\":\"", absl::StatusCodeToString(status.code()), "\"}");
  }
  return json;
}

}  // namespace arrs::services::http
