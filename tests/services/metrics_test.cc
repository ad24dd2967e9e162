// GET /metrics: Prometheus text with the RPC, log and state series, counting calls made
// over gRPC and over the JSON API alike; behind a token when asked.
#include <gtest/gtest.h>
#include <httplib.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tests/services/http_client_fixture.h"
#include "tests/services/server_fixture.h"

namespace arrs::testing_support {
namespace {

class MetricsTest : public WithHttpClient<ServerFixture> {
 protected:
  // The value of the sample line starting with `series` ("" when absent).
  static std::string Sample(const std::string& text, const std::string& series) {
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      if (absl::StartsWith(line, series + " ")) return std::string(line.substr(series.size() + 1));
    }
    return "";
  }
};

TEST_F(MetricsTest, CountsCallsAppendsAndFsyncs) {
  RegisterTwoPcns();  // six commands over gRPC
  v1::ListPcnsResponse out;
  ASSERT_TRUE(queries_->ListPcns(Ctx(kAuditor).get(), v1::ListPcnsRequest(), &out).ok());
  ASSERT_FALSE(queries_->ListPcns(Ctx("").get(), v1::ListPcnsRequest(), &out).ok());

  httplib::Result got = client_->Get("/metrics");
  ASSERT_TRUE(got);
  ASSERT_EQ(got->status, 200) << got->body;
  EXPECT_TRUE(absl::StartsWith(got->get_header_value("Content-Type"), "text/plain"));
  const std::string& text = got->body;
  // RPC counters are process-wide: other tests in this binary may have added to them.
  EXPECT_FALSE(Sample(text, "arrs_rpc_requests_total{method=\"RegisterPcn\",code=\"OK\"}").empty())
      << text;
  EXPECT_FALSE(
      Sample(text, "arrs_rpc_requests_total{method=\"ListPcns\",code=\"UNAUTHENTICATED\"}").empty());
  EXPECT_TRUE(absl::StrContains(
      text, "arrs_rpc_duration_seconds_bucket{method=\"SetEntitlement\",code=\"OK\",le=\"+Inf\"}"));
  EXPECT_EQ(Sample(text, "arrs_log_head_position"), absl::StrCat(Head()));
  // Every command above was appended and made durable by at least one fsync.
  EXPECT_GE(std::stoull(Sample(text, "arrs_log_appends_total")), 6u);
  EXPECT_GE(std::stoull(Sample(text, "arrs_log_fsyncs_total")), 1u);
  EXPECT_GE(std::stoull(Sample(text, "arrs_log_append_duration_seconds_count")), 6u);
  EXPECT_EQ(Sample(text, "arrs_log_pending_appends"), "0");  // every command was answered
  EXPECT_EQ(Sample(text, "arrs_subscribers"), "0");
  EXPECT_EQ(Sample(text, "arrs_state_cold_streams"), "0");
  EXPECT_GT(std::stoull(Sample(text, "process_resident_memory_bytes")), 1000000u);
  // Every series has its HELP and TYPE.
  EXPECT_TRUE(absl::StrContains(text, "# TYPE arrs_rpc_duration_seconds histogram"));
  EXPECT_TRUE(absl::StrContains(text, "# TYPE arrs_log_fsyncs_total counter"));
}

TEST_F(MetricsTest, CallsOverTheJsonApiAreCountedAsTheirMethod) {
  const std::string before =
      Sample(client_->Get("/metrics")->body, "arrs_rpc_requests_total{method=\"WhoAmI\",code=\"OK\"}");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(client_->Post("/api/v1/QueryService/WhoAmI",
                            {{"Authorization", absl::StrCat("Bearer ", kAdmin)}}, "{}",
                            "application/json")
                  ->status,
              200);
  }
  const std::string after =
      Sample(client_->Get("/metrics")->body, "arrs_rpc_requests_total{method=\"WhoAmI\",code=\"OK\"}");
  EXPECT_EQ(std::stoull(after), (before.empty() ? 0 : std::stoull(before)) + 3);
}

class MetricsWithTokenTest : public MetricsTest {
 protected:
  void SetUp() override {
    server_options_.metrics_require_token = true;
    MetricsTest::SetUp();
  }
};

TEST_F(MetricsWithTokenTest, OnlyAdminsAndAuditorsMayRead) {
  httplib::Result none = client_->Get("/metrics");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
  for (const char* token : {kPcnA, kCommA}) {
    httplib::Result refused =
        client_->Get("/metrics", {{"Authorization", absl::StrCat("Bearer ", token)}});
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403) << token;
  }
  for (const char* token : {kAdmin, kAuditor}) {
    httplib::Result allowed =
        client_->Get("/metrics", {{"Authorization", absl::StrCat("Bearer ", token)}});
    ASSERT_TRUE(allowed);
    EXPECT_EQ(allowed->status, 200) << token;
    EXPECT_TRUE(absl::StrContains(allowed->body, "arrs_log_head_position"));
  }
}

}  // namespace
}  // namespace arrs::testing_support
