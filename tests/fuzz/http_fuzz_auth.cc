#include "tests/fuzz/http_fuzz_auth.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace arrs::fuzz {
namespace {

// An offset into `size + 1` positions read from the first two bytes of `material` (which
// are then dropped).
size_t Offset(absl::string_view* material, size_t size) {
  if (material->size() < 2) return size;
  const size_t at =
      (static_cast<uint8_t>((*material)[0]) << 8 | static_cast<uint8_t>((*material)[1])) %
      (size + 1);
  material->remove_prefix(2);
  return at;
}

// `token` with `material` (after its two offset bytes) written over it from that offset.
std::string Overwritten(std::string token, absl::string_view material) {
  const size_t at = Offset(&material, token.size());
  token.replace(at, std::min(material.size(), token.size() - at), material.data(), material.size());
  return token;
}

std::string WithoutLineBreaks(absl::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  return out;
}

std::vector<std::string> FileTokens(const RpcWorld& world) {
  std::vector<std::string> tokens;
  for (const RpcCaller& caller : world.callers) {
    if (caller.known) tokens.push_back(caller.token);
  }
  return tokens;
}

bool SameJwt(absl::string_view token, const std::string& jwt) {
  if (token == jwt) return true;
  std::vector<absl::string_view> got = absl::StrSplit(token, '.');
  std::vector<absl::string_view> want = absl::StrSplit(jwt, '.');
  if (got.size() != 3 || want.size() != 3 || got[0] != want[0] || got[1] != want[1]) {
    return false;
  }
  std::string got_signature, want_signature;
  return absl::WebSafeBase64Unescape(got[2], &got_signature) &&
         absl::WebSafeBase64Unescape(want[2], &want_signature) && got_signature == want_signature;
}

}  // namespace

std::optional<std::string> MakeAuthorization(const RpcWorld& world, uint8_t kind,
                                             absl::string_view material) {
  const std::vector<std::string> file_tokens = FileTokens(world);
  const std::string& file_token = file_tokens[(kind / 12) % file_tokens.size()];
  const std::string& jwt = world.jwt_tokens[(kind / 12) % world.jwt_tokens.size()];
  std::string value;
  switch (kind % 12) {
    case 0:
      return absl::StrCat("Bearer ", file_token);
    case 1:
      return absl::StrCat("Bearer ", jwt);
    case 2:
      return std::nullopt;
    case 3:
      value = std::string(material);
      break;
    case 4:
      value = absl::StrCat("Bearer ", material);
      break;
    case 5:  // truncated
      value = absl::StrCat("Bearer ", jwt.substr(0, Offset(&material, jwt.size())));
      break;
    case 6:
      value = absl::StrCat("Bearer ", Overwritten(jwt, material));
      break;
    case 7: {  // inserted
      std::string token = jwt;
      const size_t at = Offset(&material, token.size());
      token.insert(at, material.data(), material.size());
      value = absl::StrCat("Bearer ", token);
      break;
    }
    case 8: {  // huge: around the 8 KiB limits of the bearer value and of a header line
      const size_t length = 8000 + Offset(&material, 66000);
      std::string token = jwt;
      while (token.size() < length) absl::StrAppend(&token, material.empty() ? "A" : material);
      token.resize(length);
      value = absl::StrCat("Bearer ", token);
      break;
    }
    case 9: {  // a missing or wrong scheme
      static const char* const kSchemes[] = {"",       "Basic ",   "BEARER ",  "Bearer",
                                             "Token ", "Bearer  ", " Bearer ", "Bearer\t"};
      const uint8_t pick = material.empty() ? 0 : static_cast<uint8_t>(material[0]);
      value = absl::StrCat(kSchemes[pick % 8], jwt);
      break;
    }
    case 10: {  // a NUL byte in the token
      std::string token = jwt;
      token.insert(Offset(&material, token.size()), 1, '\0');
      value = absl::StrCat("Bearer ", token);
      break;
    }
    default:
      value = absl::StrCat("Bearer ", Overwritten(file_token, material));
      break;
  }
  return WithoutLineBreaks(value);
}

bool IsValidAuthorization(const RpcWorld& world, absl::string_view value) {
  value = value.substr(0, value.find('\0'));  // cpp-httplib reads a value up to a NUL byte
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (!absl::ConsumePrefix(&value, "Bearer ") && !absl::ConsumePrefix(&value, "bearer ")) {
    return false;
  }
  value = absl::StripAsciiWhitespace(value);  // as TokenStore::Authenticate does (1*SP)
  for (const std::string& token : FileTokens(world)) {
    if (value == token) return true;
  }
  for (const std::string& jwt : world.jwt_tokens) {
    if (SameJwt(value, jwt)) return true;
  }
  return false;
}

}  // namespace arrs::fuzz
