// JwtConfig: which tokens arrsd accepts from the organisation's OpenID Connect identity
// provider and how their claims become a Principal (arrsd --jwt-config; docs/SECURITY.md).
//
// One `key value` per line; `#` comments and blank lines ignored:
//   issuer https://idp.example.nhs.uk/realms/arrs   required: `iss` must equal it
//   audience arrs-ledger                            required: `aud` must be or contain it
//   role_claim arrs_role         claim holding the role (default arrs_role)
//   icb_claim icb_codes          claim holding a commissioner's ICB codes (default icb_codes)
//   pcn_claim pcn_codes          claim holding a PCN system's PCN codes (default pcn_codes)
//   name_claim sub               claim naming the principal (default sub)
//   clock_skew_seconds 60        allowed clock difference for exp and nbf (0..300, default 60)
//   role <idp-value> <arrs-role> maps a role value to admin|commissioner|pcn|auditor;
//                                without any `role` line the values are the role names
// Unknown keys are refused, so that a misspelt setting does not silently take its default.
#ifndef ARRS_SERVICES_JWT_CONFIG_H_
#define ARRS_SERVICES_JWT_CONFIG_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/auth.h"

namespace arrs::services {

inline constexpr size_t kMaxJwtConfigBytes = 64 * 1024;

struct JwtConfig {
  std::string issuer;
  std::string audience;
  std::string role_claim = "arrs_role";
  std::string icb_claim = "icb_codes";
  std::string pcn_claim = "pcn_codes";
  std::string name_claim = "sub";
  absl::Duration clock_skew = absl::Seconds(60);
  // The identity provider's role value → arrsd's role.
  std::map<std::string, Role> roles = {{"admin", Role::kAdmin},
                                       {"commissioner", Role::kCommissioner},
                                       {"pcn", Role::kPcn},
                                       {"auditor", Role::kAuditor}};

  // INVALID_ARGUMENT naming the line.
  static absl::StatusOr<JwtConfig> Parse(absl::string_view text);
  static absl::StatusOr<JwtConfig> Load(const std::string& path);
};

}  // namespace arrs::services

#endif  // ARRS_SERVICES_JWT_CONFIG_H_
