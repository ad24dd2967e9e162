// CommandRunner's per-stream queue: bounded (RESOURCE_EXHAUSTED naming the stream and the
// limit), and a long queue of commands that finish at once is run in a loop, not by
// recursion as deep as the queue.
#include "ledger/engine/command_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <deque>
#include <thread>

#include "absl/synchronization/notification.h"
#include "ledger/engine/ledger_state.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

class CommandRunnerTest : public LedgerFixture {
 protected:
  // Runs, on its own thread, a command on `stream` whose decision blocks until
  // `release_` is notified (and then refuses), so that the stream stays busy.
  void StartBlockingCommand(engine::CommandRunner& runner, const std::string& stream) {
    blocker_header_.set_request_id("blocker");
    blocker_ = std::thread([&runner, stream, this] {
      runner.Run(
          stream, blocker_header_, {}, "test",
          [this](const engine::DecideInput&) -> absl::StatusOr<domain::Events> {
            deciding_.Notify();
            release_.WaitForNotification();
            return absl::FailedPreconditionError("refused after the wait");
          },
          [](absl::StatusOr<v1::CommandResult>) {});
    });
    deciding_.WaitForNotification();
  }
  void TearDown() override {
    if (blocker_.joinable()) {
      if (!release_.HasBeenNotified()) release_.Notify();
      blocker_.join();
    }
    LedgerFixture::TearDown();
  }

  engine::LedgerState state_;
  v1::CommandHeader blocker_header_;
  absl::Notification deciding_;
  absl::Notification release_;
  std::thread blocker_;
};

TEST_F(CommandRunnerTest, AFullQueueRefusesTheNextCommandNamingTheStreamAndTheLimit) {
  engine::CommandRunner runner(ledger_->log(), state_, /*max_queued_per_stream=*/2);
  StartBlockingCommand(runner, "pcn/U10001");
  std::deque<v1::CommandHeader> headers;
  std::vector<absl::StatusOr<v1::CommandResult>> results(4);
  std::atomic<int> told{0};
  for (int i = 0; i < 4; ++i) {
    headers.emplace_back().set_request_id(absl::StrCat("queued-", i));
    runner.Run(
        "pcn/U10001", headers.back(), {}, "test",
        [](const engine::DecideInput&) -> absl::StatusOr<domain::Events> {
          return absl::InvalidArgumentError("refused by the test");
        },
        [&results, &told, i](absl::StatusOr<v1::CommandResult> result) {
          results[i] = std::move(result);
          ++told;
        });
  }
  // Two wait; the third and fourth are refused at once, before the stream is free.
  ASSERT_EQ(told.load(), 2);
  for (int i = 2; i < 4; ++i) {
    EXPECT_EQ(results[i].status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_THAT(std::string(results[i].status().message()), HasSubstr("pcn/U10001"));
    EXPECT_THAT(std::string(results[i].status().message()), HasSubstr("2 commands waiting"));
  }
  // Another stream is not held up by this one's queue.
  v1::CommandHeader other;
  other.set_request_id("other-stream");
  absl::StatusOr<v1::CommandResult> elsewhere = runner.RunAndWait(
      "pcn/U10002", other, {}, "test",
      [](const engine::DecideInput&) -> absl::StatusOr<domain::Events> {
        return absl::InvalidArgumentError("refused by the test");
      });
  EXPECT_EQ(elsewhere.status().code(), absl::StatusCode::kInvalidArgument);

  release_.Notify();
  blocker_.join();
  ASSERT_EQ(told.load(), 4);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(results[i].status().code(), absl::StatusCode::kInvalidArgument);
  }
}

// Commands that finish at once (refused here) each used to start the next from inside
// the previous one's completion: 200,000 of them overflowed the stack.
TEST_F(CommandRunnerTest, ALongQueueOfRefusedCommandsRunsWithoutDeepRecursion) {
  constexpr int kQueued = 200000;
  engine::CommandRunner runner(ledger_->log(), state_, kQueued);
  StartBlockingCommand(runner, "pcn/U10001");
  std::vector<v1::CommandHeader> headers(kQueued);
  std::atomic<int> refused{0};
  for (int i = 0; i < kQueued; ++i) {
    headers[i].set_request_id(absl::StrCat("queued-", i));
    runner.Run(
        "pcn/U10001", headers[i], {}, "test",
        [](const engine::DecideInput&) -> absl::StatusOr<domain::Events> {
          return absl::InvalidArgumentError("refused by the test");
        },
        [&refused](absl::StatusOr<v1::CommandResult> result) {
          if (absl::IsInvalidArgument(result.status())) ++refused;
        });
  }
  release_.Notify();
  blocker_.join();
  EXPECT_EQ(refused.load(), kQueued);
}

}  // namespace
}  // namespace arrs::testing_support
