// The real arrsd under concurrent load is killed with SIGKILL at random moments, many
// rounds, and restarted on the same data folder. Clients record every acknowledged
// request; a request whose call failed when the server died is "in doubt" and is retried
// with its own request id after the restart (so it must be applied exactly once, whether
// or not it had been committed). At the end: every acknowledged request is in the log at
// the position it was acknowledged with, every hire is there exactly once, nothing that
// was never sent is there, the chain verifies, and the projections the restarted server
// serves (folded incrementally since its restart) equal those of a full rebuild.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "arrs/v1/service.grpc.pb.h"
#include "ledger/engine/ledger.h"
#include "services/auth.h"
#include "tests/reliability/acknowledged_check.h"
#include "tests/reliability/round_requests.h"
#include "tests/services/arrsd_process.h"

namespace arrs::testing_support {
namespace {

// SIGKILL rounds, and their bound (each round ~0.2-0.9 s of load). ARRS_CRASH_ROUNDS sets
// the number of rounds (scripts/soak.sh) and lifts the bound.
constexpr int kRounds = 20;
constexpr int kMaxSeconds = 60;
constexpr int kWriters = 6;
constexpr int kPcns = 3;
constexpr char kToken[] = "crash-admin-token";

std::string Pcn(int p) { return absl::StrCat("U6000", p); }

// The staff id names the request, to count each request's events.
v1::HireStaffRequest Hire(const std::string& id, int pcn) { return CoordinatorHire(id, Pcn(pcn)); }

std::unique_ptr<grpc::ClientContext> Ctx() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->AddMetadata("authorization", absl::StrCat("Bearer ", kToken));
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  return context;
}

// What the clients know: acknowledged request -> position, and requests in doubt.
struct ClientRecord {
  std::mutex mu;
  std::map<std::string, uint64_t> acknowledged;
  std::map<std::string, v1::HireStaffRequest> in_doubt;
  int deduplicated_retries = 0;
};

// Retries every in-doubt request until it is acknowledged (the server is up).
void ResolveInDoubt(v1::CommandService::Stub* stub, ClientRecord* record) {
  for (auto it = record->in_doubt.begin(); it != record->in_doubt.end();) {
    v1::CommandResult out;
    grpc::Status s = stub->HireStaff(Ctx().get(), it->second, &out);
    ASSERT_TRUE(s.ok()) << it->first << ": " << s.error_message();
    record->acknowledged[it->first] = out.first_position();
    if (out.deduplicated()) ++record->deduplicated_retries;
    it = record->in_doubt.erase(it);
  }
}

// Each PCN's workforce and balance at `position`, as `query` answers them.
template <typename Query>
std::vector<std::string> Projections(uint64_t position, Query query) {
  std::vector<std::string> out;
  for (int p = 0; p < kPcns; ++p) {
    const ProjectionRequests requests = ProjectionRequestsAt(Pcn(p), position);
    out.push_back(query(requests.workforce, requests.balance));
  }
  return out;
}

TEST(CrashUnderLoadTest, SigkillAtRandomMomentsLosesAndDuplicatesNothing) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / absl::StrCat("arrs-crash-", getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string tokens = (dir / "tokens.txt").string();
  std::ofstream(tokens) << services::TokenHash(kToken) << " admin * crash-loader\n";
  const std::string data = (dir / "data").string();

  // The kill moments come from a seed, printed so that a failing run's moments can be
  // replayed (ARRS_CRASH_SEED=<seed>).
  uint32_t seed = std::random_device{}();
  if (const char* s = std::getenv("ARRS_CRASH_SEED")) seed = std::strtoul(s, nullptr, 10);
  std::printf("[ crash ] seed %u (ARRS_CRASH_SEED=%u replays the kill moments)\n", seed, seed);
  std::fflush(stdout);
  RecordProperty("seed", std::to_string(seed));
  std::mt19937 random(seed);
  const char* rounds_env = std::getenv("ARRS_CRASH_ROUNDS");
  const int round_count = rounds_env != nullptr ? std::atoi(rounds_env) : kRounds;
  ClientRecord record;
  ArrsdProcess arrsd;
  const auto started = std::chrono::steady_clock::now();
  int rounds = 0;
  for (; rounds < round_count; ++rounds) {
    if (rounds_env == nullptr &&
        std::chrono::steady_clock::now() - started > std::chrono::seconds(kMaxSeconds)) {
      break;
    }
    ASSERT_TRUE(arrsd.Start(data, tokens)) << "arrsd did not come back up in round " << rounds;
    auto channel = grpc::CreateChannel(arrsd.address(), grpc::InsecureChannelCredentials());
    auto stub = v1::CommandService::NewStub(channel);
    if (rounds == 0) {
      for (int p = 0; p < kPcns; ++p) {
        v1::CommandResult out;
        ASSERT_TRUE(
            stub->RegisterPcn(Ctx().get(), PcnRegistration(p, Pcn(p), "Crash PCN", "QCC"), &out)
                .ok());
      }
    }
    ResolveInDoubt(stub.get(), &record);

    std::atomic<bool> dying{false};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        auto own = v1::CommandService::NewStub(channel);
        for (int i = 0;; ++i) {
          const v1::HireStaffRequest r = Hire(absl::StrCat("r", rounds, "-w", w, "-", i), w % kPcns);
          v1::CommandResult out;
          grpc::Status s = own->HireStaff(Ctx().get(), r, &out);
          std::lock_guard<std::mutex> lock(record.mu);
          if (s.ok()) {
            record.acknowledged[r.header().request_id()] = out.first_position();
            EXPECT_FALSE(out.deduplicated());
          } else {
            // Only the kill may fail a call; its outcome is unknown.
            EXPECT_TRUE(dying) << s.error_code() << " " << s.error_message();
            record.in_doubt[r.header().request_id()] = r;
            return;
          }
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(
        std::uniform_int_distribution<int>(150, 900)(random)));
    dying = true;
    EXPECT_EQ(arrsd.Stop(SIGKILL), 128 + SIGKILL);
    for (std::thread& t : writers) t.join();
  }
  ASSERT_GE(rounds, std::min(5, round_count)) << "too few rounds ran within the time bound";

  // Last start: resolve what was in doubt, write a little more, read the live projections.
  ASSERT_TRUE(arrsd.Start(data, tokens));
  auto channel = grpc::CreateChannel(arrsd.address(), grpc::InsecureChannelCredentials());
  auto commands = v1::CommandService::NewStub(channel);
  auto queries = v1::QueryService::NewStub(channel);
  ResolveInDoubt(commands.get(), &record);
  for (int i = 0; i < 10; ++i) {
    const v1::HireStaffRequest r = Hire(absl::StrCat("final-", i), i % kPcns);
    v1::CommandResult out;
    ASSERT_TRUE(commands->HireStaff(Ctx().get(), r, &out).ok());
    record.acknowledged[r.header().request_id()] = out.first_position();
  }
  v1::ListPcnsResponse listed;
  ASSERT_TRUE(queries->ListPcns(Ctx().get(), v1::ListPcnsRequest(), &listed).ok());
  const uint64_t head = listed.computed_at_position();
  auto serialize = [](const auto& w, const auto& b) { return absl::StrCat(w, "|", b); };
  const std::vector<std::string> live =
      Projections(head, [&](const v1::WorkforceRequest& w, const v1::BalanceRequest& b) {
        v1::Workforce workforce;
        v1::Balance balance;
        const grpc::Status got_workforce = queries->GetWorkforce(Ctx().get(), w, &workforce);
        EXPECT_TRUE(got_workforce.ok()) << w.pcn_code() << ": " << got_workforce.error_code()
                                        << " " << got_workforce.error_message();
        const grpc::Status got_balance = queries->GetBalance(Ctx().get(), b, &balance);
        EXPECT_TRUE(got_balance.ok()) << b.pcn_code() << ": " << got_balance.error_code() << " "
                                      << got_balance.error_message();
        return serialize(workforce.SerializeAsString(), balance.SerializeAsString());
      });
  EXPECT_EQ(arrsd.Stop(SIGTERM), 0);

  // A full rebuild from the data folder (not from the snapshot arrsd wrote as it stopped).
  engine::LedgerOptions full_rebuild;
  full_rebuild.restore_snapshot = false;
  full_rebuild.snapshot_on_close = false;
  absl::StatusOr<std::unique_ptr<engine::Ledger>> ledger = engine::Ledger::Open(data, full_rebuild);
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  store::EventLog& log = (*ledger)->log();
  ExpectExactlyTheAcknowledgedHires(log, record.acknowledged, head);
  if (::testing::Test::HasFatalFailure()) return;
  const std::vector<std::string> rebuilt =
      Projections(head, [&](const v1::WorkforceRequest& w, const v1::BalanceRequest& b) {
        absl::StatusOr<v1::Workforce> workforce = (*ledger)->GetWorkforce(w);
        absl::StatusOr<v1::Balance> balance = (*ledger)->GetBalance(b);
        EXPECT_TRUE(workforce.ok()) << workforce.status();
        EXPECT_TRUE(balance.ok()) << balance.status();
        if (!workforce.ok() || !balance.ok()) return std::string("not answered");
        return serialize(workforce->SerializeAsString(), balance->SerializeAsString());
      });
  // Compared PCN by PCN, naming only the sizes: the projections are megabytes of binary,
  // which EXPECT_EQ would print and diff line by line (a diff of two such values once
  // took the test process to 23 GB).
  ASSERT_EQ(live.size(), rebuilt.size());
  for (size_t p = 0; p < live.size(); ++p) {
    EXPECT_TRUE(live[p] == rebuilt[p])
        << "live projections of " << Pcn(static_cast<int>(p)) << " differ from a full rebuild ("
        << live[p].size() << " and " << rebuilt[p].size() << " bytes)";
  }
  const AcknowledgedOutcome o = CountAcknowledgedHires(log, record.acknowledged, {});
  int staff = 0;
  for (int p = 0; p < kPcns; ++p) {
    v1::WorkforceRequest w;
    w.set_pcn_code(Pcn(p));
    *w.mutable_as_of() = D(2021, 6, 1);
    staff += (*ledger)->GetWorkforce(w)->staff_size();
  }
  EXPECT_EQ(staff, static_cast<int>(record.acknowledged.size()));
  std::printf("[ crash ] rounds=%d acknowledged=%zu retried_deduplicated=%d head=%llu\n", rounds,
              record.acknowledged.size(), record.deduplicated_retries,
              static_cast<unsigned long long>(head));
  // One machine-readable line for scripts/soak.sh (one chain and one projection check,
  // after all rounds: the log is checked whole).
  std::printf(
      "[ crash-summary ] kind=sigkill rounds=%d acknowledged=%zu lost=%zu duplicated=%zu "
      "never_sent=%zu retried_deduplicated=%d chain_checks=1 chain_passed=%d "
      "projection_checks=1 projection_passed=%d seed=%u seconds=%.1f\n",
      rounds, o.acknowledged, o.lost, o.duplicated, o.never_sent, record.deduplicated_retries,
      o.chain_ok && o.head == head ? 1 : 0, live == rebuilt ? 1 : 0, seed,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  std::fflush(stdout);
  ledger->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace arrs::testing_support
