// The JSON API over HTTP (services/http): every route answers as its gRPC method does,
// for every principal; bad bodies, unknown fields, oversize bodies, wrong methods and
// wrong routes are clear JSON errors that write nothing; the console's static files and
// the API carry the security headers; /healthz and /readyz answer.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>
#include <fstream>
#include <future>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/http/http_status.h"
#include "tests/services/http_client_fixture.h"
#include "tests/services/server_fixture.h"

namespace arrs::testing_support {
namespace {

using google::protobuf::util::JsonStringToMessage;

constexpr char kJson[] = "application/json";

class HttpApiTest : public WithHttpClient<ServerFixture> {
 protected:
  void SetUp() override {
    web_root_ = temp_.path() / "web";
    std::filesystem::create_directories(web_root_ / "js");
    std::ofstream(web_root_ / "index.html") << "<!doctype html><title>console</title>";
    std::ofstream(web_root_ / "js" / "app.js") << "export const ok = true;\n";
    server_options_.web_root = web_root_.string();
    server_options_.max_message_bytes = 4 << 20;
    WithHttpClient::SetUp();
  }

  httplib::Headers Auth(const std::string& token) {
    if (token.empty()) return {};
    return {{"Authorization", absl::StrCat("Bearer ", token)}};
  }

  httplib::Result Post(const std::string& route, const std::string& body,
                       const std::string& token) {
    return client_->Post(absl::StrCat("/api/v1/", route).c_str(), Auth(token), body, kJson);
  }

  // The gRPC status of `route` called with an empty request, over the network channel.
  grpc::Status GrpcEmptyCall(const std::string& route, const std::string& token) {
    grpc::GenericStub stub(channel_);
    std::unique_ptr<grpc::ClientContext> context = Ctx(token);
    grpc::ByteBuffer request;  // an empty message is zero bytes
    grpc::Slice empty("");
    request = grpc::ByteBuffer(&empty, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(context.get(), absl::StrCat("/arrs.v1.", route), grpc::StubOptions(),
                   &request, &response, [&](grpc::Status s) { done.set_value(s); });
    return done.get_future().get();
  }

  static std::string CodeOf(const std::string& json) {
    google::protobuf::Struct body;
    if (!JsonStringToMessage(json, &body).ok()) return "<not JSON: " + json + ">";
    auto it = body.fields().find("code");
    return it == body.fields().end() ? "<no code>" : it->second.string_value();
  }

  std::filesystem::path web_root_;
};

const std::vector<std::string>& Routes() {
  static const std::vector<std::string> routes = {
      "QueryService/GetBalance",       "QueryService/GetCapUsage",
      "QueryService/GetWorkforce",     "QueryService/GetAuditTrail",
      "QueryService/GetRegionSummary", "QueryService/ExplainClaim",
      "QueryService/GetRules",         "QueryService/GetRulesCoverage",
      "QueryService/ListPcns",         "QueryService/GetArrears",
      "QueryService/WhoAmI",           "QueryService/ListClaims",
      "CommandService/RegisterPcn",
      "CommandService/RecordListSize", "CommandService/RecordBaseline",
      "CommandService/SetEntitlement", "CommandService/HireStaff",
      "CommandService/ChangeStaff",    "CommandService/SubmitClaim",
      "CommandService/AssessClaim",    "CommandService/ReduceClaimLine",
      "CommandService/PayClaim",       "CommandService/Correct",
      "CommandService/PublishRules",   "CommandService/RecordLondonZone",
      "CommandService/PayArrears",     "CommandService/RecoverOverpayment"};
  return routes;
}

TEST_F(HttpApiTest, EveryRouteAnswersEveryCallerAsGrpcDoesAndWritesNothingForAnEmptyRequest) {
  RegisterTwoPcns();
  const uint64_t head = Head();
  const std::vector<std::string> tokens = {kAdmin, kAuditor, kCommA, kCommB, kPcnA, kPcnB,
                                           "", "no-such-token-at-all"};
  for (const std::string& route : Routes()) {
    for (const std::string& token : tokens) {
      SCOPED_TRACE(absl::StrCat(route, " as '", token, "'"));
      const grpc::Status expected = GrpcEmptyCall(route, token);
      httplib::Result got = Post(route, "{}", token);
      ASSERT_TRUE(got) << httplib::to_string(got.error());
      const absl::StatusCode code = static_cast<absl::StatusCode>(expected.error_code());
      EXPECT_EQ(got->status, services::http::HttpStatusFor(code)) << got->body;
      if (!expected.ok()) {
        EXPECT_EQ(CodeOf(got->body), absl::StatusCodeToString(code)) << got->body;
        EXPECT_TRUE(absl::StrContains(got->body, "\"message\"")) << got->body;
      }
      EXPECT_EQ(got->get_header_value("Cache-Control"), "no-store");
    }
  }
  EXPECT_EQ(Head(), head) << "an empty request wrote an event";
}

TEST_F(HttpApiTest, QueryAnswersEqualTheGrpcAnswersAndScopeIsEnforced) {
  RegisterTwoPcns();
  v1::BalanceRequest request;
  request.set_pcn_code("U40001");
  request.set_financial_year(2023);
  *request.mutable_as_of() = Day(2023, 9, 30);
  request.mutable_known_at()->set_position(Head());
  v1::Balance expected;
  ASSERT_TRUE(queries_->GetBalance(Ctx(kCommA).get(), request, &expected).ok());

  std::string body;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(request, &body).ok());
  httplib::Result got = Post("QueryService/GetBalance", body, kCommA);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  EXPECT_TRUE(absl::StrContains(got->body, "\"sumPence\":\"")) << "int64 as a JSON string";
  v1::Balance answer;
  ASSERT_TRUE(JsonStringToMessage(got->body, &answer).ok()) << got->body;
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(answer, expected))
      << answer.DebugString() << "\nvs gRPC\n" << expected.DebugString();

