// Appends and reads on one EventLog: roundtrip, dense positions and versions, the hash
// chain, expected versions, idempotency, input validation, listeners and snapshots.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "ledger/store/event_hash.h"
#include "ledger/store/event_log.h"
#include "tests/store/store_test_util.h"

namespace arrs::store {
namespace {

using ::testing::HasSubstr;
using testing_util::MakeEvent;
using testing_util::MakeRequest;
using testing_util::TempDir;

class EventLogAppendTest : public ::testing::Test {
 protected:
  void SetUp() override {
    LogOptions options;
    options.now_micros = [this] { return ++clock_; };
    auto log = EventLog::Open(dir_.path(), options);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
  }

  TempDir dir_;
  int64_t clock_ = 1'700'000'000'000'000;
  std::unique_ptr<EventLog> log_;
};

TEST_F(EventLogAppendTest, EmptyLogHasZeroHead) {
  EXPECT_EQ(log_->head().position, 0u);
  EXPECT_EQ(log_->head().hash, std::string(32, '\0'));
  EXPECT_EQ(*log_->StreamVersion("pcn/U1"), 0u);
  EXPECT_TRUE(log_->ReadFrom(1, 10)->empty());
  EXPECT_EQ(log_->Get(1).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(log_->Verify().ok);
}

TEST_F(EventLogAppendTest, AppendThenReadRoundtrip) {
  AppendRequest request = MakeRequest("pcn/U1", "req-1", 3, 0);
  request.events[1].set_corrects(0);
  request.events[2].set_reason("because");
  auto result = log_->Append(request);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->first_position, 1u);
  EXPECT_EQ(result->last_position, 3u);
  EXPECT_EQ(result->stream_version, 3u);
  EXPECT_FALSE(result->deduplicated);

  auto events = log_->ReadFrom(1, 100);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    const v1::Event& e = (*events)[i];
    EXPECT_EQ(e.position(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(e.stream(), "pcn/U1");
    EXPECT_EQ(e.stream_version(), static_cast<uint64_t>(i + 1));
    EXPECT_EQ(e.request_id(), "req-1");
    EXPECT_EQ(e.actor(), "tester");
    EXPECT_EQ(e.payload().staff_started().staff_id(), absl::StrCat("req-1#", i));
    EXPECT_EQ(e.effective_date().year(), 2024);
    EXPECT_GT(e.recorded_at_micros(), 1'700'000'000'000'000);
    EXPECT_EQ(e.payload_hash(), PayloadHash(e.payload()));
    EXPECT_EQ(e.hash(), EventHash(e));
  }
  EXPECT_EQ((*events)[2].reason(), "because");
  auto one = log_->Get(2);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->SerializeAsString(), (*events)[1].SerializeAsString());
  EXPECT_EQ(log_->head().position, 3u);
  EXPECT_EQ(log_->head().hash, (*events)[2].hash());
  EXPECT_EQ(*log_->StreamVersion("pcn/U1"), 3u);
}

TEST_F(EventLogAppendTest, CallerSetFieldsAreOverwritten) {
  AppendRequest request = MakeRequest("pcn/U1", "req-1", 1);
  request.events[0].set_position(99);
  request.events[0].set_stream("other");
  request.events[0].set_stream_version(42);
  request.events[0].set_request_id("forged");
  request.events[0].set_hash("forged");
  request.events[0].set_prev_hash("forged");
  request.events[0].set_payload_hash("forged");
  request.events[0].set_redacted(true);
  ASSERT_TRUE(log_->Append(request).ok());
  v1::Event e = *log_->Get(1);
  EXPECT_EQ(e.position(), 1u);
  EXPECT_EQ(e.stream(), "pcn/U1");
  EXPECT_EQ(e.stream_version(), 1u);
  EXPECT_EQ(e.request_id(), "req-1");
  EXPECT_EQ(e.prev_hash(), ZeroHash());
  EXPECT_FALSE(e.redacted());
  EXPECT_TRUE(log_->Verify().ok);
}

TEST_F(EventLogAppendTest, PositionsAndVersionsAreDenseAcrossStreams) {
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 2)).ok());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/B", "r2", 1)).ok());
  auto r3 = log_->Append(MakeRequest("pcn/A", "r3", 3, 2));
  ASSERT_TRUE(r3.ok()) << r3.status();
  EXPECT_EQ(r3->first_position, 4u);
  EXPECT_EQ(r3->last_position, 6u);
  EXPECT_EQ(r3->stream_version, 5u);
  auto all = *log_->ReadFrom(1, 100);
  ASSERT_EQ(all.size(), 6u);
  std::vector<uint64_t> a_versions;
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].position(), i + 1);
    if (all[i].stream() == "pcn/A") a_versions.push_back(all[i].stream_version());
  }
  EXPECT_THAT(a_versions, ::testing::ElementsAre(1, 2, 3, 4, 5));
  auto stream_a = *log_->ReadStream("pcn/A", 2, 10);
  ASSERT_EQ(stream_a.size(), 4u);
  EXPECT_EQ(stream_a[0].stream_version(), 2u);
  EXPECT_EQ(stream_a[1].position(), 4u);
  EXPECT_EQ(log_->ReadStream("pcn/A", 1, 2)->size(), 2u);
  EXPECT_TRUE(log_->ReadStream("pcn/A", 6, 10)->empty());
  EXPECT_TRUE(log_->ReadStream("pcn/none", 1, 10)->empty());
  EXPECT_EQ(*log_->StreamVersion("pcn/B"), 1u);
}

