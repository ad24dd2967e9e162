#include "services/jwt_config.h"

#include <fstream>
#include <map>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/config_text.h"

namespace arrs::services {
namespace {

bool ParseRole(absl::string_view name, Role* role) {
  static const std::map<std::string, Role, std::less<>> kRoles = {
      {"admin", Role::kAdmin},
      {"commissioner", Role::kCommissioner},
      {"pcn", Role::kPcn},
      {"auditor", Role::kAuditor}};
  auto it = kRoles.find(name);
  if (it == kRoles.end()) return false;
  *role = it->second;
  return true;
}

}  // namespace

absl::StatusOr<JwtConfig> JwtConfig::Parse(absl::string_view text) {
  JwtConfig config;
  bool custom_roles = false;
  absl::Status parsed = ForEachConfigLine(
      text, "JWT config",
      [&](const std::vector<std::string>& f, const ConfigLineError& bad) -> absl::Status {
        const std::string& key = f[0];
        if (key == "role") {
          if (f.size() != 3) return bad("expected: role <identity-provider-value> <arrs-role>");
          Role role;
          if (!ParseRole(f[2], &role)) {
            return bad(absl::StrCat("unknown arrs role \"", f[2],
                                    "\" (admin, commissioner, pcn or auditor)"));
          }
          if (!custom_roles) config.roles.clear();
          custom_roles = true;
          if (!config.roles.emplace(f[1], role).second) {
            return bad(absl::StrCat("role value \"", f[1], "\" is mapped twice"));
          }
          return absl::OkStatus();
        }
        if (f.size() != 2) return bad(absl::StrCat("expected: ", key, " <value>"));
        const std::string& value = f[1];
        const std::map<std::string, std::string*> strings = {
            {"issuer", &config.issuer},         {"audience", &config.audience},
            {"role_claim", &config.role_claim}, {"icb_claim", &config.icb_claim},
            {"pcn_claim", &config.pcn_claim},   {"name_claim", &config.name_claim}};
        if (auto it = strings.find(key); it != strings.end()) {
          *it->second = value;
        } else if (key == "clock_skew_seconds") {
          int seconds = -1;
          if (!absl::SimpleAtoi(value, &seconds) || seconds < 0 || seconds > 300) {
            return bad("clock_skew_seconds must be 0 to 300");
          }
          config.clock_skew = absl::Seconds(seconds);
        } else {
          return bad(absl::StrCat("unknown setting \"", key, "\""));
        }
        return absl::OkStatus();
      });
  if (!parsed.ok()) return parsed;
  if (config.issuer.empty()) return absl::InvalidArgumentError("JWT config: issuer is required");
  if (config.audience.empty()) {
    return absl::InvalidArgumentError("JWT config: audience is required");
  }
  return config;
}

absl::StatusOr<JwtConfig> JwtConfig::Load(const std::string& path) {
  absl::StatusOr<std::string> read = ReadAtMost(path, kMaxJwtConfigBytes, "JWT config file");
  if (!read.ok()) return read.status();
  const std::string& text = *read;
  if (text.size() > kMaxJwtConfigBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": larger than ", kMaxJwtConfigBytes, " bytes"));
  }
  absl::StatusOr<JwtConfig> config = Parse(text);
  if (!config.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

}  // namespace arrs::services
