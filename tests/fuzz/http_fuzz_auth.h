// The Authorization header values of the HTTP fuzz target (http_fuzz.cc), made from a
// kind byte and fuzz bytes, and the rule for which of them must be accepted as a caller.
#ifndef ARRS_TESTS_FUZZ_HTTP_FUZZ_AUTH_H_
#define ARRS_TESTS_FUZZ_HTTP_FUZZ_AUTH_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "tests/fuzz/rpc_world.h"

namespace arrs::fuzz {

// The header's value (nullopt: no header). `kind` % 12 picks the shape: a valid token of
// the world (a tokens-file token of some role, or a JWT), none, `material` as it is or
// after "Bearer ", a valid JWT truncated, overwritten or with `material` inserted at an
// offset `material` gives, a huge value, a JWT with a missing or wrong scheme, a JWT with
// a NUL byte, a tokens-file token overwritten. CR and LF are left out (they would end the
// header, making another request, not another value).
std::optional<std::string> MakeAuthorization(const RpcWorld& world, uint8_t kind,
                                             absl::string_view material);

// True when `value` names a caller of the world once HTTP has read it: "Bearer " (or
// "bearer ") and a token of the tokens file or one of the world's JWTs, between optional
// spaces and tabs (and, after the scheme, any ASCII whitespace: RFC 6750's 1*SP); a JWT whose
// signature part only encodes the same bytes differently counts as that JWT. cpp-httplib 0.11.4
// reads a header value only up to its first NUL byte, so what follows one is not looked at (found
// by this target: "Bearer <a valid token>\0<anything>" is served as that token). Anything else must
// never be served.
bool IsValidAuthorization(const RpcWorld& world, absl::string_view value);

}  // namespace arrs::fuzz

#endif  // ARRS_TESTS_FUZZ_HTTP_FUZZ_AUTH_H_
