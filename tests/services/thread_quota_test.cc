// Issue 22, finding 4: unauthenticated clients holding streams open (reflection needs no
// token) cannot grow the server's threads without bound. Before the quota, 400 idle
// reflection streams took arrsd from 18 to 416 threads.
#include <dirent.h>

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include "tests/services/server_fixture.h"

namespace arrs::testing_support {
namespace {

int ThreadsOfThisProcess() {
  int count = 0;
  DIR* dir = opendir("/proc/self/task");
  if (dir == nullptr) return -1;
  while (dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count;
}

class ThreadQuotaTest : public ServerFixture {
 protected:
  void SetUp() override {
    server_options_.max_threads = 32;
    server_options_.reflection = true;  // the stream that pinned threads (opt-in now)
    ServerFixture::SetUp();
  }
};

// With the defaults (reflection off), unauthenticated clients holding streams open cannot
// starve the synchronous queries: reflection is UNIMPLEMENTED, health's Watch is served on
// the callback API, and a query answers while 200 of each are open.
class DefaultStreamsTest : public ServerFixture {
 protected:
  void SetUp() override {
    server_options_.max_threads = 16;  // the smallest quota allowed
    ServerFixture::SetUp();
  }
};

TEST_F(DefaultStreamsTest, IdleUnauthenticatedStreamsDoNotStarveQueries) {
  constexpr int kStreams = 200;
  constexpr int kChannels = 5;
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int c = 0; c < kChannels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", c);
    stubs.push_back(std::make_unique<grpc::GenericStub>(grpc::CreateCustomChannel(
        absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials(), args)));
  }
  const char* kMethods[] = {"/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                            "/grpc.health.v1.Health/Watch"};
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::GenericClientAsyncReaderWriter>> calls;
  for (int i = 0; i < 2 * kStreams; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    // A deadline, so that a stream the server holds open ends the test instead of hanging it.
    contexts.back()->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(15));
    calls.push_back(stubs[i % kChannels]->PrepareCall(contexts.back().get(), kMethods[i % 2], &cq));
    calls.back()->StartCall(reinterpret_cast<void*>(static_cast<intptr_t>(i + 1)));
  }
  void* tag = nullptr;
  bool ok = false;
  for (int i = 0; i < 2 * kStreams; ++i) ASSERT_TRUE(cq.Next(&tag, &ok));
  absl::SleepFor(absl::Milliseconds(500));

  // While they are all open, an authenticated synchronous query answers.
  auto context = Ctx(kAuditor);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  v1::RulesRequest rules;
  rules.set_financial_year(2023);
  v1::RulesResponse out;
  const grpc::Status s = queries_->GetRules(context.get(), rules, &out);
  EXPECT_TRUE(s.ok()) << static_cast<int>(s.error_code()) << ": " << s.error_message();

  // Reflection is not served.
  grpc::Status reflection;
  calls[0]->Finish(&reflection, reinterpret_cast<void*>(1));
  ASSERT_TRUE(cq.Next(&tag, &ok));
  EXPECT_EQ(reflection.error_code(), grpc::StatusCode::UNIMPLEMENTED);

  for (auto& c : contexts) c->TryCancel();
  std::vector<grpc::Status> finished(calls.size());
  for (size_t i = 1; i < calls.size(); ++i) calls[i]->Finish(&finished[i], reinterpret_cast<void*>(1));
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_F(ThreadQuotaTest, IdleReflectionStreamsCannotPinMoreThanTheQuota) {
  const int before = ThreadsOfThisProcess();
  constexpr int kStreams = 200;
  constexpr int kChannels = 5;  // 40 streams each, under the per-connection limit
  grpc::CompletionQueue cq;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs;
  for (int c = 0; c < kChannels; ++c) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", c);  // a connection of its own
    channels.push_back(grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                                 grpc::InsecureChannelCredentials(), args));
    stubs.push_back(std::make_unique<grpc::GenericStub>(channels.back()));
  }
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<grpc::GenericClientAsyncReaderWriter>> calls;
  for (int i = 0; i < kStreams; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    calls.push_back(stubs[i % kChannels]->PrepareCall(
        contexts.back().get(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
        &cq));
    calls.back()->StartCall(reinterpret_cast<void*>(static_cast<intptr_t>(i + 1)));
  }
  void* tag = nullptr;
  bool ok = false;
  for (int i = 0; i < kStreams; ++i) ASSERT_TRUE(cq.Next(&tag, &ok));
  absl::SleepFor(absl::Seconds(1));  // let the server take up what it will
  const int during = ThreadsOfThisProcess();
  // The quota (32) bounds the server's call threads; the client side of this process adds
  // its own few.
  EXPECT_LT(during - before, 32 + 16) << "threads before " << before << ", during " << during;

  // Authenticated work still gets through once the idle streams go.
  for (auto& context : contexts) context->TryCancel();
  std::vector<grpc::Status> finished(calls.size());
  for (size_t i = 0; i < calls.size(); ++i) {
    calls[i]->Finish(&finished[i], reinterpret_cast<void*>(1));
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  calls.clear();
  contexts.clear();
  absl::SleepFor(absl::Milliseconds(500));
  auto context = Ctx(kAuditor);
  v1::RulesRequest rules;
  rules.set_financial_year(2023);
  v1::RulesResponse out;
  const grpc::Status s = queries_->GetRules(context.get(), rules, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST_F(ThreadQuotaTest, TooSmallAQuotaIsRefusedNamingTheFlag) {
  services::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.max_threads = 4;
  absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
      services::ArrsServer::Start(ledger_.get(), tokens_.get(), options);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(server.status().message().find("--max-threads must be at least 16, got 4"),
            std::string::npos);
}

}  // namespace
}  // namespace arrs::testing_support
