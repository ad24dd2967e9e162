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

// Lowercase hex SHA-256 of `token`.
std::string TokenHash(absl::string_view token);

class TokenStore {
 public:
  // Parses a tokens file's text; errors name the line. A hash must be 64 hex digits and
  // must not be the hash of the empty token.
  static absl::StatusOr<TokenStore> Parse(absl::string_view text);
  static absl::StatusOr<TokenStore> Load(const std::string& path);

  // The principal of an `authorization` header value ("Bearer <token>").
  // UNAUTHENTICATED when missing, malformed, empty, shorter than kMinTokenBytes or unknown.
  absl::StatusOr<Principal> Authenticate(absl::string_view authorization_header) const;

  size_t size() const { return by_hash_.size(); }

 private:
  std::map<std::string, Principal> by_hash_;
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_AUTH_H_
