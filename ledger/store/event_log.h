// EventLog: the ledger's durable, hash-chained, append-only event log on RocksDB.
//
// Every event lives once, at a dense global position (1, 2, 3, ...), in its stream at a
// dense stream version. Appends are atomic per request (all events of a request, or
// none), acknowledged only after the RocksDB WriteBatch holding them is synced to disk,
// and group-committed: concurrent callers are queued, and the caller at the front writes
// the queued requests in one batch and tells each caller its own positions. With other
// batches in flight, a batch is written unsynced and the log's syncer thread syncs every
// batch written so far at once; each is published (visible, acknowledged) only after
// that sync succeeds, and all of them fail, and are undone, if it fails.
//
// Layout (column families; keys big-endian so they sort by number):
//   events    : u64 position                         -> arrs.v1.Event bytes
//   streams   : stream id, 0x00, u64 stream_version   -> u64 position
//   requests  : stream id, 0x00, request id           -> RequestRecord (see log_format.h)
//   snapshots : projection id, 0x00, u64 position     -> opaque state bytes
//   meta      : "format_version" -> "2"; "head" -> u64 position + 32-byte hash
//
// Request ids are idempotency keys scoped to their stream: the same id on two streams is
// two requests, so one tenant cannot suppress (or probe) another's commands by reusing
// its ids.
//
// Thread safety: all methods may be called concurrently from any thread.
#ifndef ARRS_LEDGER_STORE_EVENT_LOG_H_
#define ARRS_LEDGER_STORE_EVENT_LOG_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "ledger/util/latency_histogram.h"
#include "arrs/v1/events.pb.h"

namespace rocksdb {
class Env;
}

