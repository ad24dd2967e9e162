#include "services/jwt_auth.h"

#include <jwt/jwt.hpp>

#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace arrs::services {
namespace {

using Json = nlohmann::json;

absl::Status Refused(absl::string_view reason) {
  return absl::UnauthenticatedError(absl::StrCat("JWT refused: ", reason));
}

// A value read from the token, fit for a log line: escaped, at most 64 bytes of it.
std::string Shown(absl::string_view value) {
  return absl::StrCat("\"", absl::CEscape(value.substr(0, 64)), value.size() > 64 ? "..." : "",
                      "\"");
}

std::string_view Std(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// The claim as a list of strings: a string, or an array of strings. False otherwise.
bool StringList(const Json& claims, const std::string& name, std::vector<std::string>* out) {
  auto it = claims.find(name);
  if (it == claims.end()) return false;
  if (it->is_string()) {
    out->push_back(it->get<std::string>());
    return true;
  }
  if (!it->is_array()) return false;
  for (const Json& v : *it) {
    if (!v.is_string()) return false;
    out->push_back(v.get<std::string>());
  }
  return true;
}

bool IsCode(absl::string_view code) {
  if (code.empty() || code.size() > 16) return false;
  for (char c : code) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Printable ASCII without spaces, 1 to 128 bytes: it becomes the actor of recorded events.
bool IsName(absl::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    if (c <= ' ' || c > '~') return false;
  }
  return true;
}

// The NumericDate claim `name` in seconds; false when present but not a number.
bool NumericDate(const Json& claims, const char* name, bool* present, double* seconds) {
  auto it = claims.find(name);
  *present = it != claims.end();
  if (!*present) return true;
  if (!it->is_number()) return false;
  *seconds = it->get<double>();
  return true;
}

absl::Status CheckClaims(const JwtConfig& config, const Json& claims, absl::Time now) {
  auto iss = claims.find("iss");
  if (iss == claims.end() || !iss->is_string()) return Refused("no iss (issuer) claim");
  if (iss->get<std::string>() != config.issuer) {
    return Refused(absl::StrCat("wrong issuer ", Shown(iss->get<std::string>())));
  }
  std::vector<std::string> audiences;
  if (!StringList(claims, "aud", &audiences)) {
    return Refused("no aud (audience) claim, or not a string or array of strings");
  }
  bool ours = false;
  for (const std::string& aud : audiences) ours |= aud == config.audience;
  if (!ours) return Refused("wrong audience (the token is not for this ledger)");

  const double now_s = absl::ToDoubleSeconds(now - absl::UnixEpoch());
  const double skew = absl::ToDoubleSeconds(config.clock_skew);
  bool present = false;
  double exp = 0, nbf = 0;
  if (!NumericDate(claims, "exp", &present, &exp)) return Refused("malformed: exp is not a number");
  if (!present) return Refused("no exp (expiry) claim");
  if (now_s >= exp + skew) {
    return Refused(absl::StrCat("expired ", static_cast<int64_t>(now_s - exp), " s ago"));
  }
  if (!NumericDate(claims, "nbf", &present, &nbf)) return Refused("malformed: nbf is not a number");
  if (present && now_s + skew < nbf) {
    return Refused(
        absl::StrCat("not yet valid (nbf is ", static_cast<int64_t>(nbf - now_s), " s ahead)"));
  }
  return absl::OkStatus();
}

absl::StatusOr<Principal> MapPrincipal(const JwtConfig& config, const Json& claims) {
  Principal p;
  auto name = claims.find(config.name_claim);
  if (name == claims.end() || !name->is_string() || !IsName(name->get<std::string>())) {
    return Refused(absl::StrCat("claim ", config.name_claim,
                                " (the principal's name) is missing or not 1 to 128 printable "
                                "characters without spaces"));
  }
  p.name = name->get<std::string>();
  std::vector<std::string> roles;
  if (!StringList(claims, config.role_claim, &roles) || roles.size() != 1) {
    return Refused(absl::StrCat("claim ", config.role_claim,
                                " must hold exactly one role (a string or one-element array)"));
  }
  auto role = config.roles.find(roles[0]);
  if (role == config.roles.end()) {
    return Refused(absl::StrCat("role value ", Shown(roles[0]), " of claim ", config.role_claim,
                                " is not mapped to an arrs role"));
  }
  p.role = role->second;
  if (p.role == Role::kAdmin || p.role == Role::kAuditor) {
    p.all_scope = true;
    return p;
  }
  const std::string& scope_claim = p.role == Role::kPcn ? config.pcn_claim : config.icb_claim;
  std::vector<std::string> codes;
  if (!StringList(claims, scope_claim, &codes) || codes.empty()) {
    return Refused(
        absl::StrCat("a ", RoleName(p.role), " token needs its codes in claim ", scope_claim));
  }
  for (const std::string& code : codes) {
    if (!IsCode(code)) {
      return Refused(absl::StrCat("claim ", scope_claim, " holds ", Shown(code),
                                  ", not a code of 1 to 16 letters and digits"));
    }
    p.scope.insert(code);
  }
  return p;
}

absl::StatusOr<Principal> VerifyWith(const JwtConfig& config, const JwksKeySet& keys,
                                     absl::string_view token, absl::Time now) {
  if (token.size() > kMaxBearerBytes) {
    return Refused(absl::StrCat("malformed: longer than ", kMaxBearerBytes, " bytes"));
  }
  if (!LooksLikeJwt(token)) return Refused("malformed: not three base64url parts");
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  const absl::string_view signed_part = token.substr(0, parts[0].size() + 1 + parts[1].size());

  // The header, by cpp-jwt (which also refuses a `typ` other than JWT).
  jwt::jwt_header header;
  std::error_code ec;
  header.decode(Std(parts[0]), ec);
  if (ec) return Refused(absl::StrCat("malformed header (", ec.message(), ")"));
  const Json& h = header.create_json_obj();
  auto alg = h.find("alg");
  if (alg == h.end() || !alg->is_string()) return Refused("malformed header: no alg");
  const std::string alg_name = alg->get<std::string>();
  if (absl::AsciiStrToLower(alg_name) == "none") return Refused("alg none (unsigned token)");
  if (h.contains("crit")) return Refused("the header has crit extensions, none understood");
  auto kid = h.find("kid");
  if (kid == h.end() || !kid->is_string()) return Refused("no kid in the header");
  const JwkPublicKey* key = keys.Find(kid->get<std::string>());
  if (key == nullptr) return Refused(absl::StrCat("unknown kid ", Shown(kid->get<std::string>())));
  // The key decides the algorithm: exactly, case included (RFC 7515).
  if (alg_name != key->alg) {
    return Refused(absl::StrCat("alg ", Shown(alg_name), " is not accepted for kid ",
                                Shown(key->kid), " (only ", key->alg, ")"));
  }

  // The signature, by cpp-jwt on OpenSSL, with the pinned key.
  jwt::jwt_signature signature(key->pem);
  jwt::verify_result_t verified = signature.verify(header, Std(signed_part), Std(parts[2]));
  if (!verified.first || verified.second) return Refused("bad signature");

  jwt::jwt_payload payload;
  payload.decode(Std(parts[1]), ec);
  if (ec) return Refused(absl::StrCat("malformed payload (", ec.message(), ")"));
  const Json& claims = payload.create_json_obj();
  if (!claims.is_object()) return Refused("malformed payload: not a JSON object");
  if (absl::Status valid = CheckClaims(config, claims, now); !valid.ok()) return valid;
  return MapPrincipal(config, claims);
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(JwtConfig config,
                                                                 std::string jwks_path) {
  absl::StatusOr<JwksKeySet> keys = JwksKeySet::Load(jwks_path);
  if (!keys.ok()) return keys.status();
  return std::make_unique<JwtVerifier>(std::move(config), *std::move(keys), std::move(jwks_path));
}

JwtVerifier::JwtVerifier(JwtConfig config, JwksKeySet keys, std::string jwks_path)
    : config_(std::move(config)),
      jwks_path_(std::move(jwks_path)),
      keys_(std::make_shared<const JwksKeySet>(std::move(keys))) {}

std::shared_ptr<const JwksKeySet> JwtVerifier::keys() const {
  absl::MutexLock lock(&mu_);
  return keys_;
}

size_t JwtVerifier::key_count() const { return keys()->size(); }

absl::StatusOr<Principal> JwtVerifier::Verify(absl::string_view token) const {
  return VerifyAt(token, absl::Now());
}

absl::StatusOr<Principal> JwtVerifier::VerifyAt(absl::string_view token, absl::Time now) const {
  std::shared_ptr<const JwksKeySet> keys = this->keys();
  try {
    return VerifyWith(config_, *keys, token, now);
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception&) {
    // cpp-jwt and nlohmann::json throw on some shapes of bad input (a non-string member).
    return Refused("malformed (JSON of the wrong shape)");
  }
}

absl::StatusOr<size_t> JwtVerifier::Reload() {
  if (jwks_path_.empty()) return absl::FailedPreconditionError("no JWKS file to re-read");
  absl::StatusOr<JwksKeySet> loaded = JwksKeySet::Load(jwks_path_);
  if (!loaded.ok()) return loaded.status();
  auto fresh = std::make_shared<const JwksKeySet>(*std::move(loaded));
  const size_t count = fresh->size();
  absl::MutexLock lock(&mu_);
  keys_ = std::move(fresh);
  return count;
}

}  // namespace arrs::services
