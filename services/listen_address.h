// Listening addresses as arrsd's flags give them (--listen, --http): "HOST:PORT" or
// "[IPv6]:PORT". One parser for both listeners, so they agree on what a host is and on
// which hosts are loopback (served without TLS).
#ifndef ARRS_SERVICES_LISTEN_ADDRESS_H_
#define ARRS_SERVICES_LISTEN_ADDRESS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arrs::services {

struct ListenAddress {
  std::string host;  // brackets of an IPv6 literal removed
  int port = 0;      // 0: the system picks one
};

// INVALID_ARGUMENT naming `flag` and the value unless `address` is HOST:PORT with a
// non-empty host and a port of 0 to 65535.
absl::StatusOr<ListenAddress> ParseListenAddress(absl::string_view address,
                                                 absl::string_view flag);

// True when HOST of "HOST:PORT" (or "[HOST]:PORT") resolves, and only to loopback
// addresses (127.0.0.0/8, ::1): what the name resolves to decides, not how it is spelt. A
// name that does not resolve, or an address that does not parse, is not loopback.
bool IsLoopbackAddress(absl::string_view address);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_LISTEN_ADDRESS_H_