namespace arrs::store {

struct LogOptions {
  // Create the data folder if it does not exist.
  bool create_if_missing = true;
  // Open for reading only (offline audits: arrsctl verify --data, replay): RocksDB's
  // read-only mode, which replays the write-ahead log in memory and writes no file, not
  // even its info log. The folder must hold a log of the current format. Appends and
  // snapshot writes fail with FAILED_PRECONDITION. Safe beside nothing that writes.
  bool read_only = false;
  // fsync every committed batch before acknowledging. Only benchmarks measuring the
  // cost of durability turn this off.
  bool sync = true;
  // Clock for recorded_at, microseconds since the Unix epoch; defaults to the system clock.
  std::function<int64_t()> now_micros;
  // Upper bound on requests (and on events) folded into one group commit.
  int max_requests_per_batch = 1024;
  int max_events_per_batch = 16384;
  // Upper bound on events in one request.
  int max_events_per_request = 10000;
  // Upper bound on appends queued or committing (taken into a group whose callers are not
  // yet answered, which includes batches written and waiting for their sync): beyond it an
  // append fails at once with RESOURCE_EXHAUSTED naming this limit. Bounds the memory a
  // burst of asynchronous appends (or a stalled disk) can hold.
  int max_queued_appends = 100000;
  // Upper bound on one event's serialized size as the caller hands it over (the stored
  // envelope adds position, hashes and times, under 200 bytes). Kept well below gRPC's
  // message limits so that any stored event can be sent back to readers (audit trail,
  // Subscribe) whatever --max-message-bytes is. See append_validation.h.
  size_t max_event_bytes = 1 << 20;
  // RocksDB Env (file system) to use; null = RocksDB's default. Not owned: it must outlive
  // the log. Fault-injection tests pass one whose writes or syncs fail on demand.
  rocksdb::Env* env = nullptr;
};

// Sentinel for AppendRequest::expected_version: append whatever the stream's version.
inline constexpr uint64_t kAnyVersion = UINT64_MAX;

struct AppendRequest {
  // Aggregate id, e.g. "pcn/U12345". 1..200 bytes, printable ASCII, no spaces.
  std::string stream;
  // The stream version the caller decided on (0 = the stream must not exist yet), or
  // kAnyVersion. A mismatch fails with ABORTED and writes nothing.
  uint64_t expected_version = kAnyVersion;
  // Idempotency key, 1..200 bytes, scoped to `stream`. A key already used on this stream
  // returns that first request's result (deduplicated = true) and writes nothing, unless
  // both requests carry a request_digest and the digests differ: then the request fails
  // with ALREADY_EXISTS (RequestIdReusedError below) and writes nothing.
  std::string request_id;
  // What the caller's request was, recorded with the key: a short name such as
  // "HireStaff" (0..64 bytes, printable ASCII, no spaces) that refusals name, and a digest
  // of the request (0..64 bytes, any bytes; the caller chooses how to compute it). Empty
  // digest = not compared (a request with no digest, or a key recorded without one, is
  // answered with the first result as before).
  std::string request_kind;
  std::string request_digest;
  // 1..max_events_per_request events. The caller sets effective_date, actor, reason,
  // corrects and payload; the log sets position, recorded_at_micros, stream, stream_version,
  // request_id, prev_hash, payload_hash and hash (caller values are overwritten).
  std::vector<v1::Event> events;
};

struct AppendResult {
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  // Stream version of the last event appended (the version to expect next time).
  uint64_t stream_version = 0;
  // True when request_id had been used before on the stream and nothing was written.
  bool deduplicated = false;
  // When deduplicated (and from FindRequest): the request_kind and request_digest the key
  // was first used with (empty when none were recorded). Empty otherwise.
  std::string request_kind;
  std::string request_digest;
};

// Whether a repeat of a request id must be refused rather than answered: both requests
// carry a digest and the digests differ.
bool RequestDigestsDiffer(const std::string& first_digest, const std::string& repeat_digest);
// The refusal of such a repeat: ALREADY_EXISTS, 'request_id "<id>" was already used on
// <stream> for a different <first_kind> request; use a new request_id' (the kind left out
// when none was recorded).
absl::Status RequestIdReusedError(const std::string& stream, const std::string& request_id,
                                  const std::string& first_kind);

// Told an asynchronous append's result (see EventLog::AppendAsync).
using AppendCallback = absl::AnyInvocable<void(absl::StatusOr<AppendResult>)>;

struct Head {
  uint64_t position = 0;  // 0 for an empty log
  std::string hash;       // 32 bytes; 32 zero bytes for an empty log
};

struct VerifyReport {
  bool ok = true;
  uint64_t events_checked = 0;
  // First position whose bytes, hash or link is wrong (0 when ok, or when what is wrong is
  // a file's checksum or an index entry: index_verifier.h), and what is wrong.
  uint64_t first_bad_position = 0;
  std::string problem;
  Head head;
};

struct LogStats {
  Head head;
  // The last position written, synced or not (head.position while no sync is in flight).
  uint64_t written_position = 0;
  uint64_t stream_count = 0;
  uint64_t live_data_bytes = 0;  // RocksDB's estimate of live SST data
  uint64_t group_commits = 0;    // batches written and published since Open
  uint64_t syncs = 0;            // fsyncs that published them (one may cover several)
  uint64_t appended_requests = 0;
  uint64_t queued_appends = 0;   // waiting in the committer's queue now (not yet in a group)
  // From Append/AppendAsync to its result (durable, deduplicated or refused), since Open.
  LatencyHistogram::Snapshot append_latency;
};

// How far appends have got, read in one lock (cheap: no I/O, no iteration), for a stall
// watchdog: `pending` > 0 with `groups_finished` unchanged for a long time means no commit
// has completed meanwhile (a write or sync stuck in the storage engine).
struct WriteProgress {
  size_t pending = 0;            // appends queued or committing (their group not finished)
  uint64_t groups_finished = 0;  // groups whose members have all been told their result
};

// Called after each synced batch, on the thread that committed or synced it, one batch at
// a time, in position order, with the events just committed. Must be quick and must not
// call Append, Verify or Checkpoint (they wait for the batch being published).
using AppendListener = std::function<void(const std::vector<v1::Event>& committed)>;
// The same, but given the committed events to keep: called after every AppendListener of
// the batch, with the events moved in rather than copied.
using AppendSink = std::function<void(std::vector<v1::Event>&& committed)>;

class EventLog {
 public:
  // Creates or opens the log in `dir`. Refuses a folder written in an unknown format
  // (FAILED_PRECONDITION naming the format found and the one expected). A folder of the
  // previous format ("1": request ids keyed alone) is migrated first: the requests column
  // family is rebuilt from the events (each event carries its stream and request id; the
  // rebuilt records have no kind or digest) and the format set to "2", in one synced
  // batch, with a line on stderr saying so.
  static absl::StatusOr<std::unique_ptr<EventLog>> Open(const std::string& dir,
                                                         LogOptions options = {});

  virtual ~EventLog() = default;

  // Appends atomically; see AppendRequest for the contract. Errors:
  // INVALID_ARGUMENT (bad stream/request id/kind/digest, no events, too many), ABORTED
  // (expected version mismatch: the message names the stream, expected and actual
  // versions), ALREADY_EXISTS (the request id was used on the stream for a request with a
  // different digest),
  // UNAVAILABLE/INTERNAL when the write or sync failed (nothing acknowledged),
  // RESOURCE_EXHAUSTED when LogOptions::max_queued_appends appends are queued or
  // committing already (nothing queued; try again later).
  virtual absl::StatusOr<AppendResult> Append(AppendRequest request) = 0;
  // The same without blocking: returns at once, and `done` is called exactly once with
  // what Append would have returned. For a committed request that is after its batch is
  // synced, on the thread that committed it (a log thread, or another caller's); for an
  // invalid request, or once the log is closing, it is at once on this thread. `done`
  // must be quick (it holds up the next batch) and must not call Append, Verify or
  // Checkpoint; it may call AppendAsync. Lets a few threads keep many appends in flight.
  virtual void AppendAsync(AppendRequest request, AppendCallback done) = 0;

