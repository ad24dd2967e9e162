#include "services/jwks.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/config_text.h"

namespace arrs::services {
namespace {

using Json = nlohmann::json;

struct Free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
  void operator()(BIGNUM* p) const { BN_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
};
template <typename T>
using Ptr = std::unique_ptr<T, Free>;

// A base64url member (no padding) decoded; empty when absent or not base64url.
std::string Base64UrlMember(const Json& key, const char* name) {
  auto it = key.find(name);
  if (it == key.end() || !it->is_string()) return "";
  std::string out;
  if (!absl::WebSafeBase64Unescape(it->get<std::string>(), &out)) return "";
  return out;
}

absl::StatusOr<std::string> PublicKeyPem(Ptr<OSSL_PARAM_BLD> build, const char* type) {
  Ptr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(build.get()));
  Ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return absl::InvalidArgumentError(
        "not a valid public key (OpenSSL refused its parameters: an EC point off the curve?)");
  }
  Ptr<EVP_PKEY> pkey(raw);
  Ptr<EVP_PKEY_CTX> check(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) {
    return absl::InvalidArgumentError("not a valid public key (an EC point off the curve?)");
  }
  Ptr<BIO> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) {
    return absl::InternalError("could not encode the key as PEM");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

absl::StatusOr<std::string> RsaPem(const Json& key) {
  const std::string n = Base64UrlMember(key, "n");
  const std::string e = Base64UrlMember(key, "e");
  if (n.empty() || e.empty()) return absl::InvalidArgumentError("n and e must be base64url");
  Ptr<BIGNUM> bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()),
                             static_cast<int>(n.size()), nullptr));
  Ptr<BIGNUM> bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()),
                             static_cast<int>(e.size()), nullptr));
  if (bn_n == nullptr || bn_e == nullptr) return absl::ResourceExhaustedError("out of memory");
  const int bits = BN_num_bits(bn_n.get());
  if (bits < 2048 || bits > 8192) {
    return absl::InvalidArgumentError(
        absl::StrCat("an RSA key of ", bits, " bits; 2048 to 8192 are accepted"));
  }
  if (!BN_is_odd(bn_e.get()) || BN_num_bits(bn_e.get()) < 2 || BN_num_bits(bn_e.get()) > 64) {
    return absl::InvalidArgumentError("the RSA exponent e is not a usable public exponent");
  }
  Ptr<OSSL_PARAM_BLD> build(OSSL_PARAM_BLD_new());
  if (build == nullptr ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return absl::ResourceExhaustedError("out of memory");
  }
  return PublicKeyPem(std::move(build), "RSA");
}

absl::StatusOr<std::string> EcPem(const Json& key) {
  auto crv = key.find("crv");
  if (crv == key.end() || !crv->is_string() || crv->get<std::string>() != "P-256") {
    return absl::InvalidArgumentError("an EC key must have \"crv\":\"P-256\"");
  }
  const std::string x = Base64UrlMember(key, "x");
  const std::string y = Base64UrlMember(key, "y");
  if (x.size() != 32 || y.size() != 32) {
    return absl::InvalidArgumentError("x and y must be 32 bytes each, base64url");
  }
  const std::string point = absl::StrCat("\x04", x, y);  // uncompressed SEC1 point
  Ptr<OSSL_PARAM_BLD> build(OSSL_PARAM_BLD_new());
  if (build == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return absl::ResourceExhaustedError("out of memory");
  }
  return PublicKeyPem(std::move(build), "EC");
}

// The key's algorithm pinned from kty (and alg when given), and its PEM.
absl::StatusOr<JwkPublicKey> ParseKey(const Json& key) {
  if (!key.is_object()) return absl::InvalidArgumentError("not a JSON object");
  auto member = [&](const char* name) -> std::string {
    auto it = key.find(name);
    return it != key.end() && it->is_string() ? it->get<std::string>() : "";
  };
  JwkPublicKey out;
  out.kid = member("kid");
  if (out.kid.empty() || out.kid.size() > 256) {
    return absl::InvalidArgumentError("\"kid\" must be a non-empty string of at most 256 bytes");
  }
  const std::string kty = member("kty");
  if (kty == "RSA") {
    out.alg = "RS256";
  } else if (kty == "EC") {
    out.alg = "ES256";
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "key type \"", absl::CEscape(kty.substr(0, 16)),
        "\" is not accepted (RSA for RS256 and EC P-256 for ES256 only; never \"oct\")"));
  }
  if (key.contains("alg") && member("alg") != out.alg) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"alg\" must be ", out.alg, " for a ", kty, " key"));
  }
  if (key.contains("d") || key.contains("p") || key.contains("k")) {
    return absl::InvalidArgumentError(
        "holds private key material; the JWKS file must hold public keys only");
  }
  absl::StatusOr<std::string> pem = kty == "RSA" ? RsaPem(key) : EcPem(key);
  if (!pem.ok()) return pem.status();
  out.pem = *std::move(pem);
  return out;
}

}  // namespace

absl::StatusOr<JwksKeySet> JwksKeySet::Parse(absl::string_view text) {
  if (text.size() > kMaxJwksBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("the key set is ", text.size(), " bytes; at most ", kMaxJwksBytes));
  }
  Json doc = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("not a JSON object (a JWKS: {\"keys\": [...]})");
  }
  auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array()) {
    return absl::InvalidArgumentError("no \"keys\" array");
  }
  if (keys->size() > kMaxJwksKeys) {
    return absl::InvalidArgumentError(
        absl::StrCat(keys->size(), " keys; at most ", kMaxJwksKeys, " are accepted"));
  }
  JwksKeySet set;
  for (size_t i = 0; i < keys->size(); ++i) {
    const Json& key = (*keys)[i];
    if (key.is_object() && key.contains("use") && key["use"] == "enc") continue;
    absl::StatusOr<JwkPublicKey> parsed = ParseKey(key);
    if (!parsed.ok()) {
      std::string kid =
          key.is_object() && key.contains("kid") && key["kid"].is_string()
              ? absl::StrCat(" (kid \"", absl::CEscape(key["kid"].get<std::string>().substr(0, 64)),
                             "\")")
              : "";
      return absl::InvalidArgumentError(
          absl::StrCat("key ", i, kid, ": ", parsed.status().message()));
    }
    const std::string kid = parsed->kid;
    if (!set.by_kid_.emplace(kid, *std::move(parsed)).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("key ", i, ": kid \"", absl::CEscape(kid), "\" is listed twice"));
    }
  }
  if (set.by_kid_.empty()) return absl::InvalidArgumentError("no signing keys");
  return set;
}

absl::StatusOr<JwksKeySet> JwksKeySet::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadAtMost(path, kMaxJwksBytes, "JWKS file");
  if (!text.ok()) return text.status();
  absl::StatusOr<JwksKeySet> set = Parse(*text);
  if (!set.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("JWKS file ", path, ": ", set.status().message()));
  }
  return set;
}

const JwkPublicKey* JwksKeySet::Find(absl::string_view kid) const {
  auto it = by_kid_.find(std::string(kid));
  return it == by_kid_.end() ? nullptr : &it->second;
}

}  // namespace arrs::services