TEST_F(EventLogAppendTest, ReadFromPages) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", absl::StrCat("r", i), 1)).ok());
  }
  std::vector<uint64_t> seen;
  uint64_t from = 1;
  for (;;) {
    auto page = log_->ReadFrom(from, 3);
    ASSERT_TRUE(page.ok());
    if (page->empty()) break;
    EXPECT_LE(page->size(), 3u);
    for (const v1::Event& e : *page) seen.push_back(e.position());
    from = page->back().position() + 1;
  }
  ASSERT_EQ(seen.size(), 10u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i + 1);
  EXPECT_EQ(log_->ReadFrom(0, 3).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(log_->ReadFrom(11, 3)->empty());
  EXPECT_TRUE(log_->ReadFrom(5, 0)->empty());
  EXPECT_EQ(log_->Get(11).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(log_->Get(0).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(EventLogAppendTest, ReadFromArenaReturnsTheSameEventsInTheArena) {
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(log_->Append(MakeRequest(absl::StrCat("pcn/", i % 3), absl::StrCat("r", i),
                                         1 + i % 2))
                    .ok());
  }
  const std::vector<v1::Event> expected = *log_->ReadFrom(1, 100);
  google::protobuf::Arena arena;
  std::vector<const v1::Event*> seen;
  for (uint64_t from = 1;;) {
    auto page = log_->ReadFromArena(from, 4, &arena);
    ASSERT_TRUE(page.ok()) << page.status();
    if (page->empty()) break;
    EXPECT_LE(page->size(), 4u);
    for (const v1::Event* e : *page) {
      EXPECT_EQ(e->GetArena(), &arena);
      seen.push_back(e);
    }
    from = page->back()->position() + 1;
  }
  ASSERT_EQ(seen.size(), expected.size());
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i]->SerializeAsString(), expected[i].SerializeAsString()) << i;
  }
  EXPECT_EQ(log_->ReadFromArena(0, 3, &arena).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(log_->ReadFromArena(expected.size() + 1, 3, &arena)->empty());
}

TEST_F(EventLogAppendTest, HashesChain) {
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 3)).ok());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/B", "r2", 2)).ok());
  auto all = *log_->ReadFrom(1, 100);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].prev_hash(), std::string(32, '\0'));
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_EQ(all[i].prev_hash(), all[i - 1].hash()) << "position " << i + 1;
    EXPECT_EQ(all[i].hash().size(), 32u);
    EXPECT_NE(all[i].hash(), all[i - 1].hash());
  }
  VerifyReport report = log_->Verify();
  EXPECT_TRUE(report.ok) << report.problem;
  EXPECT_EQ(report.events_checked, 5u);
  EXPECT_EQ(report.head.position, 5u);
  EXPECT_EQ(report.head.hash, all.back().hash());
}

