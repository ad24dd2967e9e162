// Ledger::CommandAsync: the same outcome as the blocking commands, told through a
// callback; refusals written nowhere; commands on one stream run in order.
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::engine {
namespace {

using testing_support::D;

class AsyncCommandsTest : public testing_support::LedgerFixture {
 protected:
  // Runs the command without blocking and waits for its callback.
  template <typename Request>
  absl::StatusOr<v1::CommandResult> RunAsync(const Request& r, bool* called_inline = nullptr) {
    absl::StatusOr<v1::CommandResult> out = absl::UnknownError("not called");
    absl::Notification called;
    ledger_->CommandAsync("test:async", r, [&](absl::StatusOr<v1::CommandResult> result) {
      out = std::move(result);
      called.Notify();
    });
    if (called_inline != nullptr) *called_inline = called.HasBeenNotified();
    called.WaitForNotification();
    return out;
  }

  v1::HireStaffRequest HireRequest(const std::string& pcn, const std::string& staff) {
    return testing_support::ValidHire(pcn, staff, NextId());
  }
};

TEST_F(AsyncCommandsTest, ClaimCycleGivesTheSameBalanceAsBlockingCommands) {
  Register("U00001", "QWE", 50000, 20000000);
  Register("U00002", "QWE", 50000, 20000000);
  // U00001 by blocking commands.
  ASSERT_OK(Hire("U00001", "S1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp));
  ASSERT_OK(Claim("U00001", "C1", D(2023, 5, 1), {{"S1", 520000}}));
  absl::StatusOr<v1::CommandResult> blocking = Assess("U00001", "C1");
  ASSERT_OK(blocking);

  // U00002 the same, without blocking.
  absl::StatusOr<v1::CommandResult> hired = RunAsync(HireRequest("U00002", "S1"));
  ASSERT_OK(hired);
  EXPECT_EQ(hired->last_position(), Head());
  v1::SubmitClaimRequest submit;
  *submit.mutable_header() = Header();
  submit.set_pcn_code("U00002");
  submit.set_claim_id("C1");
  *submit.mutable_month() = D(2023, 5, 1);
  v1::ClaimLine* line = submit.add_lines();
  line->set_line_no(1);
  line->set_staff_id("S1");
  line->set_actual_cost_pence(520000);
  ASSERT_OK(RunAsync(submit));
  v1::AssessClaimRequest assess;
  *assess.mutable_header() = Header();
  assess.set_pcn_code("U00002");
  assess.set_claim_id("C1");
  absl::StatusOr<v1::CommandResult> assessed = RunAsync(assess);
  ASSERT_OK(assessed);

  // The caller is told the assessment with its explanation; the log keeps figures only.
  ASSERT_EQ(assessed->assessment().lines_size(), 1);
  EXPECT_EQ(assessed->assessment().lines(0).approved_pence(),
            blocking->assessment().lines(0).approved_pence());
  EXPECT_FALSE(assessed->assessment().lines(0).explanation().empty());
  absl::StatusOr<v1::Event> stored = ledger_->log().Get(assessed->last_position());
  ASSERT_OK(stored);
  EXPECT_EQ(stored->actor(), "test:async");
  EXPECT_TRUE(stored->payload().claim_assessed().lines(0).explanation().empty());

  const v1::Balance a = Balance("U00001", 2023, D(2024, 3, 31));
  const v1::Balance b = Balance("U00002", 2023, D(2024, 3, 31));
  EXPECT_GT(a.approved_pence(), 0);
  EXPECT_EQ(a.approved_pence(), b.approved_pence());
  EXPECT_EQ(a.remaining_pence(), b.remaining_pence());
}

TEST_F(AsyncCommandsTest, RefusalsAreToldAtOnceAndWriteNothing) {
  Register("U00001", "QWE", 50000);
  const uint64_t head = Head();
  bool inline_call = false;
  absl::StatusOr<v1::CommandResult> refused =
      RunAsync(HireRequest("U99999", "S1"), &inline_call);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kNotFound) << refused.status();
  EXPECT_NE(refused.status().message().find("U99999"), std::string::npos);
  EXPECT_TRUE(inline_call);

  v1::CorrectRequest correct;
  *correct.mutable_header() = Header("no position");
  correct.set_pcn_code("U00001");
  absl::StatusOr<v1::CommandResult> bad = RunAsync(correct);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << bad.status();
  EXPECT_EQ(Head(), head);

  // A request id served before: its first result, nothing new.
  v1::HireStaffRequest hire = HireRequest("U00001", "S1");
  absl::StatusOr<v1::CommandResult> first = RunAsync(hire);
  ASSERT_OK(first);
  absl::StatusOr<v1::CommandResult> again = RunAsync(hire);
  ASSERT_OK(again);
  EXPECT_TRUE(again->deduplicated());
  EXPECT_EQ(again->first_position(), first->first_position());
  EXPECT_EQ(Head(), head + 1);
}

// Two threads hire into one PCN without blocking, each waiting for its previous command,
// while a third hires there with blocking commands: they share the stream's queue, none
// fails on a version, and every hire lands once.
TEST_F(AsyncCommandsTest, BlockingAndAsyncCommandsOnOneStreamShareItsQueue) {
  Register("U00001", "QWE", 50000);
  constexpr int kPerThread = 15;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        absl::StatusOr<v1::CommandResult> r =
            RunAsync(HireRequest("U00001", absl::StrCat("A", t, "-", i)));
        if (!r.ok()) {
          ++failures;
          ADD_FAILURE() << r.status();
        }
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < kPerThread; ++i) {
      absl::StatusOr<v1::CommandResult> r =
          Hire("U00001", absl::StrCat("B-", i), v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp);
      if (!r.ok()) {
        ++failures;
        ADD_FAILURE() << r.status();
      }
    }
  });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  v1::WorkforceRequest w;
  w.set_pcn_code("U00001");
  *w.mutable_as_of() = D(2023, 6, 1);
  absl::StatusOr<v1::Workforce> workforce = ledger_->GetWorkforce(w);
  ASSERT_OK(workforce);
  EXPECT_EQ(workforce->staff_size(), 3 * kPerThread);
  EXPECT_TRUE(ledger_->log().Verify().ok);
}

