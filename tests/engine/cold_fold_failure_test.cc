// The fold of the log at open, after a snapshot, meets a correction on a PCN whose events
// have not been read (a restored, cold stream), and reading them fails. The state must say
// so with the read's own code (an I/O error is UNAVAILABLE: try again), naming the stream
// and the position, instead of a DATA_LOSS for everything; once the storage answers, the
// same log folds to the same model as a ledger that never restarted.
#include <gtest/gtest.h>

#include "ledger/engine/ledger_state.h"
#include "ledger/engine/log_loader.h"
#include "ledger/engine/snapshot.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using ::testing::HasSubstr;

// Reads through to `log`, except that reading a PCN stream's events fails while `failing`.
class StreamReadsFail : public store::EventLog {
 public:
  explicit StreamReadsFail(store::EventLog& log) : log_(log) {}
  bool failing = true;

  absl::StatusOr<std::vector<v1::Event>> ReadStream(const std::string& stream,
                                                    uint64_t from_version,
                                                    size_t max_events) const override {
    if (failing && stream.starts_with("pcn/")) {
      return absl::UnavailableError("reading stream " + stream + ": injected");
    }
    return log_.ReadStream(stream, from_version, max_events);
  }
  absl::StatusOr<store::AppendResult> Append(store::AppendRequest r) override {
    return log_.Append(std::move(r));
  }
  void AppendAsync(store::AppendRequest r, store::AppendCallback done) override {
    log_.AppendAsync(std::move(r), std::move(done));
  }
  absl::StatusOr<std::vector<v1::Event>> ReadFrom(uint64_t from, size_t n) const override {
    return log_.ReadFrom(from, n);
  }
  absl::StatusOr<std::vector<v1::Event*>> ReadFromArena(
      uint64_t from, size_t n, google::protobuf::Arena* arena) const override {
    return log_.ReadFromArena(from, n, arena);
  }
  absl::StatusOr<v1::Event> Get(uint64_t position) const override { return log_.Get(position); }
  absl::StatusOr<std::optional<store::AppendResult>> FindRequest(
      const std::string& stream, const std::string& request_id) const override {
    return log_.FindRequest(stream, request_id);
  }
  store::Head head() const override { return log_.head(); }
  absl::StatusOr<uint64_t> StreamVersion(const std::string& stream) const override {
    return log_.StreamVersion(stream);
  }
  store::VerifyReport Verify() const override { return log_.Verify(); }
  int AddListener(store::AppendListener listener) override {
    return log_.AddListener(std::move(listener));
  }
  absl::StatusOr<int> SetSink(store::AppendSink sink) override {
    return log_.SetSink(std::move(sink));
  }
  void RemoveListener(int id) override { log_.RemoveListener(id); }
  absl::Status PutSnapshot(const std::string& projection, uint64_t position,
                           const std::string& state) override {
    return log_.PutSnapshot(projection, position, state);
  }
  absl::StatusOr<Snapshot> LatestSnapshot(const std::string& projection,
                                          uint64_t at_or_before) const override {
    return log_.LatestSnapshot(projection, at_or_before);
  }
  absl::Status DeleteSnapshotsBefore(const std::string& projection,
                                     uint64_t position) override {
    return log_.DeleteSnapshotsBefore(projection, position);
  }
  absl::Status Checkpoint(const std::string& target_dir) const override {
    return log_.Checkpoint(target_dir);
  }
  store::LogStats Stats() const override { return log_.Stats(); }
  store::WriteProgress Progress() const override { return log_.Progress(); }
  absl::Status WritingStopped() const override { return log_.WritingStopped(); }

 private:
  store::EventLog& log_;
};

class ColdFoldFailureTest : public LedgerFixture {};

TEST_F(ColdFoldFailureTest, AFailedReadAtOpenNamesTheStreamWithTheReadsCode) {
  Register("U10001", "QAA", 52000, 50000000);
  absl::StatusOr<v1::CommandResult> hire =
      Hire("U10001", "para-1", v1::PARAMEDIC, D(2023, 5, 1), 6000);
  ASSERT_OK(hire);
  ASSERT_OK(Hire("U10001", "cp-1", v1::CLINICAL_PHARMACIST, D(2023, 4, 1), kWholeTimeBp));
  ASSERT_OK(ledger_->WriteSnapshot());
  v1::CorrectRequest reverse;  // after the snapshot: the fold at open must refold U10001
  *reverse.mutable_header() = Header("hired on the wrong PCN");
  reverse.set_pcn_code("U10001");
  reverse.set_corrects_position(hire->first_position());
  reverse.set_reverse(true);
  absl::StatusOr<v1::CommandResult> reversed = ledger_->Correct("admin:alice", reverse);
  ASSERT_OK(reversed);
  engine::LedgerState whole;  // the whole log folded, as if never restarted
  absl::StatusOr<std::vector<v1::Event>> all = ledger_->log().ReadFrom(1, 100000);
  ASSERT_OK(all);
  whole.Apply(*all);
  auto encode = [](const engine::StreamRead& read) -> absl::StatusOr<std::string> {
    return engine::EncodePcnModel(read.model);
  };
  absl::StatusOr<std::string> live = whole.ReadStreamAtHead<std::string>("pcn/U10001", encode);
  ASSERT_OK(live);

  StreamReadsFail log(ledger_->log());
  absl::StatusOr<store::EventLog::Snapshot> snapshot =
      log.LatestSnapshot(engine::kLedgerSnapshot, Head());
  ASSERT_OK(snapshot);
  ASSERT_LT(snapshot->position, reversed->first_position());
  for (const bool failing : {true, false}) {
    log.failing = failing;
    engine::LedgerState state;
    ASSERT_OK(engine::RestoreSnapshot(snapshot->state, log, state));
    state.SetEventSource(&log);
    ASSERT_OK(engine::LoadLog(log, state));
    EXPECT_EQ(state.HeadPosition(), Head());
    absl::StatusOr<std::string> model = state.ReadStreamAtHead<std::string>("pcn/U10001", encode);
    if (failing) {
      const absl::Status health = state.Health();
      EXPECT_EQ(health.code(), absl::StatusCode::kUnavailable) << health;
      EXPECT_THAT(health.message(), HasSubstr("pcn/U10001"));
      EXPECT_THAT(health.message(),
                  HasSubstr(absl::StrCat("position ", reversed->first_position())));
      EXPECT_EQ(model.status(), health);
    } else {
      ASSERT_OK(state.Health());
      ASSERT_OK(model);
      EXPECT_EQ(*model, *live);
    }
  }
}

}  // namespace
}  // namespace arrs::testing_support
