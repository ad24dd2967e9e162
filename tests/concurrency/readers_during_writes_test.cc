// Queries running while commands commit: the Ledger's in-memory projections are updated on
// the log's appender thread (commit listener) while other threads read them. Readers must
// see consistent, never-receding states, and the end state must match what was
// acknowledged. No gRPC here, so scripts/sanitize.sh also runs this under ThreadSanitizer.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

constexpr int kPcns = 3;
constexpr int kWriters = 4;
constexpr int kHiresPerWriter = 40;
constexpr int kReaders = 3;

std::string Pcn(int p) { return absl::StrCat("U7000", p); }

class ReadersDuringWritesTest : public LedgerFixture {};

TEST_F(ReadersDuringWritesTest, QueriesSeeMonotonicConsistentStatesWhileCommandsCommit) {
  for (int p = 0; p < kPcns; ++p) Register(Pcn(p), p % 2 ? "QAA" : "QBB", 40000, 90000000);
  const uint64_t start = Head();

  std::atomic<int> writers_done{0};
  std::atomic<int> failures{0};
  std::mutex mu;
  std::map<std::string, uint64_t> acknowledged;  // staff id -> position
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < kHiresPerWriter; ++i) {
        const std::string staff = absl::StrCat("w", w, "-", i);
        absl::StatusOr<v1::CommandResult> r =
            Hire(Pcn((w + i) % kPcns), staff, v1::CARE_COORDINATOR, D(2023, 4, 1), 1000);
        if (!r.ok()) {
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        acknowledged[staff] = r->first_position();
      }
      ++writers_done;
    });
  }
  std::atomic<int> reads{0};
  for (int q = 0; q < kReaders; ++q) {
    threads.emplace_back([&, q] {
      std::map<std::string, uint64_t> last_position;
      std::map<std::string, int> last_staff;
      while (writers_done.load() < kWriters) {
        const std::string pcn = Pcn(q % kPcns);
        v1::WorkforceRequest w;
        w.set_pcn_code(pcn);
        *w.mutable_as_of() = D(2023, 6, 1);
        absl::StatusOr<v1::Workforce> workforce = ledger_->GetWorkforce(w);
        if (!workforce.ok()) {
          ++failures;
          continue;
        }
        // The state a reader sees never goes back: neither its position nor staff in post
        // (hires only are committed here).
        EXPECT_GE(workforce->computed_at_position(), last_position[pcn]);
        EXPECT_GE(workforce->staff_size(), last_staff[pcn]);
        last_position[pcn] = workforce->computed_at_position();
        last_staff[pcn] = workforce->staff_size();

        v1::BalanceRequest b;
        b.set_pcn_code(pcn);
        b.set_financial_year(2023);
        if (!ledger_->GetBalance(b).ok()) ++failures;
        // A consistent older state: as the log stood at `start`, nobody was hired yet.
        w.mutable_known_at()->set_position(start);
        absl::StatusOr<v1::Workforce> before = ledger_->GetWorkforce(w);
        if (!before.ok() || before->staff_size() != 0) ++failures;
        if (!ledger_->ListPcns(v1::ListPcnsRequest()).ok()) ++failures;
        v1::AuditRequest a;
        a.set_pcn_code(pcn);
        if (!ledger_->GetAuditTrail(a).ok()) ++failures;
        ++reads;
      }
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(reads.load(), 0);
  ASSERT_EQ(acknowledged.size(), static_cast<size_t>(kWriters * kHiresPerWriter));
  EXPECT_EQ(Head(), start + kWriters * kHiresPerWriter);
  int staff = 0;
  for (int p = 0; p < kPcns; ++p) {
    v1::WorkforceRequest w;
    w.set_pcn_code(Pcn(p));
    *w.mutable_as_of() = D(2023, 6, 1);
    staff += ledger_->GetWorkforce(w)->staff_size();
  }
  EXPECT_EQ(staff, kWriters * kHiresPerWriter);
  for (const auto& [id, position] : acknowledged) {
    EXPECT_EQ(ledger_->log().Get(position)->payload().staff_hired().staff_id(), id);
  }
  const store::VerifyReport report = ledger_->log().Verify();
  EXPECT_TRUE(report.ok) << report.problem;
}

}  // namespace
}  // namespace arrs::testing_support
