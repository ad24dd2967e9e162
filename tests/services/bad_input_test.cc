// Bad inputs of each field class (empty, negative, too long, unknown enum, impossible
// date) are INVALID_ARGUMENT naming the field, and leave the log head where it was.
#include <gtest/gtest.h>

#include <functional>

#include "tests/services/server_fixture.h"
#include "tests/testing/hire_request.h"

namespace arrs::testing_support {
namespace {

class BadInputTest : public ServerFixture {
 protected:
  v1::HireStaffRequest GoodHire() {
    return WholeTimeHire(NextId(), "U40001", "new-1", v1::PARAMEDIC, v1::MEMBER_PRACTICES_JOINTLY,
                         Day(2022, 4, 1), 4000000);
  }
};

TEST_F(BadInputTest, EachFieldClassIsInvalidArgumentAndWritesNothing) {
  RegisterTwoPcns();
  struct Case {
    std::string name;
    std::string field;  // must appear in the message
    std::function<void(v1::HireStaffRequest&)> spoil;
  };
  const std::vector<Case> cases = {
      {"empty id", "staff_id", [](auto& r) { r.set_staff_id(""); }},
      {"empty request id", "request_id", [](auto& r) { r.mutable_header()->set_request_id(""); }},
      {"negative salary", "annual_salary_pence", [](auto& r) { r.set_annual_salary_pence(-100); }},
      {"negative on-costs", "annual_on_costs_pence", [](auto& r) { r.set_annual_on_costs_pence(-1); }},
      {"negative wte", "wte_bp", [](auto& r) { r.set_wte_bp(-1); }},
      {"too long id", "staff_id", [](auto& r) { r.set_staff_id(std::string(500, 'x')); }},
      {"too long name", "display_name", [](auto& r) { r.set_display_name(std::string(5000, 'n')); }},
      {"too long request id", "request_id",
       [](auto& r) { r.mutable_header()->set_request_id(std::string(201, 'r')); }},
      {"unknown role", "role", [](auto& r) { r.set_role(static_cast<v1::Role>(77)); }},
      {"unknown employment model", "employment_model",
       [](auto& r) { r.set_employment_model(static_cast<v1::EmploymentModel>(9)); }},
      {"impossible date", "hire_date",
       [](auto& r) {
         r.mutable_hire_date()->set_month(13);
       }},
      {"31 April", "hire_date",
       [](auto& r) {
         r.mutable_hire_date()->set_month(4);
         r.mutable_hire_date()->set_day(31);
       }},
      {"bad pcn code", "pcn_code", [](auto& r) { r.set_pcn_code("not a code"); }},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    v1::HireStaffRequest r = GoodHire();
    c.spoil(r);
    const uint64_t head = Head();
    v1::CommandResult out;
    grpc::Status status = commands_->HireStaff(Ctx(kAdmin).get(), r, &out);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_NE(status.error_message().find(c.field), std::string::npos) << status.error_message();
    EXPECT_EQ(Head(), head);
  }
  v1::CommandResult out;
  EXPECT_TRUE(commands_->HireStaff(Ctx(kAdmin).get(), GoodHire(), &out).ok());
}

TEST_F(BadInputTest, QueriesRefuseBadArguments) {
  RegisterTwoPcns();
  v1::BalanceRequest balance;
  balance.set_pcn_code("U40001");
  balance.set_financial_year(1800);
  v1::Balance b;
  grpc::Status s = queries_->GetBalance(Ctx(kAuditor).get(), balance, &b);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("financial_year"), std::string::npos);

  balance.set_financial_year(2023);
  balance.mutable_known_at()->set_position(Head() + 100);
  s = queries_->GetBalance(Ctx(kAuditor).get(), balance, &b);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("known_at.position"), std::string::npos);

  v1::CapUsageRequest caps;
  caps.set_pcn_code("U40001");
  caps.mutable_as_of()->set_year(2023);
  caps.mutable_as_of()->set_month(2);
  caps.mutable_as_of()->set_day(29);
  v1::CapUsage c;
  s = queries_->GetCapUsage(Ctx(kAuditor).get(), caps, &c);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("as_of is not a real date: 2023-02-29"), std::string::npos)
      << s.error_message();

  v1::WorkforceRequest workforce;
  workforce.set_pcn_code("U49999");
  *workforce.mutable_as_of() = Day(2023, 1, 1);
  v1::Workforce w;
  s = queries_->GetWorkforce(Ctx(kAuditor).get(), workforce, &w);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(BadInputTest, OversizedMessageIsRefused) {
  v1::RegisterPcnRequest r = RegisterRequest("U40005", "QAA");
  r.set_name(std::string(17 << 20, 'x'));  // above the 16 MiB limit
  v1::CommandResult out;
  const uint64_t head = Head();
  grpc::Status s = commands_->RegisterPcn(Ctx(kAdmin).get(), r, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << s.error_message();
  EXPECT_EQ(Head(), head);
}

}  // namespace
}  // namespace arrs::testing_support
