// An in-process arrsd (Ledger + ArrsServer) on 127.0.0.1 with an ephemeral port, a
// temporary data folder, the shipped rule book and one principal of each kind, plus
// client stubs that send a bearer token.
#ifndef ARRS_TESTS_SERVICES_SERVER_FIXTURE_H_
#define ARRS_TESTS_SERVICES_SERVER_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "arrs/v1/service.grpc.pb.h"
#include "ledger/engine/ledger.h"
#include "ledger/util/civil_date.h"
#include "services/auth.h"
#include "services/log.h"
#include "services/server.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {

inline v1::Date Day(int y, int m, int d) { return ToProtoDate(absl::CivilDay(y, m, d)); }

// Tokens of the fixture's principals.
inline constexpr char kAdmin[] = "admin-token-0001";
inline constexpr char kAuditor[] = "auditor-token-0001";
inline constexpr char kCommA[] = "commissioner-qaa-token";  // ICB QAA
inline constexpr char kCommB[] = "commissioner-qbb-token";  // ICB QBB
inline constexpr char kPcnA[] = "pcn-u40001-token";         // PCN U40001 (in QAA)
inline constexpr char kPcnB[] = "pcn-u40002-token";         // PCN U40002 (in QBB)

class ServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    services::SetLogLevel(services::LogLevel::kOff);
    dir_ = temp_.path() / "data";  // files a test writes beside it are removed with temp_
    const std::string tokens = absl::StrCat(
        services::TokenHash(kAdmin), " admin * alice\n",
        services::TokenHash(kAuditor), " auditor * nao\n",
        services::TokenHash(kCommA), " commissioner QAA qaa-team\n",
        services::TokenHash(kCommB), " commissioner QBB qbb-team\n",
        services::TokenHash(kPcnA), " pcn U40001 u40001-system\n",
        services::TokenHash(kPcnB), " pcn U40002 u40002-system\n");
    absl::StatusOr<services::TokenStore> store = services::TokenStore::Parse(tokens);
    ASSERT_TRUE(store.ok()) << store.status();
    tokens_ = std::make_unique<services::TokenStore>(*std::move(store));
    StartServer();
  }

  void StartServer() {
    absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger =
        engine::Ledger::Open(dir_.string(), ledger_options_);
    ASSERT_TRUE(ledger.ok()) << ledger.status();
    ledger_ = *std::move(ledger);
    ASSERT_TRUE(ledger_->PublishRulesDir(std::string(ARRS_SOURCE_DIR) + "/rules", "test").ok());
    services::ServerOptions options = server_options_;
    options.listen_address = "127.0.0.1:0";
    options.data_dir = dir_.string();
    absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
        services::ArrsServer::Start(ledger_.get(), tokens_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_->port()),
        client_credentials_ ? client_credentials_ : grpc::InsecureChannelCredentials(),
        channel_args_);
    commands_ = v1::CommandService::NewStub(channel_);
    queries_ = v1::QueryService::NewStub(channel_);
    admin_ = v1::AdminService::NewStub(channel_);
  }

  void StopServer() {
    if (server_) server_->Shutdown(absl::Seconds(5));
    server_.reset();
    ledger_.reset();
  }

  void TearDown() override { StopServer(); }

  // A context carrying `token` (none when empty) and a 20 s deadline.
  static std::unique_ptr<grpc::ClientContext> Ctx(const std::string& token) {
    auto context = std::make_unique<grpc::ClientContext>();
    if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    return context;
  }

  uint64_t Head() { return ledger_->log().head().position; }
  std::string NextId() { return absl::StrCat("svc-req-", ++request_counter_); }

  v1::RegisterPcnRequest RegisterRequest(const std::string& pcn, const std::string& icb) {
    v1::RegisterPcnRequest r;
    r.mutable_header()->set_request_id(NextId());
    r.set_pcn_code(pcn);
    r.set_name(absl::StrCat("Network ", pcn));
    r.set_icb_code(icb);
    *r.mutable_effective_date() = Day(2019, 7, 1);
    return r;
  }

  // Registers U40001 (QAA) and U40002 (QBB) with list sizes and a 2023/24 sum.
  void RegisterTwoPcns() {
    for (auto [pcn, icb] : {std::pair{"U40001", "QAA"}, std::pair{"U40002", "QBB"}}) {
      v1::CommandResult out;
      ASSERT_TRUE(commands_->RegisterPcn(Ctx(kAdmin).get(), RegisterRequest(pcn, icb), &out).ok());
      v1::RecordListSizeRequest l;
      l.mutable_header()->set_request_id(NextId());
      l.set_pcn_code(pcn);
      *l.mutable_reference_date() = Day(2023, 1, 1);
      l.set_registered_list_size(45000);
      l.set_weighted_population_milli(47000000);
      ASSERT_TRUE(commands_->RecordListSize(Ctx(kAdmin).get(), l, &out).ok());
      v1::SetEntitlementRequest e;
      e.mutable_header()->set_request_id(NextId());
      e.set_pcn_code(pcn);
      e.set_financial_year(2023);
      e.set_derive_from_weighted_population(true);
      grpc::Status s = commands_->SetEntitlement(Ctx(kAdmin).get(), e, &out);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
  }

  // What StartServer uses; a derived fixture may change them before SetUp (for example
  // an injected RocksDB Env, TLS files, client credentials).
  engine::LedgerOptions ledger_options_;
  services::ServerOptions server_options_;
  std::shared_ptr<grpc::ChannelCredentials> client_credentials_;  // null: insecure
  grpc::ChannelArguments channel_args_;

  TempDir temp_{"svc"};  // destroyed after the server and ledger below
  std::filesystem::path dir_;
  std::unique_ptr<services::TokenStore> tokens_;
  std::unique_ptr<engine::Ledger> ledger_;
  std::unique_ptr<services::ArrsServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CommandService::Stub> commands_;
  std::unique_ptr<v1::QueryService::Stub> queries_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
  std::atomic<int> request_counter_{0};
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_SERVICES_SERVER_FIXTURE_H_
