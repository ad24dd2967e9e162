#include "services/auth.h"

#include <openssl/evp.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/config_text.h"

namespace arrs::services {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kCommissioner: return "commissioner";
    case Role::kPcn: return "pcn";
    case Role::kAuditor: return "auditor";
  }
  return "?";
}

std::string Principal::ActorName() const { return absl::StrCat(RoleName(role), ":", name); }

std::string TokenHash(absl::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(token.data(), token.size(), digest, &length, EVP_sha256(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

absl::Status CheckTokenLength(absl::string_view token) {
  if (token.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the token is empty (is the shell variable holding it unset?); at least ",
                     kMinTokenBytes, " characters are required"));
  }
  if (token.size() < kMinTokenBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the token is ", token.size(),
                                                   " characters; at least ", kMinTokenBytes,
                                                   " are required (e.g. openssl rand -hex 24)"));
  }
  return absl::OkStatus();
}

bool LooksLikeJwt(absl::string_view token) {
  int dots = 0;
  size_t part = 0;  // length of the current part
  for (char c : token) {
    if (c == '.') {
      if (part == 0 || ++dots > 2) return false;
      part = 0;
    } else if (absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') {
      ++part;
    } else {
      return false;
    }
  }
  return dots == 2 && part > 0;
}

absl::StatusOr<TokenStore> TokenStore::Parse(absl::string_view text) {
  TokenStore store;
  absl::Status parsed = ForEachConfigLine(
      text, "tokens file",
      [&](const std::vector<std::string>& fields, const ConfigLineError& bad) -> absl::Status {
        if (fields.size() != 4) return bad("expected <sha256-hex> <role> <scope> <name>");
        if (fields[0].size() != 64 ||
            fields[0].find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
          return bad("the token hash must be 64 hex digits");
        }
        if (absl::AsciiStrToLower(fields[0]) == TokenHash("")) {
          return bad(
              "this is the hash of the empty token; generate a token of at least 16 "
              "characters (e.g. openssl rand -hex 24) and hash that");
        }
        Principal p;
        if (fields[1] == "admin")
          p.role = Role::kAdmin;
        else if (fields[1] == "commissioner")
          p.role = Role::kCommissioner;
        else if (fields[1] == "pcn")
          p.role = Role::kPcn;
        else if (fields[1] == "auditor")
          p.role = Role::kAuditor;
        else
          return bad(absl::StrCat("unknown role \"", fields[1], "\""));
        if (fields[2] == "*") {
          p.all_scope = true;
        } else {
          for (absl::string_view code : absl::StrSplit(fields[2], ',', absl::SkipEmpty())) {
            p.scope.insert(std::string(code));
          }
        }
        if ((p.role == Role::kAdmin || p.role == Role::kAuditor) && !p.all_scope) {
          return bad("admin and auditor principals must have scope *");
        }
        p.name = fields[3];
        if (!store.by_hash_.emplace(absl::AsciiStrToLower(fields[0]), p).second) {
          return bad("the same token hash is listed twice");
        }
        return absl::OkStatus();
      });
  if (!parsed.ok()) return parsed;
  return store;
}

absl::StatusOr<TokenStore> TokenStore::Load(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read tokens file ", path));
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<TokenStore> store = Parse(text.str());
  if (!store.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", store.status().message()));
  }
  return store;
}

absl::StatusOr<Principal> TokenStore::Authenticate(absl::string_view header) const {
  if (header.empty()) {
    return absl::UnauthenticatedError("missing authorization metadata: send 'Bearer <token>'");
  }
  absl::string_view token = header;
  if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
    return absl::UnauthenticatedError("authorization metadata must be 'Bearer <token>'");
  }
  token = absl::StripAsciiWhitespace(token);
  if (token.size() > kMaxBearerBytes) {
    return absl::UnauthenticatedError(
        absl::StrCat("bearer token refused: longer than ", kMaxBearerBytes, " bytes"));
  }
  if (jwt_ != nullptr && LooksLikeJwt(token)) return jwt_->Verify(token);
  if (absl::Status length = CheckTokenLength(token); !length.ok()) {
    return absl::UnauthenticatedError(absl::StrCat("bearer token refused: ", length.message()));
  }
  auto it = by_hash_.find(TokenHash(token));
  if (it == by_hash_.end()) return absl::UnauthenticatedError("unknown bearer token");
  return it->second;
}

}  // namespace arrs::services
