// Ledger: the application core that arrsd, arrsctl (offline) and the tests share, and the
// one door services/ uses into the ledger (it sees only this header's types).
//
// It owns the EventLog and keeps, in memory, every stream's events and each PCN's model
// folded at the head, maintained from the log's commit listener. Commands are decided
// against the head model and appended at the stream version they were decided on.
// Commands on one stream run one at a time in the order they came, each decided once the
// previous one's append is synced (ledger/engine/command_runner.h), so they never conflict
// with each other; the one conflict left is a caller's expected_version that is not the
// stream's version, returned as ABORTED (re-read and retry). Nothing is retried here.
// Queries fold the PCN's own stream up to known_at (never the whole log) or use the head
// model when known_at is the head.
//
// Where the work is: opening, closing, snapshots and warm-up in ledger.cc; commands in
// ledger_commands.cc; queries in ledger_queries.cc; the log's administration (verify,
// backup, stats, reading and following the log) in ledger_admin.cc.
//
// Start-up restores the latest snapshot (ledger/engine/snapshot.h) that matches the log
// and folds only the events after it; without a usable one it folds the whole log. A
// snapshot is written at close, when the head moved since the last one, and every
// snapshot_every_events events.
//
// Thread safety: all methods may be called concurrently.
#ifndef ARRS_LEDGER_ENGINE_LEDGER_H_
#define ARRS_LEDGER_ENGINE_LEDGER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "arrs/v1/api.pb.h"
#include "ledger/store/event_log.h"

namespace arrs::engine {

class CommandRunner;
class LedgerState;
struct StreamRead;

struct LedgerOptions {
  store::LogOptions log;
  // Start from the latest snapshot when one matches the log.
  bool restore_snapshot = true;
  // Write a snapshot when the Ledger is destroyed (if the head moved since the last).
  bool snapshot_on_close = true;
  // Also write one, from a background thread checking every second, once this many
  // events have been folded since the last (0: only at close). Bounds what a start after
  // a crash has to fold.
  uint64_t snapshot_every_events = 100000;
  // After a restore, read the PCN streams' events in a background thread, so that old
  // views do not wait for them (each is otherwise read when first needed).
  bool warm_after_restore = true;
  // Commands that may wait behind the one running on a stream (a PCN); one more is
  // refused at once with RESOURCE_EXHAUSTED naming the stream and this limit.
  size_t max_queued_per_stream = 1024;
};

// How the Ledger's state was built at Open.
struct StartupReport {
  uint64_t snapshot_position = 0;  // 0 when no snapshot was restored
  std::string snapshot_refused;    // why the latest snapshot was not used ("" if it was)
  uint64_t events_folded = 0;      // events read and folded after the snapshot
  size_t streams_to_warm = 0;      // restored streams whose events were not yet read
};

class Ledger {
 public:
  static absl::StatusOr<std::unique_ptr<Ledger>> Open(const std::string& dir,
                                                      LedgerOptions options = {});
  ~Ledger();
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // The log itself, for offline tools (arrsctl replay/verify) and tests. services/ uses
  // the methods below instead.
  store::EventLog& log() { return *log_; }
  const StartupReport& startup() const { return startup_; }

  // The log's administration (ledger_admin.cc).
  // The position of the last event committed (0 for an empty log).
  uint64_t HeadPosition() const;
  // Recomputes the whole hash chain from position 1, checks the files and the indexes
  // (EventLog::Verify), then every stored snapshot against the log (snapshot_verifier.h),
  // and reports (never fails: a broken chain is reported with its first bad position, a
  // bad index or snapshot with position 0 and a problem naming it).
  v1::VerifyResponse Verify() const;
  // A consistent, openable copy of the whole data folder in `target_dir` (which must not
  // exist), with the head it holds at least. Errors: the store's (e.g. the folder exists).
  absl::StatusOr<v1::BackupResponse> Backup(const std::string& target_dir) const;
  // The head, the live data size, and each registered PCN's and the rule book's event
  // count. Errors: a state that stopped following the log (DATA_LOSS).
  absl::StatusOr<v1::StatsResponse> Stats() const;
  // The log's counters (appends, fsyncs, append latency, queue depth), for monitoring.
  store::LogStats LogCounters() const;
  // Appends pending and commit groups finished (cheap; what the write stall watchdog polls).
  store::WriteProgress WriteProgress() const;
  // OK while the log writes; UNAVAILABLE (why, and the remedy) once a storage error has
  // stopped it for good (store::EventLog::WritingStopped).
  absl::Status WritingStopped() const;
  // Up to `max_events` committed events from `from_position` (>= 1) on, in position
  // order (none when from_position is beyond the head).
  absl::StatusOr<std::vector<v1::Event>> ReadEvents(uint64_t from_position,
                                                    size_t max_events) const;
  // Calls `listener` with each batch of events committed from now on, in position order,
  // on the log's committing thread. It must be quick and must not call a command,
  // Verify or Backup (they wait for the batch being published). Returns an id for
  // RemoveCommitListener.
  using CommitListener = std::function<void(const std::vector<v1::Event>& committed)>;
  int AddCommitListener(CommitListener listener);
  void RemoveCommitListener(int id);

