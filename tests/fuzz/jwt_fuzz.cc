// Fuzz target: what arrsd reads from outside when it accepts JWTs (see fuzz_targets.h). The
// first byte picks the reader, the rest is its input: a JWKS file, a JWT config file, a
// bearer token verified against a fixed key set, or an authorization header through the
// TokenStore. Properties: nothing crashes; a refused token is UNAUTHENTICATED with a
// reason that does not hold the token; an accepted key set pins RS256 or ES256 per key.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/auth.h"
#include "services/jwks.h"
#include "services/jwt_auth.h"
#include "services/jwt_config.h"
#include "tests/fuzz/fuzz_targets.h"

namespace arrs::fuzz {
namespace {

// A fixed P-256 public key and a 2048-bit RSA public key (public halves only: the fuzzer
// cannot sign, it explores everything up to and around the signature check).
constexpr char kJwks[] = R"({"keys":[
 {"kty":"EC","kid":"fuzz-ec","crv":"P-256",
  "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
  "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
 {"kty":"RSA","kid":"fuzz-rsa","alg":"RS256","e":"AQAB",
  "n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}]})";

const services::TokenStore& Store() {
  static const services::TokenStore* store = [] {
    absl::StatusOr<services::JwksKeySet> keys = services::JwksKeySet::Parse(kJwks);
    ARRS_FUZZ_CHECK(keys.ok());
    absl::StatusOr<services::JwtConfig> config =
        services::JwtConfig::Parse("issuer https://idp.fuzz\naudience arrs\n");
    ARRS_FUZZ_CHECK(config.ok());
    static services::JwtVerifier verifier(*config, *std::move(keys));
    absl::StatusOr<services::TokenStore> tokens = services::TokenStore::Parse(
        absl::StrCat(services::TokenHash("fuzz-admin-token-0001"), " admin * fuzz\n"));
    ARRS_FUZZ_CHECK(tokens.ok());
    auto* s = new services::TokenStore(*std::move(tokens));
    s->SetJwtVerifier(&verifier);
    return s;
  }();
  return *store;
}

void CheckRefusal(const absl::Status& status, absl::string_view token) {
  ARRS_FUZZ_CHECK(status.code() == absl::StatusCode::kUnauthenticated);
  ARRS_FUZZ_CHECK(!status.message().empty());
  // The message must not echo the token. A bearer token has no spaces (a JWT, a token
  // file's token), so only such inputs are looked for: a spaced input can be a piece of
  // the refusal's own fixed text ("... must be 'Bearer <token>'"), found by the fuzzer.
  if (token.size() >= 24 && !absl::StrContains(token, ' ')) {
    ARRS_FUZZ_CHECK(!absl::StrContains(status.message(), token));
  }
}

}  // namespace

int FuzzJwt(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t kind = data[0] % 4;
  const absl::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (kind) {
    case 0: {
      absl::StatusOr<services::JwksKeySet> keys = services::JwksKeySet::Parse(input);
      if (!keys.ok()) {
        ARRS_FUZZ_CHECK(keys.status().code() == absl::StatusCode::kInvalidArgument);
      }
      break;
    }
    case 1:
      (void)services::JwtConfig::Parse(input);
      break;
    case 2: {
      // The verifier's own entry, so that every shape reaches it (not only JWT-shaped ones).
      absl::StatusOr<services::Principal> who =
          Store().Authenticate(absl::StrCat("Bearer ", input));
      if (!who.ok()) CheckRefusal(who.status(), input);
      break;
    }
    case 3: {
      absl::StatusOr<services::Principal> who = Store().Authenticate(input);
      if (!who.ok()) CheckRefusal(who.status(), input);
      break;
    }
  }
  return 0;
}

}  // namespace arrs::fuzz
