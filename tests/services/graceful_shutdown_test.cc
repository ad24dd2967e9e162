// The real arrsd process under load from concurrent clients receives SIGTERM: it drains,
// exits 0, and every acknowledged command is in the log, once, with a verifying chain.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "arrs/v1/service.grpc.pb.h"
#include "ledger/engine/ledger.h"
#include "services/auth.h"
#include "tests/services/arrsd_process.h"
#include "tests/testing/requests.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {
namespace {

TEST(GracefulShutdownTest, SigtermUnderLoadLosesNoAcknowledgedEvent) {
  const TempDir temp("shutdown");
  const std::filesystem::path& dir = temp.path();
  const std::string tokens = (dir / "tokens.txt").string();
  std::ofstream(tokens) << services::TokenHash("load-admin-token") << " admin * loader\n";
  const std::string data = (dir / "data").string();

  ArrsdProcess arrsd;
  ASSERT_TRUE(arrsd.Start(data, tokens));
  auto channel = grpc::CreateChannel(arrsd.address(), grpc::InsecureChannelCredentials());
  auto commands = v1::CommandService::NewStub(channel);
  for (int p = 0; p < 4; ++p) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer load-admin-token");
    v1::RegisterPcnRequest r;
    r.mutable_header()->set_request_id(absl::StrCat("reg-", p));
    r.set_pcn_code(absl::StrCat("U5000", p));
    r.set_name("Load PCN");
    r.set_icb_code("QLL");
    r.mutable_effective_date()->set_year(2020);
    r.mutable_effective_date()->set_month(4);
    r.mutable_effective_date()->set_day(1);
    v1::CommandResult out;
    ASSERT_TRUE(commands->RegisterPcn(&context, r, &out).ok());
  }

  std::mutex mu;
  std::map<std::string, uint64_t> acknowledged;  // request id -> position
  std::atomic<bool> stop{false};
  std::vector<std::thread> writers;
  for (int w = 0; w < 6; ++w) {
    writers.emplace_back([&, w] {
      auto stub = v1::CommandService::NewStub(channel);
      for (int i = 0; !stop; ++i) {
        grpc::ClientContext context;
        context.AddMetadata("authorization", "Bearer load-admin-token");
        context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
        const std::string id = absl::StrCat("w", w, "-", i);
        const v1::HireStaffRequest r = CareCoordinatorHire(absl::StrCat("U5000", w % 4), id, id);
        v1::CommandResult out;
        if (stub->HireStaff(&context, r, &out).ok()) {
          std::lock_guard<std::mutex> lock(mu);
          acknowledged[r.header().request_id()] = out.first_position();
        } else if (stop) {
          return;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  const int exit_code = arrsd.Stop(SIGTERM);
  stop = true;
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(exit_code, 0) << "arrsd should drain and exit cleanly on SIGTERM";
  ASSERT_GT(acknowledged.size(), 20u) << "the load should have been acknowledged for a while";

  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger = engine::Ledger::Open(data);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  const store::VerifyReport report = (*ledger)->log().Verify();
  EXPECT_TRUE(report.ok) << report.problem;
  for (const auto& [request_id, position] : acknowledged) {
    absl::StatusOr<std::optional<store::AppendResult>> found =
        (*ledger)->log().FindRequest(
            (*ledger)->log().Get(position).value_or(v1::Event()).stream(), request_id);
    ASSERT_TRUE(found.ok() && found->has_value()) << request_id << " was acknowledged but lost";
    EXPECT_EQ((*found)->first_position, position);
    absl::StatusOr<v1::Event> event = (*ledger)->log().Get(position);
    ASSERT_TRUE(event.ok());
    EXPECT_EQ(event->payload().staff_hired().staff_id(), request_id);
  }
  // Exactly once: no staff id appears twice among the hires.
  std::map<std::string, int> seen;
  for (uint64_t p = 1; p <= report.head.position; ++p) {
    v1::Event e = (*ledger)->log().Get(p).value();
    if (e.payload().has_staff_hired()) EXPECT_EQ(++seen[e.payload().staff_hired().staff_id()], 1);
  }
  ledger->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace arrs::testing_support
