// JWT bearer tokens against a running server (ServerFixture): RS256 and ES256 tokens get
// their role and scope through the same permission checks as the tokens file's, and each
// refused token is UNAUTHENTICATED with its reason in the call's log line, never the token.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "services/jwt_auth.h"
#include "tests/services/http_client_fixture.h"
#include "tests/services/jwt_test_keys.h"
#include "tests/services/server_fixture.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class JwtServerTest : public ServerFixture {
 protected:
  void SetUp() override {
    rsa_ = NewRsaKey("idp-rsa-2026");
    ec_ = NewEcKey("idp-ec-2026");
    absl::StatusOr<services::JwtConfig> config = services::JwtConfig::Parse(JwtConfigText());
    ASSERT_TRUE(config.ok()) << config.status();
    absl::StatusOr<services::JwksKeySet> keys = services::JwksKeySet::Parse(JwksJson({rsa_, ec_}));
    ASSERT_TRUE(keys.ok()) << keys.status();
    verifier_ = std::make_unique<services::JwtVerifier>(*config, *std::move(keys));
    ServerFixture::SetUp();
    tokens_->SetJwtVerifier(verifier_.get());  // before any call
    RegisterTwoPcns();
  }

  grpc::Status Balance(const std::string& token, const std::string& pcn) {
    v1::BalanceRequest request;
    request.set_pcn_code(pcn);
    request.set_financial_year(2023);
    v1::Balance balance;
    return queries_->GetBalance(Ctx(token).get(), request, &balance);
  }

  // The call's status and what the server logged for it.
  std::pair<grpc::Status, std::string> BalanceLogged(const std::string& token) {
    services::SetLogLevel(services::LogLevel::kWarn);
    ::testing::internal::CaptureStderr();
    grpc::Status status = Balance(token, "U40001");
    std::string log = ::testing::internal::GetCapturedStderr();
    services::SetLogLevel(services::LogLevel::kOff);
    return {status, log};
  }

  SigningKey rsa_, ec_;
  std::unique_ptr<services::JwtVerifier> verifier_;
};

