#include "services/authorize.h"

#include "absl/strings/str_cat.h"

namespace arrs::services {
namespace {

absl::Status Deny(const Principal& who, absl::string_view method, absl::string_view why) {
  return absl::PermissionDeniedError(absl::StrCat(who.ActorName(), " (role ",
                                                  RoleName(who.role), ") may not call ", method,
                                                  ": ", why));
}

}  // namespace

absl::Status Authorize(const Principal& who, Access access, absl::string_view method,
                       absl::string_view pcn_code, absl::string_view icb_code) {
  const bool admin = who.role == Role::kAdmin;
  const bool auditor = who.role == Role::kAuditor;
  const bool own_pcn = who.role == Role::kPcn && who.InScope(pcn_code);
  const bool own_icb = who.role == Role::kCommissioner && !icb_code.empty() && who.InScope(icb_code);
  switch (access) {
    case Access::kPcnWrite:
      if (admin || own_pcn) return absl::OkStatus();
      return Deny(who, method, absl::StrCat("only PCN ", pcn_code, "'s own service or an admin may"));
    case Access::kCommissionerWrite:
      if (admin || own_icb) return absl::OkStatus();
      // Said without the PCN's ICB, and the same whether the PCN exists or not.
      if (!pcn_code.empty()) {
        return Deny(who, method, absl::StrCat("PCN ", pcn_code, " is outside the caller's scope"));
      }
      return Deny(who, method, absl::StrCat("ICB ", icb_code, " is outside the caller's scope"));
    case Access::kAdminWrite:
      if (admin) return absl::OkStatus();
      return Deny(who, method, "admins only");
    case Access::kPcnRead:
      if (admin || auditor || own_pcn || own_icb) return absl::OkStatus();
      return Deny(who, method, absl::StrCat("PCN ", pcn_code, " is outside the caller's scope"));
    case Access::kLogRead:
      if (admin || auditor) return absl::OkStatus();
      return Deny(who, method, "admins and auditors only");
    case Access::kBackup:
      if (admin) return absl::OkStatus();
      return Deny(who, method, "admins only");
    case Access::kAnyAuthenticated:
      return absl::OkStatus();
  }
  return Deny(who, method, "unknown access class");
}

}  // namespace arrs::services
