// A subscriber that stops reading, against the real arrsd (--max-subscribers 1, a 2 s
// stall limit): it is cut off with RESOURCE_EXHAUSTED naming the position to resume
// from, its slot is freed (another subscriber is accepted at the limit), and resuming from
// the named position delivers every later event exactly once, in order; /metrics counts
// the cut-off (arrs_subscribers_cut_off_total).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "arrs/v1/service.grpc.pb.h"
#include "services/auth.h"
#include "tests/services/arrsd_process.h"
#include "tests/testing/requests.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {
namespace {

constexpr char kAdmin[] = "Bearer slow-sub-admin-token";
constexpr char kAuditor[] = "Bearer slow-sub-auditor-token";
using Clock = std::chrono::steady_clock;

long RssKib(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

class SlowSubscriberTest : public ::testing::Test {
 protected:
  // The slow subscriber's own connection, with a fixed 64 KiB stream window (no BDP
  // growth), so that it stops the server's writes after a few hundred unread events.
  std::shared_ptr<grpc::Channel> SlowChannel() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_HTTP2_BDP_PROBE, 0);
    return grpc::CreateCustomChannel(arrsd_.address(), grpc::InsecureChannelCredentials(), args);
  }
  void SetUp() override {
    const std::string tokens = (dir_ / "tokens.txt").string();
    std::ofstream(tokens) << services::TokenHash("slow-sub-admin-token") << " admin * a\n"
                          << services::TokenHash("slow-sub-auditor-token") << " auditor * b\n";
    const std::string http_port_file = (dir_ / "http.port").string();
    ASSERT_TRUE(arrsd_.Start((dir_ / "data").string(), tokens,
                             {"--max-subscribers", "1", "--subscriber-stall-seconds", "2", "--http",
                              "127.0.0.1:0", "--http-port-file", http_port_file}));
    std::ifstream(http_port_file) >> http_port_;  // written before the gRPC port file
    ASSERT_GT(http_port_, 0);
    channel_ = grpc::CreateChannel(arrsd_.address(), grpc::InsecureChannelCredentials());
    commands_ = v1::CommandService::NewStub(channel_);
    grpc::ClientContext context;
    context.AddMetadata("authorization", kAdmin);
    v1::RegisterPcnRequest r;
    r.mutable_header()->set_request_id("reg");
    r.set_pcn_code("U60001");
    r.set_name("Slow PCN");
    r.set_icb_code("QLL");
    r.mutable_effective_date()->set_year(2020);
    r.mutable_effective_date()->set_month(4);
    r.mutable_effective_date()->set_day(1);
    v1::CommandResult out;
    ASSERT_TRUE(commands_->RegisterPcn(&context, r, &out).ok());
  }
  void TearDown() override { arrsd_.Stop(SIGTERM); }

  // Commits `n` hires (one event each) from 4 threads; returns the head after them.
  uint64_t Hire(int n) {
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([this, w, n] {
        for (int i = w; i < n; i += 4) {
          grpc::ClientContext context;
          context.AddMetadata("authorization", kAdmin);
          const v1::HireStaffRequest r = CareCoordinatorHire(
              "U60001", absl::StrCat("s", hired_ + i), absl::StrCat("h", hired_ + i));
          v1::CommandResult out;
          EXPECT_TRUE(commands_->HireStaff(&context, r, &out).ok());
        }
      });
    }
    for (std::thread& t : writers) t.join();
    hired_ += n;
    return Head();
  }

  // The value of the unlabelled metric `name` on GET /metrics; "" when it is not there.
  std::string Metric(const std::string& name) {
    httplib::Client client("127.0.0.1", http_port_);
    httplib::Result res = client.Get("/metrics");
    if (!res || res->status != 200) return "";
    std::istringstream lines(res->body);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(name + " ", 0) == 0) return line.substr(name.size() + 1);
    }
    return "";
  }

  uint64_t Head() {
    grpc::ClientContext context;
    context.AddMetadata("authorization", kAuditor);
    v1::StatsResponse stats;
    EXPECT_TRUE(v1::AdminService::NewStub(channel_)->Stats(&context, {}, &stats).ok());
    return stats.head_position();
  }

  const TempDir temp_{"slowsub"};  // destroyed after arrsd_ (declared before it)
  const std::filesystem::path& dir_ = temp_.path();
  ArrsdProcess arrsd_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::CommandService::Stub> commands_;
  int hired_ = 0;
  int http_port_ = 0;
};

struct Subscription {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::Event>> reader;
};

std::unique_ptr<Subscription> Subscribe(const std::shared_ptr<grpc::Channel>& channel,
                                        uint64_t from) {
  auto s = std::make_unique<Subscription>();
  s->context.AddMetadata("authorization", kAuditor);
  s->context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::SubscribeRequest request;
  request.set_from_position(from);
  s->reader = v1::AdminService::NewStub(channel)->Subscribe(&s->context, request);
  return s;
}