// Many commands on one PCN in flight at once: each is decided after the one before it is
// synced, so none fails on a version and they land in the order they were sent.
TEST_F(AsyncCommandsTest, CommandsOnOneStreamRunInTheOrderSent) {
  Register("U00001", "QWE", 50000);
  Register("U00002", "QWE", 50000);
  constexpr int kCommands = 40;
  std::vector<v1::HireStaffRequest> requests;
  for (int i = 0; i < kCommands; ++i) {
    requests.push_back(HireRequest(i % 4 == 3 ? "U00002" : "U00001", absl::StrCat("S", i)));
  }
  absl::Mutex mu;
  std::vector<absl::StatusOr<v1::CommandResult>> results(kCommands,
                                                         absl::UnknownError("not called"));
  int called = 0;
  for (int i = 0; i < kCommands; ++i) {
    ledger_->CommandAsync("test:async", requests[i],
                          [&, i](absl::StatusOr<v1::CommandResult> result) {
                            absl::MutexLock lock(&mu);
                            results[i] = std::move(result);
                            ++called;
                          });
  }
  {
    absl::MutexLock lock(&mu);
    auto all = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) { return called == kCommands; };
    mu.Await(absl::Condition(&all));
  }
  uint64_t last_u1 = 0, last_u2 = 0;
  for (int i = 0; i < kCommands; ++i) {
    ASSERT_TRUE(results[i].ok()) << "command " << i << ": " << results[i].status();
    uint64_t& last = requests[i].pcn_code() == "U00001" ? last_u1 : last_u2;
    EXPECT_GT(results[i]->stream_version(), last) << "command " << i << " overtook";
    last = results[i]->stream_version();
  }
  v1::WorkforceRequest w;
  w.set_pcn_code("U00001");
  *w.mutable_as_of() = D(2023, 6, 1);
  EXPECT_EQ(ledger_->GetWorkforce(w)->staff_size(), 30);
}

}  // namespace
}  // namespace arrs::engine
