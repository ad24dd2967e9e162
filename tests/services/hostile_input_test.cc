// Requests an attacker would send (issue 22): unknown protobuf fields at any depth, an
// event larger than the log's bound, and the same against the real arrsd process, after
// which the audit trail must still be readable.
#include <grpcpp/grpcpp.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "arrs/v1/service.grpc.pb.h"
#include "ledger/store/append_validation.h"
#include "services/auth.h"
#include "services/request_checks.h"
#include "tests/services/arrsd_process.h"
#include "tests/services/server_fixture.h"
#include "tests/testing/hire_request.h"
#include "tests/testing/requests.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

// A hire of staff "p1" on PCN U40001, and a start of that member with an unknown field 99
// of `blob_bytes` bytes (an escape sequence and then 'x's) inside `started`.
v1::StaffChangeRequest StartWithHiddenField(const std::string& request_id, size_t blob_bytes) {
  v1::StaffChangeRequest r;
  r.mutable_header()->set_request_id(request_id);
  r.set_pcn_code("U40001");
  r.set_staff_id("p1");
  *r.mutable_effective_date() = Day(2023, 5, 1);
  v1::StaffStarted* started = r.mutable_started();
  started->set_staff_id("p1");
  std::string blob = "\x1b]0;owned\x07";
  blob.resize(blob_bytes, 'x');
  started->GetReflection()->MutableUnknownFields(started)->AddLengthDelimited(99, blob);
  return r;
}

class HostileInputTest : public ServerFixture {
 protected:
  void HireP1() {
    const v1::HireStaffRequest r =
        WholeTimeHire(NextId(), "U40001", "p1", v1::PARAMEDIC, v1::MEMBER_PRACTICES_JOINTLY,
                      Day(2023, 4, 1), 4000000);
    v1::CommandResult out;
    grpc::Status s = commands_->HireStaff(Ctx(kPcnA).get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
};

TEST(RequestChecksTest, NamesThePathAndTheFieldNumber) {
  v1::StaffChangeRequest r = StartWithHiddenField("x", 32);
  absl::Status s = services::CheckNoUnknownFields(r);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("StaffChangeRequest.started"));
  EXPECT_THAT(s.message(), HasSubstr("99"));

  v1::RegisterPcnRequest reg;
  reg.add_member_practices()->set_ods_code("A00001");
  reg.add_member_practices()->set_ods_code("A00002");
  v1::Practice* second = reg.mutable_member_practices(1);
  second->GetReflection()->MutableUnknownFields(second)->AddVarint(7, 1);
  s = services::CheckNoUnknownFields(reg);
  EXPECT_THAT(s.message(), HasSubstr("RegisterPcnRequest.member_practices[1]"));

  v1::RegisterPcnRequest top;
  top.GetReflection()->MutableUnknownFields(&top)->AddFixed32(1234, 5);
  EXPECT_THAT(services::CheckNoUnknownFields(top).message(), HasSubstr("1234"));

  v1::StaffChangeRequest clean = StartWithHiddenField("x", 0);
  clean.mutable_started()->GetReflection()->MutableUnknownFields(clean.mutable_started())->Clear();
  EXPECT_TRUE(services::CheckNoUnknownFields(clean).ok());
}

TEST_F(HostileInputTest, UnknownFieldInsideANestedMessageIsRefusedAndNothingIsStored) {
  RegisterTwoPcns();
  HireP1();
  const uint64_t head = Head();
  v1::CommandResult out;
  grpc::Status s =
      commands_->ChangeStaff(Ctx(kPcnA).get(), StartWithHiddenField(NextId(), 5000), &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("StaffChangeRequest.started"));
  EXPECT_THAT(s.error_message(), HasSubstr("99"));
  EXPECT_EQ(Head(), head);

  // Unknown fields on a query are refused too.
  v1::AuditRequest audit;
  audit.set_pcn_code("U40001");
  audit.GetReflection()->MutableUnknownFields(&audit)->AddVarint(55, 1);
  v1::AuditTrail trail;
  s = queries_->GetAuditTrail(Ctx(kPcnA).get(), audit, &trail);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("55"));
}

