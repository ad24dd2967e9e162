// A Ledger restored from a snapshot answers exactly as one that folded the whole log: at
// every known_at of a history with corrections, a reversal, reductions and payments, for
// every query; a restored stream takes new commands and corrections; events after the
// snapshot are folded on top of it; and a snapshot that does not match the log is refused
// and the whole log folded instead. Old views and commands read a restored stream's
// events on first use, also from several threads at once.
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <thread>

#include <gmock/gmock.h>

#include "arrs/v1/snapshot.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

#include "ledger/engine/ledger.h"
#include "ledger/engine/snapshot.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

class SnapshotTest : public LedgerFixture {
 protected:
  // Without warm_after_restore by default, so that the queries of a test are the first
  // to read a restored stream's events.
  void OpenWith(bool restore, bool snapshot_on_close, bool warm = false) {
    ledger_.reset();
    engine::LedgerOptions options;
    options.restore_snapshot = restore;
    options.snapshot_on_close = snapshot_on_close;
    options.warm_after_restore = warm;
    absl::StatusOr<std::unique_ptr<engine::Ledger>> opened =
        engine::Ledger::Open(dir_.string(), options);
    ASSERT_OK(opened);
    ledger_ = *std::move(opened);
  }

  // Two PCNs, long enough for several checkpoints each, with corrections (one of a claim
  // long past), a reversed hire, a reduced line and payments.
  void BuildHistory() {
    absl::StatusOr<v1::CommandResult> wrong = TwoPcnsWithStaffAndAWrongHire();
    ASSERT_OK(wrong);
    std::vector<uint64_t> submissions;
    for (int i = 0; i < 30; ++i) {
      const absl::CivilDay month = absl::CivilDay(2021, 7 + i, 1);
      const std::string claim = FormatCivilDay(month).substr(0, 7);
      for (const char* pcn : {"U10001", "U10002"}) {
        absl::StatusOr<v1::CommandResult> submitted =
            Claim(pcn, claim, ToProtoDate(month), {{"cp-1", 450000}, {"ap-1", 380000}});
        ASSERT_OK(submitted);
        if (std::string(pcn) == "U10001") submissions.push_back(submitted->first_position());
        absl::StatusOr<v1::CommandResult> assessed = Assess(pcn, claim);
        ASSERT_OK(assessed);
        if (i % 3 == 0) {
          absl::StatusOr<v1::CommandResult> paid =
              Pay(pcn, claim, ToProtoDate(month + 40),
                  assessed->assessment().total_approved_pence());
          ASSERT_OK(paid);
        }
      }
      if (i == 4) {
        v1::ReduceClaimLineRequest reduce;
        *reduce.mutable_header() = Header("overclaimed");
        reduce.set_pcn_code("U10002");
        reduce.set_claim_id(claim);
        reduce.set_line_no(2);
        reduce.set_approved_pence(200000);
        ASSERT_OK(ledger_->ReduceClaimLine("test:icb", reduce));
      }
      if (i == 7) {
        v1::CorrectRequest reverse;
        *reverse.mutable_header() = Header("hired on the wrong PCN");
        reverse.set_pcn_code("U10001");
        reverse.set_corrects_position(wrong->first_position());
        reverse.set_reverse(true);
        ASSERT_OK(ledger_->Correct("admin:alice", reverse));
      }
      if (i % 5 == 2) {
        ASSERT_TRUE(CorrectClaim("U10001", submissions.back(), claim, ToProtoDate(month),
                                 "cp-1", 400000, "payroll corrected")
                        .ok());
      }
    }
    const absl::CivilDay old_month(2021, 8, 1);
    ASSERT_TRUE(CorrectClaim("U10001", submissions[1], FormatCivilDay(old_month).substr(0, 7),
                             ToProtoDate(old_month), "cp-1", 410000, "found in the audit")
                    .ok());
  }