TEST_F(JwtServerTest, Rs256CommissionerReadsOnlyItsIcb) {
  const std::string token = Mint(rsa_, Claims("jane.smith", "commissioner", {"QAA"}));
  grpc::Status own = Balance(token, "U40001");
  EXPECT_TRUE(own.ok()) << own.error_message();
  EXPECT_EQ(Balance(token, "U40002").error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(JwtServerTest, Es256PcnReadsOnlyItsPcnAndCannotRecordListSizes) {
  const std::string token = Mint(ec_, Claims("u40001-system", "pcn", {"U40001"}));
  grpc::Status own = Balance(token, "U40001");
  EXPECT_TRUE(own.ok()) << own.error_message();
  EXPECT_EQ(Balance(token, "U40002").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  v1::RecordListSizeRequest l;
  l.mutable_header()->set_request_id(NextId());
  l.set_pcn_code("U40001");
  *l.mutable_reference_date() = Day(2024, 1, 1);
  l.set_registered_list_size(50000);
  l.set_weighted_population_milli(52000000);
  v1::CommandResult out;
  EXPECT_EQ(commands_->RecordListSize(Ctx(token).get(), l, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(JwtServerTest, AdminTokenIsRecordedAsTheActor) {
  const std::string token = Mint(ec_, Claims("ops.lead", "admin"));
  v1::CommandResult out;
  grpc::Status s = commands_->RegisterPcn(Ctx(token).get(), RegisterRequest("U40003", "QAA"), &out);
  ASSERT_TRUE(s.ok()) << s.error_message();
  v1::ListPcnsRequest list;
  v1::ListPcnsResponse pcns;
  ASSERT_TRUE(queries_->ListPcns(Ctx(token).get(), list, &pcns).ok());
  EXPECT_EQ(pcns.pcns_size(), 3);
}

TEST_F(JwtServerTest, TokensFileStillWorksBesideJwts) {
  EXPECT_TRUE(Balance(kPcnA, "U40001").ok());
  EXPECT_EQ(Balance(kPcnA, "U40002").error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(JwtServerTest, EachRefusalIsUnauthenticatedWithItsReasonLoggedAndNeverTheToken) {
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  Json expired = Claims("a", "admin");
  expired["exp"] = now - 3600;
  Json early = Claims("a", "admin");
  early["nbf"] = now + 3600;
  Json wrong_iss = Claims("a", "admin");
  wrong_iss["iss"] = "https://evil.example.com";
  Json wrong_aud = Claims("a", "admin");
  wrong_aud["aud"] = "some-other-api";
  const SigningKey stranger = NewRsaKey("idp-rsa-2026");  // known kid, wrong key
  const SigningKey unknown = NewEcKey("retired-2025");
  const std::string good = Mint(ec_, Claims("a", "admin"));
  const std::string tampered =
      absl::StrCat(good.substr(0, good.find('.') + 1), B64(Claims("b", "admin").dump()),
                   good.substr(good.rfind('.')));
  struct Case {
    const char* what;
    std::string token;
    const char* reason;
  };
  const std::vector<Case> cases = {
      {"expired", Mint(rsa_, expired), "expired"},
      {"not yet valid", Mint(rsa_, early), "not yet valid"},
      {"wrong issuer", Mint(rsa_, wrong_iss), "wrong issuer"},
      {"wrong audience", Mint(ec_, wrong_aud), "wrong audience"},
      {"alg none", MintNone("idp-rsa-2026", Claims("a", "admin")), "alg none"},
      {"HS256 with the public key", MintHs256WithPublicKey(rsa_, Claims("a", "admin")),
       "alg \\\"HS256\\\" is not accepted"},
      {"unknown kid", Mint(unknown, Claims("a", "admin")), "unknown kid"},
      {"bad signature (other key)", Mint(stranger, Claims("a", "admin")), "bad signature"},
      {"bad signature (tampered)", tampered, "bad signature"},
      {"malformed", absl::StrCat(B64("{oops"), ".e30.c2ln"), "malformed"},
      {"unmapped role", Mint(rsa_, Claims("a", "root")), "not mapped"},
  };
  for (const Case& c : cases) {
    auto [status, log] = BalanceLogged(c.token);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << c.what;
    EXPECT_THAT(log, HasSubstr("rpc=GetBalance")) << c.what;
    EXPECT_THAT(log, HasSubstr("status=UNAUTHENTICATED")) << c.what;
    EXPECT_THAT(log, HasSubstr(absl::StrCat("auth_refused=\"JWT refused: "))) << c.what;
    EXPECT_THAT(log, HasSubstr(c.reason)) << c.what << "\n" << log;
    EXPECT_THAT(log, Not(HasSubstr(c.token))) << c.what;
    EXPECT_THAT(log, Not(HasSubstr(c.token.substr(c.token.rfind('.') + 1)))) << c.what;
    EXPECT_THAT(status.error_message(), Not(HasSubstr(c.token))) << c.what;
  }
}

TEST_F(JwtServerTest, ReloadedKeysApplyToTheNextCall) {
  const std::string path = (dir_.string() + "-jwks.json");
  WriteFile(path, JwksJson({rsa_}));
  absl::StatusOr<std::unique_ptr<services::JwtVerifier>> verifier =
      services::JwtVerifier::Create(*services::JwtConfig::Parse(JwtConfigText()), path);
  ASSERT_TRUE(verifier.ok()) << verifier.status();
  tokens_->SetJwtVerifier(verifier->get());
  const std::string old_token = Mint(rsa_, Claims("a", "auditor"));
  const std::string new_token = Mint(ec_, Claims("a", "auditor"));
  EXPECT_TRUE(Balance(old_token, "U40001").ok());
  EXPECT_EQ(Balance(new_token, "U40001").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  WriteFile(path, JwksJson({ec_}));
  ASSERT_TRUE((*verifier)->Reload().ok());
  EXPECT_TRUE(Balance(new_token, "U40001").ok());
  EXPECT_EQ(Balance(old_token, "U40001").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  tokens_->SetJwtVerifier(verifier_.get());
  std::filesystem::remove(path);
}

// The same tokens over the HTTP JSON API (its calls go through the gRPC server's
// in-process channel, so the same checks apply).
class JwtHttpTest : public WithHttpClient<JwtServerTest> {
 protected:
  int PostBalance(const std::string& token, const std::string& pcn) {
    httplib::Result got = client_->Post(
        "/api/v1/QueryService/GetBalance", {{"Authorization", absl::StrCat("Bearer ", token)}},
        absl::StrCat("{\"pcnCode\":\"", pcn, "\",\"financialYear\":2023}"), "application/json");
    return got ? got->status : -1;
  }
};

TEST_F(JwtHttpTest, JwtsCarryTheSameRoleAndScopeOverHttp) {
  const std::string token = Mint(ec_, Claims("u40001-system", "pcn", {"U40001"}));
  EXPECT_EQ(PostBalance(token, "U40001"), 200);
  EXPECT_EQ(PostBalance(token, "U40002"), 403);
  Json expired = Claims("u40001-system", "pcn", {"U40001"});
  expired["exp"] = absl::ToUnixSeconds(absl::Now()) - 3600;
  EXPECT_EQ(PostBalance(Mint(ec_, expired), "U40001"), 401);
  EXPECT_EQ(PostBalance(MintNone("idp-ec-2026", Claims("a", "admin")), "U40001"), 401);
}

}  // namespace
}  // namespace arrs::testing_support
