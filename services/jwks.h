// JwksKeySet: the public keys that may sign arrsd's JWT bearer tokens, from a JSON Web Key
// Set file the operator supplies (arrsd --jwks; RFC 7517). Nothing is fetched over the
// network, and `jku`, `x5u` and `jwk` token headers are never followed.
//
// Accepted keys, by `kid` (required, unique):
//   {"kty":"RSA", "n":..., "e":...}             RS256 only; 2048 to 8192 bits
//   {"kty":"EC", "crv":"P-256", "x":..., "y":...} ES256 only; the point must be on the curve
// Each key verifies exactly one algorithm, pinned from its `kty` (and `alg`, which when
// present must name that algorithm), so a token cannot choose `none`, HS256 or another
// algorithm for a key. Keys with `"use":"enc"` are skipped; any other key type, curve or
// algorithm refuses the whole file, as does a file over kMaxJwksBytes or without keys.
#ifndef ARRS_SERVICES_JWKS_H_
#define ARRS_SERVICES_JWKS_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arrs::services {

inline constexpr size_t kMaxJwksBytes = 256 * 1024;
inline constexpr size_t kMaxJwksKeys = 64;

struct JwkPublicKey {
  std::string kid;
  std::string alg;  // "RS256" or "ES256": the only algorithm this key verifies
  std::string pem;  // SubjectPublicKeyInfo PEM
};

class JwksKeySet {
 public:
  // INVALID_ARGUMENT naming the key (by index and kid) and what is wrong.
  static absl::StatusOr<JwksKeySet> Parse(absl::string_view json);
  // As Parse, with the path in the message; NOT_FOUND when unreadable.
  static absl::StatusOr<JwksKeySet> Load(const std::string& path);

  // The key with this kid, or null.
  const JwkPublicKey* Find(absl::string_view kid) const;
  size_t size() const { return by_kid_.size(); }

 private:
  std::map<std::string, JwkPublicKey> by_kid_;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_JWKS_H_