  // The history, folded whole by a ledger opened on it without a snapshot; returns its head.
  uint64_t FoldedHistory() {
    BuildHistory();
    OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);
    return Head();
  }

  // A query request as known at log position `k`.
  template <typename Request>
  static Request KnownAt(uint64_t k) {
    Request r;
    r.mutable_known_at()->set_position(k);
    return r;
  }
  // A query request about `pcn` as known at log position `k`.
  template <typename Request>
  static Request AboutPcn(const std::string& pcn, uint64_t k) {
    Request r = KnownAt<Request>(k);
    r.set_pcn_code(pcn);
    return r;
  }

  // Every query the ledger answers, at known_at `k`, as text.
  std::vector<std::string> AnswersAt(uint64_t k) {
    std::vector<std::string> out;
    auto add = [&out](const auto& result) {
      out.push_back(result.ok() ? result->ShortDebugString() : result.status().ToString());
    };
    for (const char* pcn : {"U10001", "U10002"}) {
      v1::BalanceRequest balance = AboutPcn<v1::BalanceRequest>(pcn, k);
      balance.set_financial_year(2022);
      add(ledger_->GetBalance(balance));
      v1::CapUsageRequest caps = AboutPcn<v1::CapUsageRequest>(pcn, k);
      *caps.mutable_as_of() = D(2022, 9, 30);
      add(ledger_->GetCapUsage(caps));
      v1::WorkforceRequest workforce = AboutPcn<v1::WorkforceRequest>(pcn, k);
      *workforce.mutable_as_of() = D(2022, 9, 30);
      add(ledger_->GetWorkforce(workforce));
      add(ledger_->GetAuditTrail(AboutPcn<v1::AuditRequest>(pcn, k)));
      v1::ExplainRequest explain = AboutPcn<v1::ExplainRequest>(pcn, k);
      explain.set_claim_id("2021-09");
      add(ledger_->ExplainClaim(explain));
    }
    v1::BalanceRequest by_time;  // known_at given as a recorded time
    by_time.set_pcn_code("U10001");
    by_time.set_financial_year(2022);
    by_time.mutable_known_at()->set_recorded_at_micros(ledger_->log().Get(k)->recorded_at_micros());
    add(ledger_->GetBalance(by_time));
    v1::RulesRequest rules = KnownAt<v1::RulesRequest>(k);
    rules.set_financial_year(2022);
    add(ledger_->GetRules(rules));
    v1::RegionRequest region = KnownAt<v1::RegionRequest>(k);
    *region.mutable_as_of() = D(2022, 3, 31);
    add(ledger_->GetRegionSummary(region));
    add(ledger_->ListPcns(KnownAt<v1::ListPcnsRequest>(k)));
    return out;
  }

  std::vector<std::vector<std::string>> AllAnswers() {
    std::vector<std::vector<std::string>> out;
    for (uint64_t k = 1; k <= Head(); ++k) out.push_back(AnswersAt(k));
    return out;
  }
};

TEST_F(SnapshotTest, RestoredLedgerAnswersAsAFullFoldAtEveryPosition) {
  BuildHistory();
  const uint64_t head = Head();
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);
  EXPECT_EQ(ledger_->startup().snapshot_position, 0u);
  EXPECT_EQ(ledger_->startup().events_folded, head);
  const std::vector<std::string> at_head = AnswersAt(head);
  const auto expected = AllAnswers();
  absl::StatusOr<uint64_t> written = ledger_->WriteSnapshot();
  ASSERT_OK(written);
  EXPECT_EQ(*written, head);

  // Nothing read yet: the explanation (which needs the claim's events) comes first.
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
  EXPECT_EQ(ledger_->startup().snapshot_position, head);
  EXPECT_EQ(ledger_->startup().snapshot_refused, "");
  EXPECT_EQ(ledger_->startup().events_folded, 0u);
  EXPECT_EQ(ledger_->ColdStreams(), 2u);
  v1::CapUsageRequest now;  // the head model answers without reading events
  now.set_pcn_code("U10001");
  *now.mutable_as_of() = D(2022, 10, 1);
  ASSERT_OK(ledger_->GetCapUsage(now));
  EXPECT_EQ(ledger_->ColdStreams(), 2u);
  v1::BalanceRequest balance;  // a balance restates the paid claims: it reads the events
  balance.set_pcn_code("U10001");
  balance.set_financial_year(2022);
  ASSERT_OK(ledger_->GetBalance(balance));
  EXPECT_EQ(ledger_->ColdStreams(), 1u);
  EXPECT_EQ(AnswersAt(head), at_head);
  EXPECT_EQ(ledger_->ColdStreams(), 0u);  // the explanations and audit trails read them
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
  EXPECT_EQ(AllAnswers(), expected);
}