  // Stores a snapshot of the state at its current head and deletes older ones. Returns
  // the snapshot's position (nothing is written when this ledger restored or wrote one at
  // the head). FAILED_PRECONDITION, after deleting every snapshot, once a restored
  // stream's events disagreed with its snapshot.
  absl::StatusOr<uint64_t> WriteSnapshot();
  // The latest snapshot this process wrote or restored (position 0 when none), and when:
  // for monitoring (arrsd's /metrics), read without waiting for a snapshot being written.
  struct SnapshotStatus {
    uint64_t position = 0;
    absl::Time taken = absl::InfinitePast();
  };
  SnapshotStatus LatestSnapshot() const;
  // Blocks until the background read of restored streams (warm_after_restore) is done;
  // returns at once when there is none or it is over.
  void WaitForWarmUp();
  // Restored streams whose events have not been read yet.
  size_t ColdStreams() const;

  // Commands. `actor` is the authenticated principal recorded on every event.
  absl::StatusOr<v1::CommandResult> RegisterPcn(const std::string& actor,
                                                const v1::RegisterPcnRequest& r);
  absl::StatusOr<v1::CommandResult> RecordListSize(const std::string& actor,
                                                   const v1::RecordListSizeRequest& r);
  absl::StatusOr<v1::CommandResult> RecordLondonZone(const std::string& actor,
                                                     const v1::RecordLondonZoneRequest& r);
  absl::StatusOr<v1::CommandResult> RecordBaseline(const std::string& actor,
                                                   const v1::RecordBaselineRequest& r);
  absl::StatusOr<v1::CommandResult> SetEntitlement(const std::string& actor,
                                                   const v1::SetEntitlementRequest& r);
  absl::StatusOr<v1::CommandResult> HireStaff(const std::string& actor,
                                              const v1::HireStaffRequest& r);
  absl::StatusOr<v1::CommandResult> ChangeStaff(const std::string& actor,
                                                const v1::StaffChangeRequest& r);
  absl::StatusOr<v1::CommandResult> SubmitClaim(const std::string& actor,
                                                const v1::SubmitClaimRequest& r);
  absl::StatusOr<v1::CommandResult> AssessClaim(const std::string& actor,
                                                const v1::AssessClaimRequest& r);
  absl::StatusOr<v1::CommandResult> ReduceClaimLine(const std::string& actor,
                                                    const v1::ReduceClaimLineRequest& r);
  absl::StatusOr<v1::CommandResult> PayClaim(const std::string& actor,
                                             const v1::PayClaimRequest& r);
  absl::StatusOr<v1::CommandResult> Correct(const std::string& actor,
                                            const v1::CorrectRequest& r);
  absl::StatusOr<v1::CommandResult> PublishRules(const std::string& actor,
                                                 const v1::PublishRulesRequest& r);
  // Settlement of restated claims (domain/settle.h): decided against the claim's
  // restatement at the head, every payment and settlement counted.
  absl::StatusOr<v1::CommandResult> PayArrears(const std::string& actor,
                                               const v1::PayArrearsRequest& r);
  absl::StatusOr<v1::CommandResult> RecoverOverpayment(const std::string& actor,
                                                       const v1::RecoverOverpaymentRequest& r);

  // The PCN commands above without blocking, for servers that keep many commands in
  // flight on few threads. `done` is called exactly once with what the blocking command
  // would return: after the events are synced, on the log's committing thread, or at once
  // on this thread when nothing is appended (refused, or a request id served before).
  // `r` must stay valid until then. `done` must be quick and must not call a blocking
  // command. Commands on one stream, blocking or not, run in the order they came, each
  // decided once the previous one is synced.
  using CommandDone = absl::AnyInvocable<void(absl::StatusOr<v1::CommandResult>)>;
  void CommandAsync(const std::string& actor, const v1::RegisterPcnRequest& r, CommandDone done);
  void CommandAsync(const std::string& actor, const v1::RecordListSizeRequest& r,
                    CommandDone done);
  void CommandAsync(const std::string& actor, const v1::RecordLondonZoneRequest& r,
                    CommandDone done);
  void CommandAsync(const std::string& actor, const v1::RecordBaselineRequest& r,
                    CommandDone done);
  void CommandAsync(const std::string& actor, const v1::SetEntitlementRequest& r,
                    CommandDone done);
  void CommandAsync(const std::string& actor, const v1::HireStaffRequest& r, CommandDone done);
  void CommandAsync(const std::string& actor, const v1::StaffChangeRequest& r, CommandDone done);
  void CommandAsync(const std::string& actor, const v1::SubmitClaimRequest& r, CommandDone done);
  void CommandAsync(const std::string& actor, const v1::AssessClaimRequest& r, CommandDone done);
  void CommandAsync(const std::string& actor, const v1::ReduceClaimLineRequest& r,
                    CommandDone done);
  void CommandAsync(const std::string& actor, const v1::PayClaimRequest& r, CommandDone done);
  void CommandAsync(const std::string& actor, const v1::CorrectRequest& r, CommandDone done);
  void CommandAsync(const std::string& actor, const v1::PayArrearsRequest& r, CommandDone done);
  void CommandAsync(const std::string& actor, const v1::RecoverOverpaymentRequest& r,
                    CommandDone done);

