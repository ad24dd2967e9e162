// How a gRPC status reads over HTTP: the status code (the mapping of Google's API design
// guide, as grpc-gateway uses it) and the JSON error body the console and other HTTP
// clients get: {"code":"PERMISSION_DENIED","message":"...","httpStatus":403}.
#ifndef ARRS_SERVICES_HTTP_HTTP_STATUS_H_
#define ARRS_SERVICES_HTTP_HTTP_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace arrs::services::http {

// 200 for OK; 400, 401, 403, 404, 409, 429, 499, 500, 501, 503 or 504 otherwise.
int HttpStatusFor(absl::StatusCode code);

// `text` with each byte that does not begin or continue a well-formed UTF-8 sequence
// written as the four characters \xNN (JSON text, and protobuf's string fields, must be
// UTF-8; a message may quote a request's bytes).
std::string ValidUtf8(absl::string_view text);

// The JSON error body for `status` (not OK): its code name, message and HTTP status
// (`http_status`, or HttpStatusFor(status.code()) when 0).
std::string ErrorJson(const absl::Status& status, int http_status = 0);

}  // namespace arrs::services::http

#endif  // ARRS_SERVICES_HTTP_HTTP_STATUS_H_