TEST_F(EventLogAppendTest, ExpectedVersionConflictWritesNothing) {
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 2, 0)).ok());
  const Head before = log_->head();
  auto conflict = log_->Append(MakeRequest("pcn/A", "r2", 1, 1));
  ASSERT_EQ(conflict.status().code(), absl::StatusCode::kAborted);
  EXPECT_THAT(conflict.status().message(), HasSubstr("pcn/A"));
  EXPECT_THAT(conflict.status().message(), HasSubstr("expected version 1"));
  EXPECT_THAT(conflict.status().message(), HasSubstr("actual version 2"));
  auto must_not_exist = log_->Append(MakeRequest("pcn/A", "r3", 1, 0));
  EXPECT_EQ(must_not_exist.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(log_->head().position, before.position);
  EXPECT_EQ(log_->head().hash, before.hash);
  EXPECT_EQ(*log_->StreamVersion("pcn/A"), 2u);
  EXPECT_EQ(log_->ReadFrom(1, 100)->size(), 2u);
  // The failed request id was not consumed.
  auto retry = log_->Append(MakeRequest("pcn/A", "r2", 1, 2));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_FALSE(retry->deduplicated);
  EXPECT_EQ(retry->stream_version, 3u);
}

TEST_F(EventLogAppendTest, RepeatedRequestIdReturnsFirstResult) {
  auto first = log_->Append(MakeRequest("pcn/A", "same", 2, 0));
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/B", "other", 1)).ok());
  // Whatever the retry contains (no digest: not compared), nothing is written and the
  // first result comes back.
  auto again = log_->Append(MakeRequest("pcn/A", "same", 5, 7));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->deduplicated);
  EXPECT_EQ(again->first_position, first->first_position);
  EXPECT_EQ(again->last_position, first->last_position);
  EXPECT_EQ(again->stream_version, first->stream_version);
  EXPECT_EQ(log_->head().position, 3u);
  EXPECT_EQ(*log_->StreamVersion("pcn/A"), 2u);
  EXPECT_EQ(log_->Stats().appended_requests, 2u);
}