  // Publishes every rules file in `dir` whose version is not yet in force (idempotent:
  // request id "rules-file:<version>"). Returns how many were newly published.
  absl::StatusOr<int> PublishRulesDir(const std::string& dir, const std::string& actor);

  // Queries (bitemporal; see api.proto).
  absl::StatusOr<v1::Balance> GetBalance(const v1::BalanceRequest& r) const;
  absl::StatusOr<v1::CapUsage> GetCapUsage(const v1::CapUsageRequest& r) const;
  absl::StatusOr<v1::Workforce> GetWorkforce(const v1::WorkforceRequest& r) const;
  absl::StatusOr<v1::AuditTrail> GetAuditTrail(const v1::AuditRequest& r) const;
  absl::StatusOr<v1::RegionSummary> GetRegionSummary(const v1::RegionRequest& r) const;
  absl::StatusOr<v1::Explanation> ExplainClaim(const v1::ExplainRequest& r) const;
  absl::StatusOr<v1::RulesResponse> GetRules(const v1::RulesRequest& r) const;
  // Coverage of the rule versions in force (rules/coverage.h): one year, or every year
  // when financial_year is 0. NOT_FOUND when the year has no version.
  absl::StatusOr<v1::RulesCoverageResponse> GetRulesCoverage(
      const v1::RulesCoverageRequest& r) const;
  absl::StatusOr<v1::ListPcnsResponse> ListPcns(const v1::ListPcnsRequest& r) const;
  // Per PCN (one ICB or all), the paid claims whose restatement at known_at owes arrears
  // or an overpayment, with causes. Reads every PCN's events.
  absl::StatusOr<v1::ArrearsReport> GetArrears(const v1::ArrearsRequest& r) const;
  // Claims of every registered PCN (of r.icb_code when given) as known at r.known_at, by
  // status and year; each PCN read under its own hold of the state's reader lock.
  absl::StatusOr<v1::ClaimList> ListClaims(const v1::ListClaimsRequest& r) const;

  // The ICB a registered PCN belongs to ("" when the PCN is not registered).
  std::string IcbOf(const std::string& pcn_code) const;

  // The log position a KnownAt names (the head when unset); INVALID_ARGUMENT beyond it.
  absl::StatusOr<uint64_t> ResolveKnownAt(const v1::KnownAt& known_at) const;

 private:
  Ledger(std::unique_ptr<store::EventLog> log, std::unique_ptr<LedgerState> state);
  // Restores the latest snapshot into the (empty) state; on any problem leaves the state
  // empty and says why in startup_.
  void RestoreLatestSnapshot();
  // The background thread of warm_after_restore: reads the events of every restored
  // stream not yet read, until done or stopping_.
  void WarmStreams();
  // Reads the events of the restored streams not yet read that a view at `known_at`
  // needs, one stream per hold of the state's reader lock, so that a query over every PCN
  // does not hold the lock (and commits) for all of them at once.
  void LoadColdStreams(uint64_t known_at) const;
  // Calls visit(const StreamRead&) with each PCN registered as known at `known_at`, its
  // model then and its events (read first if the stream was restored without them), in
  // stream-name order, each under its own hold of the state's reader lock.
  absl::Status ForEachPcnWithEvents(uint64_t known_at,
                                    absl::FunctionRef<void(const StreamRead&)> visit) const;
  // Records a snapshot written or restored, for LatestSnapshot.
  void NoteSnapshot(uint64_t position);
  // The background thread of snapshot_every_events, until stop_snapshots_.
  void SnapshotPeriodically();

  std::unique_ptr<store::EventLog> log_;
  std::unique_ptr<LedgerState> state_;
  std::unique_ptr<CommandRunner> commands_;  // every command, queued per stream (once opened)
  int listener_id_ = -1;
  LedgerOptions options_;
  StartupReport startup_;
  absl::Mutex snapshot_mu_;  // serialises WriteSnapshot
  uint64_t last_snapshot_ ABSL_GUARDED_BY(snapshot_mu_) = 0;  // latest snapshot known to exist
  // What LatestSnapshot reports, set with last_snapshot_.
  std::atomic<uint64_t> snapshot_position_{0};
  std::atomic<int64_t> snapshot_taken_micros_{0};
  bool opened_ = false;  // Open completed (threads started, state complete)
  std::atomic<bool> stopping_{false};
  absl::Mutex warmer_mu_;  // joining warmer_
  std::thread warmer_;
  absl::Notification stop_snapshots_;
  std::thread snapshotter_;
};

}  // namespace arrs::engine

#endif  // ARRS_LEDGER_ENGINE_LEDGER_H_
