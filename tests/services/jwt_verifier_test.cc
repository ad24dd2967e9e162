// JwksKeySet, JwtConfig and JwtVerifier without a server: what a key set and a config file
// must hold, which tokens become which principal, and the reason given for each refusal.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "services/auth.h"
#include "services/jwks.h"
#include "services/jwt_auth.h"
#include "services/jwt_config.h"
#include "tests/services/jwt_test_keys.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {
namespace {

using services::JwksKeySet;
using services::JwtConfig;
using services::JwtVerifier;
using services::Principal;
using services::Role;
using ::testing::HasSubstr;
using ::testing::Not;

class JwtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    rsa_ = new SigningKey(NewRsaKey("rsa-1"));
    ec_ = new SigningKey(NewEcKey("ec-1"));
    other_rsa_ = new SigningKey(NewRsaKey("rsa-1"));  // same kid, other key
  }
  static void TearDownTestSuite() {
    delete rsa_;
    delete ec_;
    delete other_rsa_;
  }

  void SetUp() override {
    absl::StatusOr<JwtConfig> config = JwtConfig::Parse(JwtConfigText());
    ASSERT_TRUE(config.ok()) << config.status();
    absl::StatusOr<JwksKeySet> keys = JwksKeySet::Parse(JwksJson({*rsa_, *ec_}));
    ASSERT_TRUE(keys.ok()) << keys.status();
    verifier_ = std::make_unique<JwtVerifier>(*config, *std::move(keys));
  }

  // The refusal's message, checked to be UNAUTHENTICATED and never to hold the token.
  std::string Refusal(const std::string& token) {
    absl::StatusOr<Principal> who = verifier_->Verify(token);
    EXPECT_FALSE(who.ok()) << "accepted as " << who->ActorName();
    if (who.ok()) return "";
    EXPECT_EQ(who.status().code(), absl::StatusCode::kUnauthenticated) << who.status();
    const std::string message(who.status().message());
    EXPECT_THAT(message, Not(HasSubstr(token)));
    const size_t last_dot = token.rfind('.');
    if (last_dot != std::string::npos && token.size() - last_dot > 8) {
      EXPECT_THAT(message, Not(HasSubstr(token.substr(last_dot + 1))));  // the signature
    }
    return message;
  }

  static SigningKey* rsa_;
  static SigningKey* ec_;
  static SigningKey* other_rsa_;
  std::unique_ptr<JwtVerifier> verifier_;
};

SigningKey* JwtTest::rsa_ = nullptr;
SigningKey* JwtTest::ec_ = nullptr;
SigningKey* JwtTest::other_rsa_ = nullptr;

TEST_F(JwtTest, Rs256CommissionerBecomesItsIcbsPrincipal) {
  absl::StatusOr<Principal> who =
      verifier_->Verify(Mint(*rsa_, Claims("jane.smith", "commissioner", {"QAA", "QBB"})));
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->role, Role::kCommissioner);
  EXPECT_EQ(who->name, "jane.smith");
  EXPECT_FALSE(who->all_scope);
  EXPECT_TRUE(who->InScope("QAA"));
  EXPECT_TRUE(who->InScope("QBB"));
  EXPECT_FALSE(who->InScope("QCC"));
}

TEST_F(JwtTest, Es256PcnBecomesItsPcnsPrincipal) {
  Json claims = Claims("u40001-system", "pcn", {"U40001"});
  claims["pcn_codes"] = "U40001";  // a single string is accepted too
  claims["aud"] = Json::array({"other-api", "arrs-ledger"});
  absl::StatusOr<Principal> who = verifier_->Verify(Mint(*ec_, claims));
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->role, Role::kPcn);
  EXPECT_EQ(who->ActorName(), "pcn:u40001-system");
  EXPECT_TRUE(who->InScope("U40001"));
  EXPECT_FALSE(who->InScope("U40002"));
}