TEST_F(EventLogAppendTest, FindRequestReportsCommittedRequests) {
  auto missing = log_->FindRequest("pcn/A", "r1");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/B", "r0", 1)).ok());
  auto first = log_->Append(MakeRequest("pcn/A", "r1", 2));
  ASSERT_TRUE(first.ok());
  auto found = log_->FindRequest("pcn/A", "r1");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_TRUE((*found)->deduplicated);
  EXPECT_EQ((*found)->first_position, 2u);
  EXPECT_EQ((*found)->last_position, 3u);
  EXPECT_EQ((*found)->stream_version, 2u);
  EXPECT_FALSE(log_->FindRequest("pcn/B", "r1")->has_value());  // scoped to its stream
  EXPECT_EQ(log_->FindRequest("pcn/A", "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->FindRequest("pcn A", "r1").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->head().position, 3u);
}

TEST_F(EventLogAppendTest, InvalidInputsWriteNothingAndNameTheField) {
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "ok", 1)).ok());
  struct Case {
    std::string name;
    AppendRequest request;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({"empty stream", MakeRequest("", "r", 1), "stream"});
  cases.push_back({"space in stream", MakeRequest("pcn/U 1", "r", 1), "pcn/U 1"});
  cases.push_back({"NUL in stream", MakeRequest(std::string("pcn\0x", 5), "r", 1), "stream"});
  cases.push_back({"long stream", MakeRequest(std::string(201, 's'), "r", 1), "stream"});
  cases.push_back({"non-ASCII stream", MakeRequest("pcn/\xc3\xa9", "r", 1), "stream"});
  cases.push_back({"empty request id", MakeRequest("pcn/A", "", 1), "request_id"});
  cases.push_back(
      {"long request id", MakeRequest("pcn/A", std::string(201, 'r'), 1), "request_id"});
  cases.push_back({"no events", MakeRequest("pcn/A", "r", 0), "events"});
  {
    AppendRequest r = MakeRequest("pcn/A", "r", 2);
    r.events[1].clear_payload();
    cases.push_back({"no payload", r, "events[1].payload"});
  }
  {
    AppendRequest r = MakeRequest("pcn/A", "r", 1);
    r.events[0].mutable_effective_date()->set_day(31);
    r.events[0].mutable_effective_date()->set_month(2);
    cases.push_back({"impossible date", r, "events[0].effective_date"});
  }
  {
    AppendRequest r = MakeRequest("pcn/A", "r", 1);
    r.events[0].clear_effective_date();
    cases.push_back({"missing date", r, "events[0].effective_date"});
  }
  for (const Case& c : cases) {
    auto result = log_->Append(c.request);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(result.status().message(), HasSubstr(c.field)) << c.name;
  }
  EXPECT_EQ(log_->head().position, 1u);
  EXPECT_EQ(log_->Stats().appended_requests, 1u);
  EXPECT_EQ(log_->ReadStream("pcn/A", 1, 10)->size(), 1u);
  EXPECT_EQ(log_->ReadStream("bad stream", 1, 10).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->StreamVersion("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(EventLogLimitsTest, TooManyEventsInOneRequest) {
  TempDir dir;
  LogOptions options;
  options.max_events_per_request = 3;
  auto log = *EventLog::Open(dir.path(), options);
  auto result = log->Append(MakeRequest("pcn/A", "r", 4));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("events"));
  EXPECT_TRUE(log->Append(MakeRequest("pcn/A", "r", 3)).ok());
  EXPECT_EQ(log->head().position, 3u);
}

TEST_F(EventLogAppendTest, ListenersReceiveCommittedEventsInOrder) {
  std::vector<uint64_t> seen;
  std::vector<uint64_t> seen_by_second;
  const int id = log_->AddListener([&](const std::vector<v1::Event>& committed) {
    for (const v1::Event& e : committed) seen.push_back(e.position());
  });
  const int second = log_->AddListener([&](const std::vector<v1::Event>& committed) {
    for (const v1::Event& e : committed) seen_by_second.push_back(e.position());
  });
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 2)).ok());
  ASSERT_FALSE(log_->Append(MakeRequest("pcn/A", "r2", 1, 0)).ok());  // conflict: no call
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/B", "r3", 3)).ok());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/B", "r3", 3)).ok());  // dedup: no call
  log_->RemoveListener(second);
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r4", 1)).ok());
  log_->RemoveListener(id);
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r5", 1)).ok());
  EXPECT_THAT(seen, ::testing::ElementsAre(1, 2, 3, 4, 5, 6));
  EXPECT_THAT(seen_by_second, ::testing::ElementsAre(1, 2, 3, 4, 5));
}

TEST_F(EventLogAppendTest, SinkTakesTheEventsAfterTheListenersSawThem) {
  std::vector<std::string> order;
  std::vector<v1::Event> kept;
  log_->AddListener([&](const std::vector<v1::Event>& committed) {
    for (const v1::Event& e : committed) order.push_back(absl::StrCat("listener ", e.position()));
  });
  absl::StatusOr<int> sink = log_->SetSink([&](std::vector<v1::Event>&& committed) {
    for (v1::Event& e : committed) {
      order.push_back(absl::StrCat("sink ", e.position()));
      kept.push_back(std::move(e));
    }
  });
  ASSERT_TRUE(sink.ok()) << sink.status();
  absl::StatusOr<int> second = log_->SetSink([](std::vector<v1::Event>&&) {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(), HasSubstr("already has a sink"));

  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 2)).ok());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 2)).ok());  // dedup: no call
  EXPECT_THAT(order, ::testing::ElementsAre("listener 1", "listener 2", "sink 1", "sink 2"));
  ASSERT_EQ(kept.size(), 2u);
  // The sink got the events as committed: positions, chain and hashes filled in.
  EXPECT_EQ(kept[1].prev_hash(), kept[0].hash());
  EXPECT_EQ(kept[1].hash(), log_->head().hash);
  EXPECT_EQ(kept[1].SerializeAsString(), log_->Get(2)->SerializeAsString());

  log_->RemoveListener(*sink);
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r2", 1)).ok());
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_TRUE(log_->SetSink([](std::vector<v1::Event>&&) {}).ok());  // free again
}