TEST_F(HostileInputTest, EveryRepeatedFieldIsBounded) {
  RegisterTwoPcns();
  const uint64_t head = Head();
  v1::CommandResult out;
  for (int practices : {101, 100000}) {
    v1::RegisterPcnRequest r = RegisterRequest("U40007", "QAA");
    for (int i = 0; i < practices; ++i) {
      v1::Practice* p = r.add_member_practices();
      p->set_ods_code(absl::StrFormat("P%06d", i));
      p->set_name("Surgery");
    }
    grpc::Status s = commands_->RegisterPcn(Ctx(kCommA).get(), r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << practices;
    EXPECT_THAT(s.error_message(),
                HasSubstr(absl::StrCat("member_practices has ", practices,
                                       " entries; the limit is 100")));
  }
  auto b = PcnRequest<v1::RecordBaselineRequest>("U40001", NextId());
  for (int i = 0; i < 65; ++i) b.add_roles()->set_role(v1::PARAMEDIC);
  grpc::Status s = commands_->RecordBaseline(Ctx(kCommA).get(), b, &out);
  EXPECT_THAT(s.error_message(), HasSubstr("roles has 65 entries; the limit is 64"));
  std::vector<std::pair<std::string, int64_t>> lines;  // no costs: refused before that
  for (int i = 1; i <= 501; ++i) lines.emplace_back(absl::StrCat("s", i), 0);
  const v1::SubmitClaimRequest c = ValidClaim("U40001", "big", Day(2024, 5, 1), lines, NextId());
  s = commands_->SubmitClaim(Ctx(kPcnA).get(), c, &out);
  EXPECT_THAT(s.error_message(), HasSubstr("lines has 501 entries; the limit is 500"));
  EXPECT_EQ(Head(), head);
}

TEST(EventSizeBoundTest, AnEventAboveTheBoundIsRefusedNamingSizeAndLimit) {
  store::LogOptions options;
  EXPECT_EQ(options.max_event_bytes, store::kDefaultMaxEventBytes);
  EXPECT_LT(store::kDefaultMaxEventBytes, size_t{4} << 20);
  store::AppendRequest request;
  request.stream = "pcn/U40001";
  request.request_id = "big";
  v1::Event event;
  *event.mutable_effective_date() = Day(2023, 4, 1);
  event.set_reason(std::string(store::kDefaultMaxEventBytes, 'r'));
  event.mutable_payload()->mutable_staff_started()->set_staff_id("p1");
  request.events.push_back(event);
  absl::Status s = store::ValidateAppendRequest(request, options);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("events[0]"));
  EXPECT_THAT(s.message(), HasSubstr(absl::StrCat(store::kDefaultMaxEventBytes)));
  EXPECT_THAT(s.message(), HasSubstr(absl::StrCat(event.ByteSizeLong())));

  request.events[0].set_reason("fits");
  EXPECT_TRUE(store::ValidateAppendRequest(request, options).ok());
}

// The attack of issue 22 High 1 against the real server: a ~16 MiB ChangeStaff from a PCN
// token with field 99 inside `started`. Refused, nothing written, and the PCN's audit
// trail (and the log's verification) still work for an auditor afterwards.
TEST(HostileInputProcessTest, SixteenMebibyteHiddenFieldIsRefusedAndTheAuditTrailStillWorks) {
  const testing_support::TempDir temp("hostile");
  const std::filesystem::path& dir = temp.path();
  const std::string tokens = (dir / "tokens.txt").string();
  std::ofstream(tokens) << services::TokenHash("hostile-admin-token") << " admin * root\n"
                        << services::TokenHash("hostile-auditor-token") << " auditor * nao\n"
                        << services::TokenHash("hostile-pcn-token") << " pcn U40001 u1\n";
  ArrsdProcess arrsd;
  ASSERT_TRUE(arrsd.Start((dir / "data").string(), tokens));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  args.SetMaxSendMessageSize(64 << 20);
  auto channel =
      grpc::CreateCustomChannel(arrsd.address(), grpc::InsecureChannelCredentials(), args);
  auto commands = v1::CommandService::NewStub(channel);
  auto queries = v1::QueryService::NewStub(channel);
  auto ctx = [](const std::string& token) {
    auto c = std::make_unique<grpc::ClientContext>();
    c->AddMetadata("authorization", "Bearer " + token);
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    return c;
  };
  v1::CommandResult out;
  v1::RegisterPcnRequest reg;
  reg.mutable_header()->set_request_id("reg");
  reg.set_pcn_code("U40001");
  reg.set_name("Hostile");
  reg.set_icb_code("QAA");
  *reg.mutable_effective_date() = Day(2019, 7, 1);
  ASSERT_TRUE(commands->RegisterPcn(ctx("hostile-admin-token").get(), reg, &out).ok());
  v1::HireStaffRequest hire;
  hire.mutable_header()->set_request_id("hire");
  hire.set_pcn_code("U40001");
  hire.set_staff_id("p1");
  hire.set_role(v1::PARAMEDIC);
  hire.set_employment_model(v1::MEMBER_PRACTICES_JOINTLY);
  *hire.mutable_hire_date() = Day(2023, 4, 1);
  hire.set_wte_bp(10000);
  hire.set_annual_salary_pence(4000000);
  ASSERT_TRUE(commands->HireStaff(ctx("hostile-pcn-token").get(), hire, &out).ok());

  v1::StaffChangeRequest attack = StartWithHiddenField("attack", (16 << 20) - 4096);
  ASSERT_GT(attack.ByteSizeLong(), size_t{16 << 20} - 8192);
  ASSERT_LT(attack.ByteSizeLong(), size_t{16 << 20});
  grpc::Status s = commands->ChangeStaff(ctx("hostile-pcn-token").get(), attack, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("started"));

  v1::AuditRequest audit;
  audit.set_pcn_code("U40001");
  v1::AuditTrail trail;
  s = queries->GetAuditTrail(ctx("hostile-auditor-token").get(), audit, &trail);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(trail.entries_size(), 2);
  EXPECT_EQ(arrsd.Stop(SIGTERM), 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace arrs::testing_support
