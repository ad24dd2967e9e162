// The real arrsd with --jwks and --jwt-config: SIGHUP re-reads the JWKS file (a rotated key
// is taken, a removed kid is dropped, a broken file keeps the previous keys), and a broken
// JWKS file at start refuses to start, naming the file.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "arrs/v1/service.grpc.pb.h"
#include "services/auth.h"
#include "tests/services/arrsd_process.h"
#include "tests/services/jwt_test_keys.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {
namespace {

grpc::StatusCode ListPcnsWith(v1::QueryService::Stub* queries, const std::string& token) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  v1::ListPcnsRequest request;
  v1::ListPcnsResponse response;
  return queries->ListPcns(&context, request, &response).error_code();
}

// Polls until a call with `token` answers `want` (the reload runs after the signal arrives).
bool Eventually(v1::QueryService::Stub* queries, const std::string& token, grpc::StatusCode want) {
  for (int i = 0; i < 100; ++i) {
    if (ListPcnsWith(queries, token) == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

class JwtProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tokens_ = (dir_ / "tokens.txt").string();
    std::ofstream(tokens_) << services::TokenHash("file-auditor-token") << " auditor * nao\n";
    jwks_ = (dir_ / "jwks.json").string();
    config_ = (dir_ / "jwt.conf").string();
    WriteFile(config_, JwtConfigText());
  }
  const TempDir temp_{"jwt-proc"};
  const std::filesystem::path& dir_ = temp_.path();
  std::string tokens_, jwks_, config_;
};

TEST_F(JwtProcessTest, SighupRotatesKeysAndKeepsThemWhenTheFileIsBroken) {
  const SigningKey old_key = NewRsaKey("2026-01");
  const SigningKey new_key = NewEcKey("2026-02");
  WriteFile(jwks_, JwksJson({old_key}));
  ArrsdProcess arrsd;
  ASSERT_TRUE(
      arrsd.Start((dir_ / "data").string(), tokens_, {"--jwks", jwks_, "--jwt-config", config_}));
  auto queries = v1::QueryService::NewStub(
      grpc::CreateChannel(arrsd.address(), grpc::InsecureChannelCredentials()));
  const std::string old_token = Mint(old_key, Claims("auditor.one", "auditor"));
  const std::string new_token = Mint(new_key, Claims("auditor.one", "auditor"));
  EXPECT_EQ(ListPcnsWith(queries.get(), old_token), grpc::StatusCode::OK);
  EXPECT_EQ(ListPcnsWith(queries.get(), new_token), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(ListPcnsWith(queries.get(), "file-auditor-token"), grpc::StatusCode::OK);

  // Rotation, step 1: publish the new key beside the old one.
  WriteFile(jwks_, JwksJson({old_key, new_key}));
  kill(arrsd.pid(), SIGHUP);
  EXPECT_TRUE(Eventually(queries.get(), new_token, grpc::StatusCode::OK));
  EXPECT_EQ(ListPcnsWith(queries.get(), old_token), grpc::StatusCode::OK);

  // Step 2: retire the old kid.
  WriteFile(jwks_, JwksJson({new_key}));
  kill(arrsd.pid(), SIGHUP);
  EXPECT_TRUE(Eventually(queries.get(), old_token, grpc::StatusCode::UNAUTHENTICATED));
  EXPECT_EQ(ListPcnsWith(queries.get(), new_token), grpc::StatusCode::OK);

  // A broken file: the keys in force stay, and the server keeps serving.
  WriteFile(jwks_, "{\"keys\": [");
  kill(arrsd.pid(), SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(ListPcnsWith(queries.get(), new_token), grpc::StatusCode::OK);
  EXPECT_EQ(ListPcnsWith(queries.get(), old_token), grpc::StatusCode::UNAUTHENTICATED);

  EXPECT_EQ(arrsd.Stop(SIGTERM), 0);
}

TEST_F(JwtProcessTest, JwtsAloneWithoutATokensFile) {
  const SigningKey key = NewEcKey("only");
  WriteFile(jwks_, JwksJson({key}));
  ArrsdProcess arrsd;
  ASSERT_TRUE(
      arrsd.Start((dir_ / "data").string(), "", {"--jwks", jwks_, "--jwt-config", config_}));
  auto queries = v1::QueryService::NewStub(
      grpc::CreateChannel(arrsd.address(), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(ListPcnsWith(queries.get(), Mint(key, Claims("auditor.one", "auditor"))),
            grpc::StatusCode::OK);
  EXPECT_EQ(ListPcnsWith(queries.get(), "file-auditor-token"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(arrsd.Stop(SIGTERM), 0);
}

TEST_F(JwtProcessTest, BrokenJwksOrMissingConfigRefusesToStart) {
  WriteFile(jwks_, R"({"keys":[{"kty":"oct","kid":"s","k":"c2VjcmV0"}]})");
  const std::string binary = std::string(ARRS_BINARY_DIR) + "/services/arrsd";
  const std::string err = (dir_ / "stderr.txt").string();
  auto run = [&](const std::string& args) {
    const int status =
        std::system(absl::StrCat(binary, " --data ", (dir_ / "data").string(),
                                 " --listen 127.0.0.1:0 --tokens ", tokens_, " ", args, " 2>", err)
                        .c_str());
    std::ifstream in(err);
    std::stringstream text;
    text << in.rdbuf();
    return std::pair<int, std::string>(WEXITSTATUS(status), text.str());
  };
  auto [code, message] = run(absl::StrCat("--jwks ", jwks_, " --jwt-config ", config_));
  EXPECT_EQ(code, 1);
  EXPECT_NE(message.find(jwks_), std::string::npos) << message;
  EXPECT_NE(message.find("oct"), std::string::npos) << message;
  std::tie(code, message) = run(absl::StrCat("--jwks ", jwks_));
  EXPECT_EQ(code, 1);
  EXPECT_NE(message.find("--jwt-config"), std::string::npos) << message;
}

}  // namespace
}  // namespace arrs::testing_support