  // Up to `max_events` events from global position `from_position` (>= 1) on.
  virtual absl::StatusOr<std::vector<v1::Event>> ReadFrom(uint64_t from_position,
                                                           size_t max_events) const = 0;
  // The same, parsed into `arena`, which owns them and must outlive them: loading the
  // whole log this way costs a fraction of the allocations.
  virtual absl::StatusOr<std::vector<v1::Event*>> ReadFromArena(
      uint64_t from_position, size_t max_events, google::protobuf::Arena* arena) const = 0;
  // Up to `max_events` events of `stream` from stream version `from_version` (>= 1) on.
  // A failed read names the stream: "reading stream <stream>: ..." (UNAVAILABLE for an I/O
  // error, DATA_LOSS for a damaged block or event).
  virtual absl::StatusOr<std::vector<v1::Event>> ReadStream(const std::string& stream,
                                                             uint64_t from_version,
                                                             size_t max_events) const = 0;
  // The event at `position`; NOT_FOUND beyond the head.
  virtual absl::StatusOr<v1::Event> Get(uint64_t position) const = 0;

  // The result of the request with this idempotency key on `stream` if it was committed
  // and published (deduplicated = true, with its request_kind and request_digest, as a
  // retry would get), nullopt if the key is unused on that stream; INVALID_ARGUMENT for a
  // malformed stream or request id. Nothing is written.
  // Lets a caller skip deciding a command whose request id was already served (and refuse
  // a different command reusing it: compare the digests with RequestDigestsDiffer).
  virtual absl::StatusOr<std::optional<AppendResult>> FindRequest(
      const std::string& stream, const std::string& request_id) const = 0;

  virtual Head head() const = 0;
  // Current version of `stream` (0 when it has no events).
  virtual absl::StatusOr<uint64_t> StreamVersion(const std::string& stream) const = 0;

  // Recomputes the whole chain from position 1 (log_verifier.h), then checks every file's
  // checksums and the streams and requests indexes against the events (index_verifier.h).
  virtual VerifyReport Verify() const = 0;

  // Registers a listener for committed batches; returns an id for RemoveListener.
  virtual int AddListener(AppendListener listener) = 0;
  // Registers the log's one sink (the listener that keeps the events); returns an id for
  // RemoveListener. FAILED_PRECONDITION if a sink is registered already.
  virtual absl::StatusOr<int> SetSink(AppendSink sink) = 0;
  virtual void RemoveListener(int id) = 0;

  // Projection snapshots: opaque state of `projection` folded up to `position`. Synced;
  // never waits behind a write stall (UNAVAILABLE then: a snapshot is a cache, try later).
  virtual absl::Status PutSnapshot(const std::string& projection, uint64_t position,
                                   const std::string& state) = 0;
  // The latest snapshot of `projection` at or before `position`; NOT_FOUND if none.
  struct Snapshot {
    uint64_t position = 0;
    std::string state;
  };
  virtual absl::StatusOr<Snapshot> LatestSnapshot(const std::string& projection,
                                                  uint64_t at_or_before) const = 0;
  // Deletes the snapshots of `projection` at positions before `position` (older ones a
  // newer snapshot has made useless). Synced like PutSnapshot.
  virtual absl::Status DeleteSnapshotsBefore(const std::string& projection,
                                             uint64_t position) = 0;

  // A consistent, openable copy of the whole data folder in `target_dir` (RocksDB
  // checkpoint; `target_dir` must not exist).
  virtual absl::Status Checkpoint(const std::string& target_dir) const = 0;

  // Counters and sizes; iterates the streams index (not for frequent polling).
  virtual LogStats Stats() const = 0;
  // Appends pending and commit groups finished (WriteProgress). Cheap: one short lock.
  virtual WriteProgress Progress() const = 0;
  // OK while the log writes; once a storage error RocksDB cannot resume from has stopped
  // it for good (every Append then fails with this), the UNAVAILABLE status naming the
  // cause and the remedy (reopen the folder). Cheap: takes no lock writers hold.
  virtual absl::Status WritingStopped() const = 0;
};

}  // namespace arrs::store

#endif  // ARRS_LEDGER_STORE_EVENT_LOG_H_