TEST_F(JwtTest, AdminAndAuditorHaveAllScope) {
  for (const char* role : {"admin", "auditor"}) {
    absl::StatusOr<Principal> who = verifier_->Verify(Mint(*ec_, Claims("ops", role)));
    ASSERT_TRUE(who.ok()) << who.status();
    EXPECT_TRUE(who->all_scope);
  }
}

TEST_F(JwtTest, ExpiredAndNotYetValidAllowOnlyTheClockSkew) {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  Json claims = Claims("a", "admin");
  claims["exp"] = now - 10;  // within the 30 s skew
  EXPECT_TRUE(verifier_->Verify(Mint(*rsa_, claims)).ok());
  claims["exp"] = now - 120;
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("expired"));
  claims = Claims("a", "admin");
  claims["nbf"] = now + 10;
  EXPECT_TRUE(verifier_->Verify(Mint(*rsa_, claims)).ok());
  claims["nbf"] = now + 600;
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("not yet valid"));
  claims = Claims("a", "admin");
  claims.erase("exp");
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("no exp"));
  claims["exp"] = "tomorrow";
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("malformed"));
}

TEST_F(JwtTest, WrongIssuerOrAudienceIsRefused) {
  Json claims = Claims("a", "admin");
  claims["iss"] = "https://evil.example.com";
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("wrong issuer"));
  claims.erase("iss");
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("no iss"));
  claims = Claims("a", "admin");
  claims["aud"] = "another-service";
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("wrong audience"));
  claims["aud"] = Json::array({"x", "y"});
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("wrong audience"));
  claims.erase("aud");
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("no aud"));
}

TEST_F(JwtTest, AlgNoneIsRefusedInAnySpelling) {
  const Json claims = Claims("a", "admin");
  EXPECT_THAT(Refusal(MintNone("rsa-1", claims)), HasSubstr("alg none"));
  for (const char* none : {"None", "NONE", "nOnE"}) {
    Json header = {{"alg", none}, {"kid", "rsa-1"}};
    std::string token = absl::StrCat(B64(header.dump()), ".", B64(claims.dump()), ".AAAA");
    EXPECT_THAT(Refusal(token), HasSubstr("alg none")) << none;
  }
}

TEST_F(JwtTest, Hs256KeyedWithThePublicKeyIsRefused) {
  const Json claims = Claims("a", "admin");
  EXPECT_THAT(Refusal(MintHs256WithPublicKey(*rsa_, claims)),
              HasSubstr("alg \"HS256\" is not accepted for kid \"rsa-1\" (only RS256)"));
  EXPECT_THAT(Refusal(MintHs256WithPublicKey(*ec_, claims)), HasSubstr("(only ES256)"));
}

TEST_F(JwtTest, AnAlgorithmOtherThanTheKeysIsRefused) {
  // ES256 claimed for the RSA key; RS256 (lower case) for the RSA key.
  const Json claims = Claims("a", "admin");
  EXPECT_THAT(Refusal(MintWithHeader(*ec_, {{"alg", "ES256"}, {"kid", "rsa-1"}}, claims)),
              HasSubstr("not accepted for kid"));
  EXPECT_THAT(Refusal(MintWithHeader(*rsa_, {{"alg", "rs256"}, {"kid", "rsa-1"}}, claims)),
              HasSubstr("not accepted for kid"));
}

TEST_F(JwtTest, UnknownOrMissingKidIsRefused) {
  SigningKey stranger = NewEcKey("ec-unknown");
  EXPECT_THAT(Refusal(Mint(stranger, Claims("a", "admin"))),
              HasSubstr("unknown kid \"ec-unknown\""));
  EXPECT_THAT(Refusal(MintWithHeader(*rsa_, {{"alg", "RS256"}}, Claims("a", "admin"))),
              HasSubstr("no kid"));
}