  // Another ICB's commissioner and another PCN are refused, as over gRPC.
  for (const char* other : {kCommB, kPcnB}) {
    httplib::Result refused = Post("QueryService/GetBalance", body, other);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403) << refused->body;
    EXPECT_EQ(CodeOf(refused->body), "PERMISSION_DENIED");
  }
  // The PCN list is filtered to the caller's scope.
  httplib::Result listed = Post("QueryService/ListPcns", "{}", kPcnB);
  ASSERT_TRUE(listed);
  EXPECT_TRUE(absl::StrContains(listed->body, "U40002")) << listed->body;
  EXPECT_FALSE(absl::StrContains(listed->body, "U40001")) << listed->body;
}

TEST_F(HttpApiTest, WhoAmINamesThePrincipalItsRoleAndScope) {
  httplib::Result got = Post("QueryService/WhoAmI", "", kCommA);
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  v1::WhoAmIResponse who;
  ASSERT_TRUE(JsonStringToMessage(got->body, &who).ok());
  EXPECT_EQ(who.name(), "qaa-team");
  EXPECT_EQ(who.role(), "commissioner");
  EXPECT_FALSE(who.all_scope());
  ASSERT_EQ(who.scope_size(), 1);
  EXPECT_EQ(who.scope(0), "QAA");
  EXPECT_EQ(who.actor(), "commissioner:qaa-team");
}

TEST_F(HttpApiTest, ACommandOverHttpIsRecordedOnceAndItsRetryIsDeduplicated) {
  RegisterTwoPcns();
  const std::string hire = R"({
    "header": {"requestId": "http-hire-1"},
    "pcnCode": "U40001", "staffId": "CP-HTTP", "role": "CLINICAL_PHARMACIST",
    "band": "7", "hireDate": {"year": 2023, "month": 5, "day": 1}, "wteBp": 10000,
    "annualSalaryPence": "5000000", "annualOnCostsPence": "1200000",
    "employmentModel": "MEMBER_PRACTICES_JOINTLY"})";
  const uint64_t head = Head();
  httplib::Result first = Post("CommandService/HireStaff", hire, kPcnA);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 200) << first->body;
  EXPECT_EQ(Head(), head + 1);
  v1::CommandResult result;
  ASSERT_TRUE(JsonStringToMessage(first->body, &result).ok());
  EXPECT_FALSE(result.deduplicated());

  httplib::Result again = Post("CommandService/HireStaff", hire, kPcnA);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body;
  ASSERT_TRUE(JsonStringToMessage(again->body, &result).ok());
  EXPECT_TRUE(result.deduplicated());
  EXPECT_EQ(Head(), head + 1);

  // The event names the principal, as a gRPC command's would.
  v1::AuditRequest audit;
  audit.set_pcn_code("U40001");
  v1::AuditTrail trail;
  ASSERT_TRUE(queries_->GetAuditTrail(Ctx(kAuditor).get(), audit, &trail).ok());
  ASSERT_GT(trail.entries_size(), 0);
  EXPECT_EQ(trail.entries(trail.entries_size() - 1).event().actor(), "pcn:u40001-system");
}

