// JwtVerifier: turns a JWT bearer token from the organisation's OpenID Connect identity
// provider into a Principal (the same roles and scopes as the tokens file, so the
// permission matrix applies unchanged). Signature checks are cpp-jwt's (on OpenSSL) with
// the algorithm pinned by the key (services/jwks.h); the claims policy is JwtConfig's.
//
// A token is accepted only when, in this order: it is at most kMaxBearerBytes of three
// base64url parts; its header is JSON with `alg` RS256 or ES256 (never `none`), a `kid`
// of the key set, no `crit`, and `alg` equal to that key's algorithm (so HS256 "signed"
// with a public key is refused); the signature verifies; the payload is a JSON object
// whose `iss` equals the issuer, whose `aud` is or contains the audience, whose `exp`
// (required) is not past and whose `nbf` (when present) is not ahead, both give or take
// the clock skew; and its role claim is one string (or a one-element array) mapped by the
// config, with, for a commissioner or PCN role, at least one ICB or PCN code (a string or
// an array of strings, letters and digits). An unknown role value is UNAUTHENTICATED: the
// token does not describe any principal of this ledger.
//
// Every refusal is UNAUTHENTICATED with a message giving the reason; messages never
// contain the token, and values read from an unverified token are escaped and shortened.
#ifndef ARRS_SERVICES_JWT_AUTH_H_
#define ARRS_SERVICES_JWT_AUTH_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/auth.h"
#include "services/jwks.h"
#include "services/jwt_config.h"

namespace arrs::services {

class JwtVerifier : public BearerVerifier {
 public:
  // Loads the key set from `jwks_path` (kept for Reload); fails naming the file.
  static absl::StatusOr<std::unique_ptr<JwtVerifier>> Create(JwtConfig config,
                                                             std::string jwks_path);
  JwtVerifier(JwtConfig config, JwksKeySet keys, std::string jwks_path = "");

  absl::StatusOr<Principal> Verify(absl::string_view token) const override;
  // As Verify, at time `now` (tests).
  absl::StatusOr<Principal> VerifyAt(absl::string_view token, absl::Time now) const;

  // Re-reads the JWKS file. On success the new keys replace the old ones (tokens being
  // verified finish with the keys they started with); on failure the old keys stay and
  // the error names the file and the problem. Returns the number of keys now in force.
  absl::StatusOr<size_t> Reload();

  size_t key_count() const;

 private:
  std::shared_ptr<const JwksKeySet> keys() const;

  const JwtConfig config_;
  const std::string jwks_path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const JwksKeySet> keys_ ABSL_GUARDED_BY(mu_);
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_JWT_AUTH_H_