// Retries a subscription from `from` (on its own connection) until one is accepted, for
// up to `limit`; null when none was.
std::unique_ptr<Subscription> SubscribeWhenAccepted(const std::string& address, uint64_t from,
                                                    std::chrono::seconds limit) {
  const Clock::time_point give_up = Clock::now() + limit;
  while (Clock::now() < give_up) {
    auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
    std::unique_ptr<Subscription> s = Subscribe(channel, from);
    v1::Event first;
    if (s->reader->Read(&first)) {
      EXPECT_EQ(first.position(), from);
      return s;
    }
    const grpc::Status refused = s->reader->Finish();
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
        << refused.error_message();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return nullptr;
}

TEST_F(SlowSubscriberTest, StalledSubscriberIsCutOffFreesItsSlotAndResumesExactlyOnce) {
  auto slow_channel = SlowChannel();
  std::unique_ptr<Subscription> slow = Subscribe(slow_channel, 1);
  v1::Event event;
  ASSERT_TRUE(slow->reader->Read(&event));
  ASSERT_EQ(event.position(), 1u);
  EXPECT_EQ(Metric("arrs_subscribers"), "1");
  EXPECT_EQ(Metric("arrs_subscribers_cut_off_total"), "0");
  const long rss_before = RssKib(arrsd_.pid());
  const Clock::time_point writes_start = Clock::now();
  const uint64_t head = Hire(2000);  // far more than the window holds; nobody reads them
  std::fprintf(stderr, "[slow subscriber] head=%llu after %.1f s; arrsd RSS %ld -> %ld KiB\n",
               static_cast<unsigned long long>(head),
               std::chrono::duration<double>(Clock::now() - writes_start).count(), rss_before,
               RssKib(arrsd_.pid()));

  // Its slot is freed: a second subscriber is accepted at the limit of one.
  const Clock::time_point waiting = Clock::now();
  std::unique_ptr<Subscription> other =
      SubscribeWhenAccepted(arrsd_.address(), head, std::chrono::seconds(30));
  ASSERT_NE(other, nullptr) << "the stalled subscriber still holds the only slot after 30 s";
  EXPECT_EQ(Metric("arrs_subscribers_cut_off_total"), "1");
  EXPECT_EQ(Metric("arrs_subscribers"), "1");  // the new one
  std::fprintf(stderr, "[slow subscriber] slot freed %.1f s after the writes; RSS %ld KiB\n",
               std::chrono::duration<double>(Clock::now() - waiting).count(),
               RssKib(arrsd_.pid()));
  other->context.TryCancel();

  // Reading again, it finds what was sent before the cut-off, in order, then the status.
  uint64_t last = 1;
  while (slow->reader->Read(&event)) {
    ASSERT_EQ(event.position(), last + 1) << "gap or duplicate before the cut-off";
    last = event.position();
  }
  const grpc::Status cut = slow->reader->Finish();
  ASSERT_EQ(cut.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << cut.error_message();
  const std::string message = cut.error_message();
  constexpr char kResume[] = "resume from position ";
  const size_t at = message.find(kResume);
  ASSERT_NE(at, std::string::npos) << message;
  const uint64_t resume = std::stoull(message.substr(at + sizeof(kResume) - 1));
  EXPECT_EQ(resume, last + 1) << message;
  std::fprintf(stderr, "[slow subscriber] read %llu events, then: %s\n",
               static_cast<unsigned long long>(last), message.c_str());
  EXPECT_LT(last, head) << "a stalled subscriber should not have received everything";

  // Resuming from there delivers every later event once, in order, live ones included.
  std::unique_ptr<Subscription> resumed =
      SubscribeWhenAccepted(arrsd_.address(), resume, std::chrono::seconds(30));
  ASSERT_NE(resumed, nullptr);
  const uint64_t final_head = Hire(100);
  uint64_t next = resume + 1;
  while (next <= final_head && resumed->reader->Read(&event)) {
    ASSERT_EQ(event.position(), next) << "gap or duplicate after resuming";
    ++next;
  }
  EXPECT_EQ(next, final_head + 1);
  resumed->context.TryCancel();
}

TEST_F(SlowSubscriberTest, SubscriberThatNeverReadsAgainIsCancelledAfterTwoMoreStallLimits) {
  auto slow_channel = SlowChannel();
  std::unique_ptr<Subscription> slow = Subscribe(slow_channel, 1);
  v1::Event event;
  ASSERT_TRUE(slow->reader->Read(&event));
  const uint64_t head = Hire(2000);
  std::unique_ptr<Subscription> other =
      SubscribeWhenAccepted(arrsd_.address(), head, std::chrono::seconds(30));
  ASSERT_NE(other, nullptr);
  other->context.TryCancel();
  // Cut off (its status waits behind the unread events); two stall limits (4 s) later the
  // server cancels the stream, and what was unread goes with it. Generous slack.
  std::this_thread::sleep_for(std::chrono::seconds(10));
  while (slow->reader->Read(&event)) {
  }
  const grpc::Status status = slow->reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
}

}  // namespace
}  // namespace arrs::testing_support