TEST_F(SnapshotTest, RestoredStreamsTakeCommandsAndCorrectionsAsBefore) {
  BuildHistory();
  auto continue_history = [this]() {
    const absl::CivilDay month(2024, 1, 1);
    absl::StatusOr<v1::CommandResult> submitted =
        Claim("U10001", "2024-01", ToProtoDate(month), {{"cp-1", 460000}, {"ap-1", 390000}});
    ASSERT_OK(submitted);
    ASSERT_OK(Assess("U10001", "2024-01"));
    ASSERT_TRUE(CorrectClaim("U10001", submitted->first_position(), "2024-01",
                             ToProtoDate(month), "cp-1", 300000, "hours wrong")
                    .ok());
    ASSERT_OK(Hire("U10002", "pa-1", v1::PHYSICIAN_ASSOCIATE, D(2024, 1, 1), kWholeTimeBp));
    // Commands on claims from before the snapshot: they need the restored claim's events.
    v1::BalanceRequest year;
    year.set_pcn_code("U10002");
    year.set_financial_year(2021);
    absl::StatusOr<v1::Balance> balance = ledger_->GetBalance(year);
    ASSERT_OK(balance);
    int64_t approved = -1;
    for (const v1::ClaimSummary& c : balance->claims()) {
      if (c.claim_id() == "2021-08") approved = c.approved_pence();
    }
    ASSERT_GT(approved, 0);
    absl::StatusOr<v1::CommandResult> paid = Pay("U10002", "2021-08", D(2021, 10, 1), approved);
    ASSERT_OK(paid);
    v1::ReduceClaimLineRequest reduce;
    *reduce.mutable_header() = Header("overclaimed");
    reduce.set_pcn_code("U10002");
    reduce.set_claim_id("2021-09");
    reduce.set_line_no(2);
    reduce.set_approved_pence(100000);
    absl::StatusOr<v1::CommandResult> reduced = ledger_->ReduceClaimLine("test:icb", reduce);
    ASSERT_OK(reduced);
    // The same staff member claimed again for a month claimed before the snapshot.
    absl::StatusOr<v1::CommandResult> twice =
        Claim("U10002", "again-2021-10", D(2021, 10, 1), {{"cp-1", 1000}});
    EXPECT_FALSE(twice.ok());
    EXPECT_THAT(std::string(twice.status().message()), ::testing::HasSubstr("already claimed"));
  };
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/true);  // writes a snapshot at close
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
  ASSERT_EQ(ledger_->startup().snapshot_position, Head());
  EXPECT_EQ(ledger_->ColdStreams(), 2u);
  continue_history();
  const auto restored = AllAnswers();

  // The same log folded from scratch gives the same answers.
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);
  EXPECT_EQ(AllAnswers(), restored);
}