TEST_F(JwtTest, BadSignatureIsRefused) {
  // Signed by another key under a known kid.
  EXPECT_THAT(Refusal(Mint(*other_rsa_, Claims("a", "admin"))), HasSubstr("bad signature"));
  // A valid token whose payload was changed (pcn → admin).
  const std::string good = Mint(*ec_, Claims("a", "pcn", {"U40001"}));
  const std::string forged_payload = B64(Claims("a", "admin").dump());
  const size_t dot1 = good.find('.'), dot2 = good.rfind('.');
  const std::string forged =
      absl::StrCat(good.substr(0, dot1 + 1), forged_payload, good.substr(dot2));
  EXPECT_THAT(Refusal(forged), HasSubstr("bad signature"));
  // A truncated ES256 signature.
  EXPECT_THAT(Refusal(good.substr(0, good.size() - 4)), HasSubstr("bad signature"));
}

TEST_F(JwtTest, MalformedTokensAreRefused) {
  const std::string good = Mint(*rsa_, Claims("a", "admin"));
  const std::string payload = good.substr(good.find('.'));
  EXPECT_THAT(Refusal("not-a-jwt"), HasSubstr("malformed"));
  EXPECT_THAT(Refusal("a.b"), HasSubstr("malformed"));
  EXPECT_THAT(Refusal("a.b.c.d"), HasSubstr("malformed"));
  EXPECT_THAT(Refusal(absl::StrCat("ab+/", payload)), HasSubstr("malformed"));
  EXPECT_THAT(Refusal(absl::StrCat(B64("{not json"), payload)), HasSubstr("malformed"));
  EXPECT_THAT(Refusal(absl::StrCat(B64("[1,2]"), payload)), HasSubstr("malformed"));
  EXPECT_THAT(Refusal(absl::StrCat(B64(R"({"alg":7,"kid":"rsa-1"})"), payload)),
              HasSubstr("malformed"));
  EXPECT_THAT(Refusal(std::string(services::kMaxBearerBytes + 1, 'a')), HasSubstr("longer"));
  // A signed payload that is not JSON.
  Json header = {{"alg", "RS256"}, {"kid", "rsa-1"}};
  const std::string input = absl::StrCat(B64(header.dump()), ".", B64("not json"));
  EXPECT_THAT(Refusal(absl::StrCat(input, ".", B64(Sign(*rsa_, input)))),
              HasSubstr("malformed payload"));
  // crit extensions are not understood.
  EXPECT_THAT(Refusal(MintWithHeader(*rsa_, {{"alg", "RS256"}, {"kid", "rsa-1"}, {"crit", {"exp"}}},
                                     Claims("a", "admin"))),
              HasSubstr("crit"));
}

TEST_F(JwtTest, RoleAndScopeClaimsAreMappedStrictly) {
  EXPECT_THAT(Refusal(Mint(*rsa_, Claims("a", "superuser"))),
              HasSubstr("role value \"superuser\" of claim arrs_role is not mapped"));
  Json claims = Claims("a", "admin");
  claims["arrs_role"] = Json::array({"admin", "auditor"});
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("exactly one role"));
  claims.erase("arrs_role");
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("exactly one role"));
  EXPECT_THAT(Refusal(Mint(*rsa_, Claims("a", "commissioner", {}))),
              HasSubstr("needs its codes in claim icb_codes"));
  EXPECT_THAT(Refusal(Mint(*rsa_, Claims("a", "pcn", {"U4 0001"}))), HasSubstr("not a code"));
  claims = Claims("has space", "admin");
  EXPECT_THAT(Refusal(Mint(*rsa_, claims)), HasSubstr("claim sub"));
}

TEST_F(JwtTest, ConfiguredClaimNamesAndRoleValues) {
  absl::StatusOr<JwtConfig> config = JwtConfig::Parse(
      absl::StrCat(JwtConfigText(),
                   "role_claim roles\nicb_claim org_icb\nname_claim preferred_username\n"
                   "role ARRS.Commissioner commissioner\nrole ARRS.Admin admin\n"));
  ASSERT_TRUE(config.ok()) << config.status();
  JwtVerifier verifier(*config, *JwksKeySet::Parse(JwksJson({*rsa_})));
  Json claims = Claims("0b1c-guid", "x");
  claims.erase("arrs_role");
  claims["roles"] = Json::array({"ARRS.Commissioner"});
  claims["org_icb"] = "QAA";
  claims["preferred_username"] = "jane.smith";
  absl::StatusOr<Principal> who = verifier.Verify(Mint(*rsa_, claims));
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->ActorName(), "commissioner:jane.smith");
  EXPECT_TRUE(who->InScope("QAA"));
  // With role lines, the plain role names are no longer accepted.
  claims["roles"] = "commissioner";
  EXPECT_FALSE(verifier.Verify(Mint(*rsa_, claims)).ok());
}

