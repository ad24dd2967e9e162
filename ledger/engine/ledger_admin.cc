// Ledger's administration of its log, for services/ (AdminService): verifying the chain,
// the indexes and the snapshots, backups, statistics, and reading and following the
// committed events.
#include <string>
#include <utility>
#include <vector>

#include "ledger/domain/stream_names.h"
#include "ledger/engine/ledger.h"
#include "ledger/engine/snapshot_verifier.h"
#include "ledger/util/status_macros.h"

namespace arrs::engine {

uint64_t Ledger::HeadPosition() const { return log_->head().position; }

v1::VerifyResponse Ledger::Verify() const { return VerifyChainAndSnapshots(*log_); }

absl::StatusOr<v1::BackupResponse> Ledger::Backup(const std::string& target_dir) const {
  const store::Head head = log_->head();
  RETURN_IF_ERROR(log_->Checkpoint(target_dir));
  v1::BackupResponse out;
  out.set_target_dir(target_dir);
  out.set_head_position(head.position);
  out.set_head_hash(head.hash);
  return out;
}

store::LogStats Ledger::LogCounters() const { return log_->Stats(); }

store::WriteProgress Ledger::WriteProgress() const { return log_->Progress(); }

absl::Status Ledger::WritingStopped() const { return log_->WritingStopped(); }

absl::StatusOr<v1::StatsResponse> Ledger::Stats() const {
  const store::LogStats stats = log_->Stats();
  v1::StatsResponse out;
  out.set_head_position(stats.head.position);
  out.set_head_hash(stats.head.hash);
  out.set_data_bytes(stats.live_data_bytes);
  ASSIGN_OR_RETURN(pcns, ListPcns(v1::ListPcnsRequest()));
  for (const v1::PcnSummary& pcn : pcns.pcns()) {
    v1::StreamCount* count = out.add_streams();
    count->set_stream(domain::PcnStream(pcn.pcn_code()));
    count->set_events(pcn.stream_version());
  }
  absl::StatusOr<uint64_t> rules = log_->StreamVersion(domain::kRulesStream);
  if (rules.ok() && *rules > 0) {
    v1::StreamCount* count = out.add_streams();
    count->set_stream(domain::kRulesStream);
    count->set_events(*rules);
  }
  return out;
}

absl::StatusOr<std::vector<v1::Event>> Ledger::ReadEvents(uint64_t from_position,
                                                          size_t max_events) const {
  return log_->ReadFrom(from_position, max_events);
}

int Ledger::AddCommitListener(CommitListener listener) {
  return log_->AddListener(std::move(listener));
}

void Ledger::RemoveCommitListener(int id) { log_->RemoveListener(id); }

}  // namespace arrs::engine