TEST_F(EventLogAppendTest, Snapshots) {
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 10)).ok());
  EXPECT_EQ(log_->LatestSnapshot("claims", 10).status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(log_->PutSnapshot("claims", 3, "state@3").ok());
  ASSERT_TRUE(log_->PutSnapshot("claims", 7, "state@7").ok());
  ASSERT_TRUE(log_->PutSnapshot("claimsX", 5, "other").ok());
  ASSERT_TRUE(log_->PutSnapshot("budget", 9, "b@9").ok());
  EXPECT_EQ(log_->LatestSnapshot("claims", 2).status().code(), absl::StatusCode::kNotFound);
  auto at3 = log_->LatestSnapshot("claims", 3);
  ASSERT_TRUE(at3.ok());
  EXPECT_EQ(at3->position, 3u);
  EXPECT_EQ(at3->state, "state@3");
  EXPECT_EQ(log_->LatestSnapshot("claims", 6)->state, "state@3");
  EXPECT_EQ(log_->LatestSnapshot("claims", 10)->state, "state@7");
  EXPECT_EQ(log_->LatestSnapshot("claims", UINT64_MAX)->position, 7u);
  EXPECT_EQ(log_->LatestSnapshot("budget", 8).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(log_->PutSnapshot("claims", 11, "future").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->PutSnapshot("", 1, "x").code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EventLogAppendTest, DeletingOlderSnapshotsKeepsTheRestAndOtherProjections) {
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 10)).ok());
  for (uint64_t at : {2, 5, 8}) {
    ASSERT_TRUE(log_->PutSnapshot("claims", at, absl::StrCat("state@", at)).ok());
  }
  ASSERT_TRUE(log_->PutSnapshot("claimsX", 1, "other").ok());
  ASSERT_TRUE(log_->PutSnapshot("budget", 3, "b@3").ok());
  ASSERT_TRUE(log_->DeleteSnapshotsBefore("claims", 8).ok());
  EXPECT_EQ(log_->LatestSnapshot("claims", 7).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(log_->LatestSnapshot("claims", 10)->state, "state@8");
  EXPECT_EQ(log_->LatestSnapshot("claimsX", 10)->state, "other");
  EXPECT_EQ(log_->LatestSnapshot("budget", 10)->state, "b@3");
  EXPECT_EQ(log_->DeleteSnapshotsBefore("", 1).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(EventLogAppendTest, StatsCountStreamsAndCommits) {
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r1", 2)).ok());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/B", "r2", 1)).ok());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A", "r3", 1)).ok());
  ASSERT_TRUE(log_->Append(MakeRequest("pcn/A/sub", "r4", 1)).ok());
  LogStats stats = log_->Stats();
  EXPECT_EQ(stats.head.position, 5u);
  EXPECT_EQ(stats.stream_count, 3u);
  EXPECT_EQ(stats.group_commits, 4u);
  EXPECT_EQ(stats.appended_requests, 4u);
}

TEST_F(EventLogAppendTest, RecordedAtNeverGoesBackwards) {
  int64_t times[] = {500, 400, 600};
  int call = 0;
  TempDir dir;
  LogOptions options;
  options.now_micros = [&] { return times[call++]; };
  auto log = *EventLog::Open(dir.path(), options);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(log->Append(MakeRequest("pcn/A", absl::StrCat("r", i), 1)).ok());
  }
  auto all = *log->ReadFrom(1, 10);
  EXPECT_EQ(all[0].recorded_at_micros(), 500);
  EXPECT_EQ(all[1].recorded_at_micros(), 500);
  EXPECT_EQ(all[2].recorded_at_micros(), 600);
}

}  // namespace
}  // namespace arrs::store