TEST(JwtConfigTest, RefusesWhatItCannotMean) {
  EXPECT_THAT(JwtConfig::Parse("audience a\n").status().message(), HasSubstr("issuer"));
  EXPECT_THAT(JwtConfig::Parse("issuer i\n").status().message(), HasSubstr("audience"));
  EXPECT_THAT(JwtConfig::Parse("issuer i\naudience a\naudiance b\n").status().message(),
              HasSubstr("line 3: unknown setting \"audiance\""));
  EXPECT_THAT(
      JwtConfig::Parse("issuer i\naudience a\nclock_skew_seconds 3600\n").status().message(),
      HasSubstr("0 to 300"));
  EXPECT_THAT(JwtConfig::Parse("issuer i\naudience a\nrole X root\n").status().message(),
              HasSubstr("unknown arrs role"));
  absl::StatusOr<JwtConfig> config = JwtConfig::Parse("issuer i\naudience a\n");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->role_claim, "arrs_role");
  EXPECT_EQ(config->clock_skew, absl::Seconds(60));
}

TEST(JwtConfigTest, TheShippedExampleParses) {
  absl::StatusOr<JwtConfig> config =
      JwtConfig::Load(std::string(ARRS_SOURCE_DIR) + "/config/jwt.example.conf");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->roles.size(), 4u);
  EXPECT_EQ(config->roles.at("ARRS.PCN"), Role::kPcn);
}

TEST(JwksTest, RefusesKeysItWillNotVerifyWith) {
  SigningKey rsa = NewRsaKey("k1");
  Json good = Jwk(rsa);
  auto refusal = [](const Json& key) {
    return std::string(
        JwksKeySet::Parse(Json{{"keys", Json::array({key})}}.dump()).status().message());
  };
  Json k = good;
  k["kty"] = "oct";
  k["k"] = "c2VjcmV0";
  EXPECT_THAT(refusal(k), HasSubstr("key type \"oct\" is not accepted"));
  k = good;
  k["alg"] = "HS256";
  EXPECT_THAT(refusal(k), HasSubstr("\"alg\" must be RS256"));
  k = good;
  k.erase("kid");
  EXPECT_THAT(refusal(k), HasSubstr("kid"));
  k = good;
  k["d"] = "AQAB";
  EXPECT_THAT(refusal(k), HasSubstr("private key material"));
  EVP_PKEY* small = EVP_RSA_gen(1024);
  k = Jwk({"k1", "RS256", std::shared_ptr<EVP_PKEY>(small, EVP_PKEY_free)});
  EXPECT_THAT(refusal(k), HasSubstr("1024 bits"));
  Json ec = Jwk(NewEcKey("e1"));
  k = ec;
  k["crv"] = "P-384";
  EXPECT_THAT(refusal(k), HasSubstr("P-256"));
  k = ec;
  k["y"] = k["x"];  // almost certainly not on the curve
  EXPECT_THAT(refusal(k), HasSubstr("not a valid public key"));
  EXPECT_THAT(
      std::string(JwksKeySet::Parse(Json{{"keys", {good, good}}}.dump()).status().message()),
      HasSubstr("listed twice"));
  EXPECT_FALSE(JwksKeySet::Parse("{\"keys\": []}").ok());
  EXPECT_FALSE(JwksKeySet::Parse("not json").ok());
  EXPECT_THAT(
      std::string(
          JwksKeySet::Parse(std::string(services::kMaxJwksBytes + 1, ' ')).status().message()),
      HasSubstr("at most"));
  // An encryption key next to the signing key is skipped.
  Json enc = good;
  enc["kid"] = "enc-1";
  enc["use"] = "enc";
  enc["alg"] = "RSA-OAEP";
  absl::StatusOr<JwksKeySet> set = JwksKeySet::Parse(Json{{"keys", {good, enc}}}.dump());
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->size(), 1u);
  EXPECT_EQ(set->Find("enc-1"), nullptr);
  ASSERT_NE(set->Find("k1"), nullptr);
  EXPECT_EQ(set->Find("k1")->alg, "RS256");
}