TEST_F(SnapshotTest, EventsAfterTheSnapshotAreFoldedOnTopOfIt) {
  BuildHistory();
  const uint64_t snapshot_at = Head();
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/true);
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
  ASSERT_OK(Claim("U10002", "2024-02", D(2024, 2, 1), {{"cp-1", 450000}}));
  ASSERT_OK(Assess("U10002", "2024-02"));
  v1::ReduceClaimLineRequest reduce;  // a claim assessed before the snapshot
  *reduce.mutable_header() = Header("overclaimed");
  reduce.set_pcn_code("U10002");
  reduce.set_claim_id("2021-12");
  reduce.set_line_no(2);
  reduce.set_approved_pence(100000);
  ASSERT_OK(ledger_->ReduceClaimLine("test:icb", reduce));
  Register("U10003", "QAA", 30000, 0);
  const uint64_t head = Head();
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);
  const auto expected = AllAnswers();

  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
  EXPECT_EQ(ledger_->startup().snapshot_position, snapshot_at);
  EXPECT_EQ(ledger_->startup().events_folded, head - snapshot_at);
  // The later events were folded into the restored head models without reading them,
  // except the reduction's (it re-totals the assessment's lines).
  EXPECT_EQ(ledger_->ColdStreams(), 1u);
  EXPECT_EQ(AllAnswers(), expected);
}

TEST_F(SnapshotTest, TheSnapshotIsTheMessagesOwnDeterministicEncoding) {
  // Written stream by stream, it must still be what protobuf's deterministic serialisation
  // of the whole message gives, so that any reader of the message format reads it.
  BuildHistory();
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);
  ASSERT_OK(ledger_->WriteSnapshot());
  absl::StatusOr<store::EventLog::Snapshot> stored =
      ledger_->log().LatestSnapshot(engine::kLedgerSnapshot, Head());
  ASSERT_OK(stored);
  v1::LedgerSnapshot parsed;
  ASSERT_TRUE(parsed.ParseFromString(stored->state));
  EXPECT_EQ(parsed.position(), Head());
  EXPECT_EQ(parsed.recorded_at_micros_size(), static_cast<int>(Head()));
  ASSERT_EQ(parsed.streams_size(), 3);  // two PCNs and the rule book
  EXPECT_EQ(parsed.streams(0).stream(), "pcn/U10001");
  EXPECT_EQ(parsed.streams(1).stream(), "pcn/U10002");
  EXPECT_GT(parsed.streams(0).head().claims_size(), 0);
  EXPECT_EQ(parsed.through_position(), Head());
  std::string reencoded;
  {
    google::protobuf::io::StringOutputStream raw(&reencoded);
    google::protobuf::io::CodedOutputStream coded(&raw);
    coded.SetSerializationDeterministic(true);
    parsed.SerializeToCodedStream(&coded);
  }
  EXPECT_TRUE(reencoded == stored->state) << "the bytes differ from the message's encoding";
}

TEST_F(SnapshotTest, ASnapshotThatDoesNotMatchTheLogIsRefusedAndTheLogFolded) {
  BuildHistory();
  const uint64_t head = Head();
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);
  const auto expected = AnswersAt(head);
  ASSERT_OK(ledger_->WriteSnapshot());
  absl::StatusOr<store::EventLog::Snapshot> good =
      ledger_->log().LatestSnapshot(engine::kLedgerSnapshot, head);
  ASSERT_OK(good);
  auto altered = [&](const std::function<void(v1::LedgerSnapshot&)>& change) {
    v1::LedgerSnapshot snapshot;
    EXPECT_TRUE(snapshot.ParseFromString(good->state));
    change(snapshot);
    return snapshot.SerializeAsString();
  };
  struct Case {
    std::string bytes;
    std::string says;
  };
  std::vector<Case> cases = {
      {"not a snapshot at all \xff\xff", "does not parse"},
      {altered([](v1::LedgerSnapshot& s) { s.set_hash(std::string(32, 'x')); }),
       "hash at position"},
      {altered([](v1::LedgerSnapshot& s) { s.set_format(99); }), "format 99"},
      {altered([](v1::LedgerSnapshot& s) { s.mutable_recorded_at_micros()->RemoveLast(); }),
       "recorded times"},
      {good->state.substr(0, good->state.size() / 2), "does not parse"},
      // A stream entry (field 5, three bytes) that is not a StreamSnapshot.
      {good->state + std::string("\x2a\x03\xff\xff\xff", 5),
       "the snapshot's stream entry 4: does not parse as arrs.v1.StreamSnapshot"},
  };
  for (const Case& c : cases) {
    ASSERT_OK(ledger_->log().PutSnapshot(engine::kLedgerSnapshot, head, c.bytes));
    OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
    EXPECT_EQ(ledger_->startup().snapshot_position, 0u) << c.says;
    EXPECT_THAT(ledger_->startup().snapshot_refused, ::testing::HasSubstr(c.says));
    EXPECT_EQ(ledger_->startup().events_folded, head);
    EXPECT_EQ(AnswersAt(head), expected) << c.says;
  }
  // Closing writes a good snapshot at the head in place of the refused one.
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/true);
  EXPECT_EQ(ledger_->startup().snapshot_position, 0u);
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
  EXPECT_EQ(ledger_->startup().snapshot_position, head);
  EXPECT_EQ(ledger_->startup().snapshot_refused, "");
}