TEST_F(HttpApiTest, BadBodiesAreClearErrorsAndWriteNothing) {
  RegisterTwoPcns();
  const uint64_t head = Head();
  struct Case {
    const char* what;
    std::string body;
    const char* names;  // a word the message must contain
  };
  const std::vector<Case> cases = {
      {"not JSON", "{\"header\": ", "RegisterPcnRequest"},
      {"an unknown field", R"({"pcnCode":"U40009","icbCode":"QAA","smuggled":"x"})", "smuggled"},
      {"an unknown nested field",
       R"({"header":{"requestId":"r1","extra":1},"pcnCode":"U40009"})", "extra"},
      {"a wrong type", R"({"pcnCode": 7})", "pcn_code"},
      {"an array", "[]", "RegisterPcnRequest"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    httplib::Result got = Post("CommandService/RegisterPcn", c.body, kAdmin);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, 400) << got->body;
    EXPECT_EQ(CodeOf(got->body), "INVALID_ARGUMENT") << got->body;
    EXPECT_TRUE(absl::StrContains(got->body, c.names)) << got->body;
  }
  // A valid request with an invalid value is refused by the command itself.
  httplib::Result bad_value = Post(
      "CommandService/RegisterPcn",
      R"({"header":{"requestId":"r2"},"pcnCode":"not a code","icbCode":"QAA","name":"N"})",
      kAdmin);
  ASSERT_TRUE(bad_value);
  EXPECT_EQ(bad_value->status, 400) << bad_value->body;
  EXPECT_TRUE(absl::StrContains(bad_value->body, "pcn_code")) << bad_value->body;
  EXPECT_EQ(Head(), head);
}

TEST_F(HttpApiTest, OversizeBodiesWrongMethodsRoutesAndContentTypesAreRefused) {
  const uint64_t head = Head();
  std::string huge(5 << 20, ' ');  // over the 4 MiB limit set above
  huge[0] = '{';
  huge.back() = '}';
  httplib::Result oversize = Post("CommandService/RegisterPcn", huge, kAdmin);
  ASSERT_TRUE(oversize);
  EXPECT_EQ(oversize->status, 413);
  EXPECT_EQ(CodeOf(oversize->body), "RESOURCE_EXHAUSTED") << oversize->body;

  httplib::Result get = client_->Get("/api/v1/QueryService/ListPcns", Auth(kAdmin));
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 405);
  EXPECT_EQ(get->get_header_value("Allow"), "POST");
  EXPECT_EQ(CodeOf(get->body), "INVALID_ARGUMENT");
  httplib::Result del = client_->Delete("/api/v1/CommandService/RegisterPcn", Auth(kAdmin));
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);

  for (const char* route : {"QueryService/NoSuchMethod", "AdminService/Backup",
                            "AdminService/Subscribe", "Nothing"}) {
    SCOPED_TRACE(route);
    httplib::Result missing = Post(route, "{}", kAdmin);
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
    EXPECT_EQ(CodeOf(missing->body), "NOT_FOUND") << missing->body;
  }

  httplib::Result form = client_->Post("/api/v1/QueryService/ListPcns", Auth(kAdmin), "a=b",
                                       "application/x-www-form-urlencoded");
  ASSERT_TRUE(form);
  EXPECT_EQ(form->status, 400);
  EXPECT_TRUE(absl::StrContains(form->body, "Content-Type")) << form->body;
  EXPECT_EQ(Head(), head);
}

