// Subscribe: catch-up from position 1 and then live events while several writers
// append concurrently: every event exactly once, in position order.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/services/server_fixture.h"
#include "tests/testing/hire_request.h"

namespace arrs::testing_support {
namespace {

class SubscribeTest : public ServerFixture {};

TEST_F(SubscribeTest, CatchUpThenLiveWithConcurrentWritersDeliversEachEventOnceInOrder) {
  RegisterTwoPcns();
  constexpr int kWriters = 4;
  constexpr int kHiresPerWriter = 40;
  const uint64_t expected_last = Head() + kWriters * kHiresPerWriter;

  v1::SubscribeRequest request;
  request.set_from_position(1);
  auto context = Ctx(kAuditor);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader = admin_->Subscribe(context.get(), request);

  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([this, w] {
      auto stub = v1::CommandService::NewStub(channel_);
      for (int i = 0; i < kHiresPerWriter; ++i) {
        const v1::HireStaffRequest r =
            WholeTimeHire(absl::StrCat("sub-", w, "-", i), w % 2 ? "U40001" : "U40002",
                          absl::StrCat("w", w, "-", i), v1::CARE_COORDINATOR, v1::LEAD_PRACTICE,
                          Day(2023, 4, 1), 2600000);
        v1::CommandResult out;
        grpc::Status s = stub->HireStaff(Ctx(kAdmin).get(), r, &out);
        EXPECT_TRUE(s.ok()) << s.error_message();
      }
    });
  }
  uint64_t next = 1;
  v1::Event event;
  while (next <= expected_last && reader->Read(&event)) {
    ASSERT_EQ(event.position(), next) << "gap or duplicate";
    ++next;
  }
  for (std::thread& t : writers) t.join();
  EXPECT_EQ(next, expected_last + 1);
  EXPECT_EQ(Head(), expected_last);
  context->TryCancel();
  while (reader->Read(&event)) {
  }
}

TEST_F(SubscribeTest, SubscriptionEndsWhenTheServerShutsDown) {
  auto context = Ctx(kAuditor);
  v1::SubscribeRequest request;
  request.set_from_position(1);
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader = admin_->Subscribe(context.get(), request);
  v1::Event event;
  for (uint64_t i = 1; i <= Head(); ++i) ASSERT_TRUE(reader->Read(&event));
  std::thread stopper([this] { server_->Shutdown(absl::Seconds(5)); });
  while (reader->Read(&event)) {
  }
  const grpc::Status status = reader->Finish();
  stopper.join();
  EXPECT_FALSE(status.ok());
}

}  // namespace
}  // namespace arrs::testing_support
