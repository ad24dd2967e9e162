// LoadLog reads pages on several threads and folds them in log order. Whatever the page
// size, the number of readers and how far they may run ahead, the state it builds must be
// the one a single in-order fold builds: the same events per stream in the same order, the
// same head models and the same answers.
#include "ledger/engine/log_loader.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/projections/projections.h"
#include "tests/engine/ledger_fixture.h"

namespace arrs::testing_support {
namespace {

using google::protobuf::util::MessageDifferencer;

// What a state holds for one stream, to compare two states.
struct StreamSummary {
  std::vector<uint64_t> positions;
  std::vector<std::string> hashes;
  size_t checkpoints = 0;
  v1::Balance balance;  // PCN streams: 2021/22 at 31 March 2022, at the head
};

std::map<std::string, StreamSummary> Summarise(engine::LedgerState& state, uint64_t head) {
  std::map<std::string, StreamSummary> out;
  state.ForEachStream([&out](const std::string& name, const engine::StreamState& stream) {
    StreamSummary& summary = out[name];
    for (const v1::Event* e : stream.events) {
      summary.positions.push_back(e->position());
      summary.hashes.push_back(e->hash());
    }
    summary.checkpoints = stream.checkpoints.size();
  });
  for (auto& [name, summary] : out) {
    if (!absl::StartsWith(name, "pcn/")) continue;
    summary.balance =
        state
            .ReadStreamAtHead<v1::Balance>(name,
                                           [head](const engine::StreamRead& read) {
                                             return projections::ComputeBalance(
                                                 read.model, read.rules, 2021,
                                                 absl::CivilDay(2022, 3, 31), head);
                                           })
            .value();
  }
  return out;
}

class LogLoaderTest : public LedgerFixture {
 protected:
  // Three PCNs whose commands interleave in the log, with claims and a correction.
  void WriteHistory() {
    for (const char* pcn : {"U10001", "U10002", "U10003"}) Register(pcn, "QAA", 52000, 50000000);
    for (const char* pcn : {"U10001", "U10002", "U10003"}) {
      ASSERT_OK(Hire(pcn, "cp-1", v1::CLINICAL_PHARMACIST, D(2021, 4, 1), kWholeTimeBp));
    }
    for (int i = 0; i < 12; ++i) {
      const absl::CivilDay month = absl::CivilDay(2021, 5 + i, 1);
      const std::string claim = FormatCivilDay(month).substr(0, 7);
      for (const char* pcn : {"U10001", "U10002", "U10003"}) {
        absl::StatusOr<v1::CommandResult> submitted =
            Claim(pcn, claim, ToProtoDate(month), {{"cp-1", 450000}});
        ASSERT_OK(submitted);
        ASSERT_OK(Assess(pcn, claim));
        if (i == 4 && std::string(pcn) == "U10002") {
          ASSERT_TRUE(CorrectClaim(pcn, submitted->first_position(), claim, ToProtoDate(month),
                                   "cp-1", 400000, "payroll corrected")
                          .ok());
        }
      }
    }
  }
};

TEST_F(LogLoaderTest, AnyPagingFoldsLikeOneInOrderFold) {
  WriteHistory();
  const uint64_t head = Head();
  ASSERT_GT(head, 100u);

  engine::LedgerState reference;
  absl::StatusOr<std::vector<v1::Event>> all = ledger_->log().ReadFrom(1, head);
  ASSERT_OK(all);
  reference.Apply(*all);
  const std::map<std::string, StreamSummary> expected = Summarise(reference, head);

  const engine::LoadOptions options[] = {
      {.page_events = 1, .readers = 1, .pages_ahead = 1},
      {.page_events = 7, .readers = 3, .pages_ahead = 1},
      {.page_events = 5, .readers = 2, .pages_ahead = 8},
      {.page_events = 13, .readers = 8, .pages_ahead = 2},  // more readers than needed
      {.page_events = 100000, .readers = 2, .pages_ahead = 6},  // one page
  };
  for (const engine::LoadOptions& o : options) {
    SCOPED_TRACE(absl::StrCat("page ", o.page_events, ", readers ", o.readers, ", ahead ",
                              o.pages_ahead));
    engine::LedgerState loaded;
    ASSERT_OK(engine::LoadLog(ledger_->log(), loaded, o));
    ASSERT_EQ(loaded.HeadPosition(), head);
    const std::map<std::string, StreamSummary> got = Summarise(loaded, head);
    ASSERT_EQ(got.size(), expected.size());
    for (const auto& [name, want] : expected) {
      auto it = got.find(name);
      ASSERT_NE(it, got.end()) << name;
      EXPECT_EQ(it->second.positions, want.positions) << name;
      EXPECT_EQ(it->second.hashes, want.hashes) << name;
      EXPECT_EQ(it->second.checkpoints, want.checkpoints) << name;
      EXPECT_TRUE(MessageDifferencer::Equals(it->second.balance, want.balance)) << name;
    }
    for (uint64_t p = 1; p <= head; p += 17) {
      v1::KnownAt at;
      at.set_recorded_at_micros((*all)[p - 1].recorded_at_micros());
      EXPECT_EQ(loaded.ResolveKnownAt(at).value(), reference.ResolveKnownAt(at).value()) << p;
    }
  }
}

TEST_F(LogLoaderTest, LoadsOnlyWhatTheStateHasNotFoldedYet) {
  WriteHistory();
  const uint64_t head = Head();
  engine::LedgerState state;
  absl::StatusOr<std::vector<v1::Event>> first = ledger_->log().ReadFrom(1, 40);
  ASSERT_OK(first);
  state.Apply(*first);
  ASSERT_OK(engine::LoadLog(ledger_->log(), state, {.page_events = 9, .readers = 2}));
  EXPECT_EQ(state.HeadPosition(), head);
  size_t events = 0;
  state.ForEachStream([&events](const std::string&, const engine::StreamState& stream) {
    events += stream.events.size();
  });
  EXPECT_EQ(events, head);  // each event folded once
}

TEST_F(LogLoaderTest, RefusesOptionsOutOfRange) {
  engine::LedgerState state;
  for (const engine::LoadOptions& o : {engine::LoadOptions{.page_events = 0},
                                       engine::LoadOptions{.readers = 0},
                                       engine::LoadOptions{.pages_ahead = 0}}) {
    const absl::Status s = engine::LoadLog(ledger_->log(), state, o);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_NE(s.message().find("load options out of range"), std::string::npos) << s;
  }
}

}  // namespace
}  // namespace arrs::testing_support