TEST_F(SnapshotTest, AModelThatDisagreesWithItsEventsIsRefusedWhenReadAndSnapshotsDropped) {
  const uint64_t head = FoldedHistory();
  const auto expected = AnswersAt(head / 2);
  ASSERT_OK(ledger_->WriteSnapshot());
  v1::LedgerSnapshot snapshot;
  ASSERT_TRUE(snapshot.ParseFromString(
      ledger_->log().LatestSnapshot(engine::kLedgerSnapshot, head)->state));
  bool altered = false;
  for (v1::StreamSnapshot& s : *snapshot.mutable_streams()) {
    if (s.stream() != "pcn/U10001") continue;
    v1::ClaimSnapshot* claim = s.mutable_head()->mutable_claims(0);
    claim->set_approved_total_pence(claim->approved_total_pence() + 1);  // one penny more
    altered = true;
  }
  ASSERT_TRUE(altered);
  ASSERT_TRUE(ledger_->log()
                  .PutSnapshot(engine::kLedgerSnapshot, head, snapshot.SerializeAsString())
                  .ok());
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/true);
  ASSERT_EQ(ledger_->startup().snapshot_position, head);  // nothing shows until it is read
  v1::AuditRequest audit;
  audit.set_pcn_code("U10001");
  EXPECT_EQ(ledger_->GetAuditTrail(audit).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ledger_->WriteSnapshot().status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ledger_->log().LatestSnapshot(engine::kLedgerSnapshot, head).status().code(),
            absl::StatusCode::kNotFound);
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);  // the close wrote none either
  EXPECT_EQ(ledger_->startup().snapshot_position, 0u);
  EXPECT_EQ(AnswersAt(head / 2), expected);
}

TEST_F(SnapshotTest, OnlyTheLatestSnapshotIsKept) {
  BuildHistory();
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/true);
  const uint64_t first = Head();
  ASSERT_OK(Hire("U10002", "pa-1", v1::PHYSICIAN_ASSOCIATE, D(2024, 1, 1), kWholeTimeBp));
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/true);  // the close writes at the new head
  EXPECT_EQ(ledger_->startup().snapshot_position, Head());
  EXPECT_EQ(ledger_->log().LatestSnapshot(engine::kLedgerSnapshot, first).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SnapshotTest, ThreadsReadingARestoredStreamAtOnceAgree) {
  const uint64_t head = FoldedHistory();
  const auto expected = AnswersAt(head / 2);
  ASSERT_OK(ledger_->WriteSnapshot());
  for (int round = 0; round < 4; ++round) {
    // Rounds 2 and 3 race the background warm-up as well.
    OpenWith(/*restore=*/true, /*snapshot_on_close=*/false, /*warm=*/round >= 2);
    if (round >= 2) {
      EXPECT_EQ(ledger_->startup().streams_to_warm, 2u);
    }
    std::vector<std::vector<std::string>> got(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] { got[t] = AnswersAt(head / 2); });
    }
    for (std::thread& thread : threads) thread.join();
    for (const auto& answers : got) EXPECT_EQ(answers, expected);
  }
}