TEST_F(HttpApiTest, OnlyTheAuthorizationHeaderAuthenticates) {
  httplib::Headers cookie = {{"Cookie", absl::StrCat("token=", kAdmin)}};
  httplib::Result with_cookie =
      client_->Post("/api/v1/QueryService/WhoAmI", cookie, "{}", kJson);
  ASSERT_TRUE(with_cookie);
  EXPECT_EQ(with_cookie->status, 401);
  EXPECT_EQ(CodeOf(with_cookie->body), "UNAUTHENTICATED");
  httplib::Result bare = client_->Post("/api/v1/QueryService/WhoAmI",
                                       {{"Authorization", kAdmin}}, "{}", kJson);
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->status, 401);
}

TEST_F(HttpApiTest, ConsoleFilesHealthAndReadinessCarryTheSecurityHeaders) {
  for (const char* path : {"/", "/js/app.js", "/healthz", "/readyz"}) {
    SCOPED_TRACE(path);
    httplib::Result got = client_->Get(path);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, 200) << got->body;
    const std::string csp = got->get_header_value("Content-Security-Policy");
    EXPECT_TRUE(absl::StrContains(csp, "default-src 'self'")) << csp;
    EXPECT_TRUE(absl::StrContains(csp, "frame-ancestors 'none'")) << csp;
    EXPECT_FALSE(absl::StrContains(csp, "unsafe-inline")) << csp;
    EXPECT_EQ(got->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_FALSE(got->has_header("Set-Cookie"));
  }
  httplib::Result index = client_->Get("/");
  EXPECT_TRUE(absl::StrContains(index->body, "<title>console</title>"));
  EXPECT_TRUE(absl::StrContains(client_->Get("/readyz")->body, "READY"));
  // Nothing outside the web root is served.
  for (const char* path : {"/js/../../etc/passwd", "/js/%2e%2e/%2e%2e/etc/passwd",
                           "/index.html/../../x", "/no-such-file.js"}) {
    SCOPED_TRACE(path);
    httplib::Result got = client_->Get(path);
    ASSERT_TRUE(got);
    EXPECT_NE(got->status, 200);
    EXPECT_FALSE(absl::StrContains(got->body, "root:")) << got->body;
  }
}

TEST_F(HttpApiTest, ReadinessTurnsOffWhenShuttingDown) {
  httplib::Result ready = client_->Get("/readyz");
  ASSERT_TRUE(ready);
  EXPECT_EQ(ready->status, 200);
  StopServer();
  httplib::Result after = client_->Get("/readyz");
  EXPECT_FALSE(after && after->status == 200);
}

// Start options refused, tried on the fixture's ledger and tokens.
// httplib's stop() does nothing before its listener has begun: a server stopped right
// after it started (as this suite's TearDown does after a short test) once waited for
// ever on a loaded machine (ctest -j2 beside a build). Start returns once the listener
// has begun, so each of these stops at once.
TEST_F(HttpApiTest, StoppingRightAfterStartingEnds) {
  services::ServerOptions options = server_options_;
  options.listen_address = "127.0.0.1:0";
  for (int i = 0; i < 40; ++i) {
    absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
        services::ArrsServer::Start(ledger_.get(), tokens_.get(), options);
    ASSERT_TRUE(server.ok()) << server.status();
    ASSERT_GT((*server)->http_port(), 0);
  }  // each is stopped as it goes
}

TEST_F(HttpApiTest, PlaintextHttpOnANonLoopbackAddressIsRefused) {
  services::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.http_listen_address = "0.0.0.0:0";
  absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
      services::ArrsServer::Start(ledger_.get(), tokens_.get(), options);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(server.status().message(), "0.0.0.0:0")) << server.status();

  options.http_listen_address = "127.0.0.1";  // no port
  server = services::ArrsServer::Start(ledger_.get(), tokens_.get(), options);
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(absl::StrContains(server.status().message(), "HOST:PORT")) << server.status();

  options.http_listen_address = "127.0.0.1:0";
  options.web_root = (dir_ / "no-console-here").string();
  server = services::ArrsServer::Start(ledger_.get(), tokens_.get(), options);
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(absl::StrContains(server.status().message(), "index.html")) << server.status();
}

}  // namespace
}  // namespace arrs::testing_support
