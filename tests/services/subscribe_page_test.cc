// Subscribe with a page budget so small that every page is trimmed to its first event:
// catch-up past several 256-event pages still delivers every event once, in order.
#include <gtest/gtest.h>

#include "tests/services/server_fixture.h"

namespace arrs::testing_support {
namespace {

class SubscribePageTest : public ServerFixture {
 protected:
  SubscribePageTest() { server_options_.subscriber_page_bytes = 1; }
};

TEST_F(SubscribePageTest, TrimmedPagesDeliverEveryEventOnceInOrder) {
  RegisterTwoPcns();
  for (int i = 0; i < 600; ++i) {
    v1::HireStaffRequest r;
    r.mutable_header()->set_request_id(absl::StrCat("page-", i));
    r.set_pcn_code(i % 2 ? "U40001" : "U40002");
    r.set_staff_id(absl::StrCat("p", i));
    r.set_role(v1::CARE_COORDINATOR);
    r.set_employment_model(v1::LEAD_PRACTICE);
    *r.mutable_hire_date() = Day(2023, 4, 1);
    r.set_wte_bp(10000);
    r.set_annual_salary_pence(2600000);
    v1::CommandResult out;
    ASSERT_TRUE(commands_->HireStaff(Ctx(kAdmin).get(), r, &out).ok());
  }
  const uint64_t head = Head();
  ASSERT_GT(head, 512u);
  auto context = Ctx(kAuditor);
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::SubscribeRequest request;
  request.set_from_position(1);
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader = admin_->Subscribe(context.get(), request);
  v1::Event event;
  uint64_t next = 1;
  while (next <= head && reader->Read(&event)) {
    ASSERT_EQ(event.position(), next) << "gap or duplicate";
    ++next;
  }
  EXPECT_EQ(next, head + 1);
  context->TryCancel();
  while (reader->Read(&event)) {
  }
}

}  // namespace
}  // namespace arrs::testing_support