TEST_F(SnapshotTest, SnapshotsTakenWhileCommandsCommitRestoreExactly) {
  // A snapshot is encoded a few streams at a time, so a stream may be encoded with events
  // after the snapshot's position; restoring must fold each of those events once.
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);  // only the snapshots below
  BuildHistory();
  std::atomic<bool> done{false};
  std::thread writer([&] { ClaimMonthsThenSetDone(2024, 12, &done); });
  int written = 0;
  while (!done) {
    absl::StatusOr<uint64_t> at = ledger_->WriteSnapshot();
    EXPECT_OK(at);
    if (!at.ok()) break;
    ++written;
  }
  writer.join();
  EXPECT_GT(written, 1);
  const uint64_t snapshot_at =
      ledger_->log().LatestSnapshot(engine::kLedgerSnapshot, Head())->position;
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);
  const auto expected = AllAnswers();
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
  EXPECT_EQ(ledger_->startup().snapshot_position, snapshot_at);
  EXPECT_EQ(AllAnswers(), expected);
}

TEST_F(SnapshotTest, StreamsEncodedBeyondTheSnapshotPositionFoldTheirLaterEventsOnce) {
  // What a snapshot taken while commands commit can hold, made on purpose: streams as at
  // the head H, the snapshot's position P < H. The events P+1..H are folded after the
  // restore and must count once.
  const uint64_t head = FoldedHistory();
  const auto expected = AllAnswers();
  ASSERT_OK(ledger_->WriteSnapshot());
  v1::LedgerSnapshot snapshot;
  ASSERT_TRUE(snapshot.ParseFromString(
      ledger_->log().LatestSnapshot(engine::kLedgerSnapshot, head)->state));
  const uint64_t position = head - 7;
  snapshot.set_position(position);
  snapshot.set_hash(ledger_->log().Get(position)->hash());
  snapshot.mutable_recorded_at_micros()->Truncate(static_cast<int>(position));
  ASSERT_OK(ledger_->log().DeleteSnapshotsBefore(engine::kLedgerSnapshot, head + 1));
  ASSERT_TRUE(ledger_->log()
                  .PutSnapshot(engine::kLedgerSnapshot, position, snapshot.SerializeAsString())
                  .ok());
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false);
  EXPECT_EQ(ledger_->startup().snapshot_position, position);
  EXPECT_EQ(ledger_->startup().events_folded, 7u);
  EXPECT_EQ(AllAnswers(), expected);
}

TEST_F(SnapshotTest, SnapshotsAreWrittenEverySoManyEventsWithoutAClose) {
  engine::LedgerOptions options;
  options.snapshot_every_events = 20;
  options.snapshot_on_close = false;
  Reopen(options);
  BuildHistory();
  absl::StatusOr<store::EventLog::Snapshot> latest;
  for (int tries = 0; tries < 100; ++tries) {  // the writer checks every second
    latest = ledger_->log().LatestSnapshot(engine::kLedgerSnapshot, Head());
    if (latest.ok() && latest->position + 20 > Head()) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_OK(latest);
  EXPECT_GT(latest->position + 20, Head());
}

TEST_F(SnapshotTest, TheBackgroundWarmUpReadsEveryRestoredStream) {
  BuildHistory();
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/true);
  const auto expected = AllAnswers();
  OpenWith(/*restore=*/true, /*snapshot_on_close=*/false, /*warm=*/true);
  EXPECT_EQ(ledger_->startup().streams_to_warm, 2u);  // the rule book's is read at restore
  ledger_->WaitForWarmUp();
  EXPECT_EQ(ledger_->ColdStreams(), 0u);
  // Every old view, from the events the warm-up read (into arena pages the state keeps).
  EXPECT_EQ(AllAnswers(), expected);
  // A warmed stream takes commands: the new events join those read.
  ASSERT_OK(Hire("U10001", "cp-2", v1::CLINICAL_PHARMACIST, D(2024, 4, 1), 5000));
  const auto after = AllAnswers();
  OpenWith(/*restore=*/false, /*snapshot_on_close=*/false);
  EXPECT_EQ(AllAnswers(), after);
}

}  // namespace
}  // namespace arrs::testing_support