TEST(JwksTest, LoadNamesTheFile) {
  absl::StatusOr<JwksKeySet> missing = JwksKeySet::Load("/nonexistent/jwks.json");
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("/nonexistent/jwks.json"));
}

TEST_F(JwtTest, ReloadSwapsKeysAndKeepsThemWhenTheFileIsBad) {
  const TempDir temp("jwks");
  const std::string path = temp.Sub("jwks.json");
  WriteFile(path, JwksJson({*rsa_}));
  absl::StatusOr<JwtConfig> config = JwtConfig::Parse(JwtConfigText());
  absl::StatusOr<std::unique_ptr<JwtVerifier>> verifier = JwtVerifier::Create(*config, path);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  const std::string old_token = Mint(*rsa_, Claims("a", "admin"));
  const std::string new_token = Mint(*ec_, Claims("a", "admin"));
  EXPECT_TRUE((*verifier)->Verify(old_token).ok());
  EXPECT_FALSE((*verifier)->Verify(new_token).ok());

  WriteFile(path, JwksJson({*ec_}));  // rotated: rsa-1 removed
  absl::StatusOr<size_t> reloaded = (*verifier)->Reload();
  ASSERT_TRUE(reloaded.ok()) << reloaded.status();
  EXPECT_EQ(*reloaded, 1u);
  EXPECT_TRUE((*verifier)->Verify(new_token).ok());
  EXPECT_THAT(std::string((*verifier)->Verify(old_token).status().message()),
              HasSubstr("unknown kid \"rsa-1\""));

  WriteFile(path, "{\"keys\": [");  // a half-written file
  reloaded = (*verifier)->Reload();
  EXPECT_FALSE(reloaded.ok());
  EXPECT_THAT(std::string(reloaded.status().message()), HasSubstr(path));
  EXPECT_TRUE((*verifier)->Verify(new_token).ok());  // the previous keys stay
}

TEST_F(JwtTest, TokenStoreSendsJwtShapedTokensToTheVerifier) {
  absl::StatusOr<services::TokenStore> store = services::TokenStore::Parse(
      absl::StrCat(services::TokenHash("a-long-enough-token"), " admin * eve\n"));
  ASSERT_TRUE(store.ok());
  const std::string jwt = Mint(*ec_, Claims("u40001-system", "pcn", {"U40001"}));
  EXPECT_FALSE(store->Authenticate("Bearer " + jwt).ok());  // no verifier: unknown token
  store->SetJwtVerifier(verifier_.get());
  absl::StatusOr<Principal> who = store->Authenticate("Bearer " + jwt);
  ASSERT_TRUE(who.ok()) << who.status();
  EXPECT_EQ(who->ActorName(), "pcn:u40001-system");
  EXPECT_TRUE(store->Authenticate("Bearer a-long-enough-token").ok());  // the file still works
  EXPECT_FALSE(store->Authenticate("Bearer " + std::string(9000, 'a')).ok());
  EXPECT_TRUE(services::LooksLikeJwt("a.b.c"));
  EXPECT_FALSE(services::LooksLikeJwt("a..c"));
  EXPECT_FALSE(services::LooksLikeJwt("a.b.c."));
  EXPECT_FALSE(services::LooksLikeJwt("a.b=.c"));
}

}  // namespace
}  // namespace arrs::testing_support
