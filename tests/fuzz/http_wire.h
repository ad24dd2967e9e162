// A minimal HTTP/1.1 client for the HTTP fuzz target (http_fuzz.cc): sends the bytes it is
// given, as they are, on a new connection to 127.0.0.1 and reads the answer until the
// server closes it. Unlike a library client it lets a header carry any byte (NUL, 0x80..)
// and never fixes up what it sends. A connection still open 50 ms after a whole answer
// came back is left (see `after`).
#ifndef ARRS_TESTS_FUZZ_HTTP_WIRE_H_
#define ARRS_TESTS_FUZZ_HTTP_WIRE_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arrs::fuzz {

struct HttpAnswer {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  // Bytes after the first response. With "Connection: close" there should be none; but
  // cpp-httplib 0.11.4, refusing a header line over its 8,192-byte limit with 400, goes on
  // reading the rest of that line as a new request on the same connection and answers it
  // too (docs/RELIABILITY.md, the `http` target), then holds the connection open for its
  // keep-alive timeout although its first answer said "Connection: close".
  std::string after;
};

// Sends `request` (a whole request, which should ask for "Connection: close") to
// 127.0.0.1:`port` and parses the answer. UNAVAILABLE when the connection fails or
// nothing came back within `timeout_seconds`; DATA_LOSS when the answer is not a
// well-formed HTTP/1.1 response (status line, headers, a body of its Content-Length),
// read from the start of the answer.
absl::StatusOr<HttpAnswer> SendHttp(int port, absl::string_view request, int timeout_seconds);

}  // namespace arrs::fuzz

#endif  // ARRS_TESTS_FUZZ_HTTP_WIRE_H_
