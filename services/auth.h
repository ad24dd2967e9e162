// Bearer-token authentication and role-based authorisation for arrsd.
//
// Tokens file: one principal per line, `#` comments and blank lines ignored:
//   <sha256-hex-of-token> <role> <scope> <principal-name>
// role  : admin | commissioner | pcn | auditor
// scope : comma-separated codes (ICB codes for commissioners, PCN codes for PCN
//         services) or `*` for all; admins and auditors use `*`.
// Only the SHA-256 of each token is stored; `arrsctl token-hash TOKEN` prints it.
// Tokens are at least kMinTokenBytes long: a line holding the hash of the empty token is
// refused, and so is a presented token that is empty or shorter (docs/SECURITY.md).
// With a JWT verifier set (arrsd --jwks, services/jwt_auth.h), a bearer value shaped like a
// JWT (three base64url parts) is verified by it instead of being looked up in the file.
#ifndef ARRS_SERVICES_AUTH_H_
#define ARRS_SERVICES_AUTH_H_

#include <map>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace arrs::services {

enum class Role { kAdmin, kCommissioner, kPcn, kAuditor };

struct Principal {
  std::string name;
  Role role = Role::kAuditor;
  bool all_scope = false;
  std::set<std::string> scope;  // ICB codes (commissioner) or PCN codes (pcn)

  bool InScope(absl::string_view code) const {
    return all_scope || scope.count(std::string(code)) > 0;
  }
  // "admin:alice" — recorded as the actor of every event the principal causes.
  std::string ActorName() const;
};

const char* RoleName(Role role);

// Shortest bearer token accepted (arrsd and arrsctl token-hash).
inline constexpr size_t kMinTokenBytes = 16;

// OK, or INVALID_ARGUMENT saying the token is empty or shorter than kMinTokenBytes
// (never echoing the token).
absl::Status CheckTokenLength(absl::string_view token);

// Longest bearer value read (the token file's or a JWT); a longer one is refused unread.
inline constexpr size_t kMaxBearerBytes = 8192;

// True when `token` has the shape of a compact JWS: three non-empty parts of base64url
// characters separated by dots. Says nothing about its validity.
bool LooksLikeJwt(absl::string_view token);

// Verifies bearer values that are not in the tokens file (JWTs). Implementations are
// thread-safe; refusals are UNAUTHENTICATED with the reason and never the token.
class BearerVerifier {
 public:
  virtual ~BearerVerifier() = default;
  virtual absl::StatusOr<Principal> Verify(absl::string_view token) const = 0;
};

// Lowercase hex SHA-256 of `token`.
std::string TokenHash(absl::string_view token);

class TokenStore {
 public:
  // Parses a tokens file's text; errors name the line. A hash must be 64 hex digits and
  // must not be the hash of the empty token.
  static absl::StatusOr<TokenStore> Parse(absl::string_view text);
  static absl::StatusOr<TokenStore> Load(const std::string& path);

  // The principal of an `authorization` header value ("Bearer <token>").
  // UNAUTHENTICATED when missing, malformed, empty, shorter than kMinTokenBytes, longer
  // than kMaxBearerBytes or unknown; a JWT-shaped token goes to the JWT verifier when set.
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization_header) const;

  // JWT-shaped bearer values go to `verifier` (not owned; must outlive every call of
  // Authenticate); null turns that off.
  void SetJwtVerifier(const BearerVerifier* verifier) { jwt_ = verifier; }

  size_t size() const { return by_hash_.size(); }

 private:
  std::map<std::string, Principal> by_hash_;
  const BearerVerifier* jwt_ = nullptr;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_AUTH_H_
