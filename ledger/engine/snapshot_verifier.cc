#include "ledger/engine/snapshot_verifier.h"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "arrs/v1/snapshot.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "ledger/domain/pcn_model.h"
#include "ledger/domain/stream_names.h"
#include "ledger/engine/snapshot.h"
#include "ledger/store/event_log.h"
#include "ledger/util/status_macros.h"

namespace arrs::engine {
namespace {

namespace pb = google::protobuf;

constexpr size_t kPageEvents = 4096;

std::string ValueText(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  std::string out;
  pb::TextFormat::PrintFieldValueToString(m, f, index, &out);
  return out;
}

// How an element of a repeated field is named: by its id when it has one (a claim, a
// member of staff), else by its index.
std::string ElementName(const pb::Message& m, const pb::FieldDescriptor* f, int index) {
  if (f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE) {
    const pb::Message& element = m.GetReflection()->GetRepeatedMessage(m, f, index);
    for (const char* id : {"claim_id", "staff_id"}) {
      const pb::FieldDescriptor* key = element.GetDescriptor()->FindFieldByName(id);
      if (key != nullptr && key->cpp_type() == pb::FieldDescriptor::CPPTYPE_STRING) {
        return element.GetReflection()->GetString(element, key);
      }
    }
  }
  return absl::StrCat(index);
}

// The first field (in declaration order, depth first) where `stored` and `folded`, two
// messages of one type, differ, with both values; "" when they are equal.
std::string FirstDifference(const pb::Message& stored, const pb::Message& folded,
                            const std::string& path) {
  const pb::Descriptor* type = stored.GetDescriptor();
  const pb::Reflection* rs = stored.GetReflection();
  const pb::Reflection* rf = folded.GetReflection();
  auto differ = [](const std::string& at, const std::string& s, const std::string& f) {
    return absl::StrCat(at, ": the snapshot says ", s, ", the events fold to ", f);
  };
  for (int i = 0; i < type->field_count(); ++i) {
    const pb::FieldDescriptor* f = type->field(i);
    const std::string at = absl::StrCat(path, f->name());
    const bool is_message = f->cpp_type() == pb::FieldDescriptor::CPPTYPE_MESSAGE;
    if (f->is_repeated()) {
      const int ns = rs->FieldSize(stored, f);
      const int nf = rf->FieldSize(folded, f);
      for (int j = 0; j < std::max(ns, nf); ++j) {
        if (j >= nf) {
          return absl::StrCat(at, "[", ElementName(stored, f, j),
                              "]: in the snapshot, not in what the events fold to");
        }
        if (j >= ns) {
          return absl::StrCat(at, "[", ElementName(folded, f, j),
                              "]: in what the events fold to, not in the snapshot");
        }
        const std::string element = absl::StrCat(at, "[", ElementName(stored, f, j), "]");
        if (is_message) {
          std::string d = FirstDifference(rs->GetRepeatedMessage(stored, f, j),
                                          rf->GetRepeatedMessage(folded, f, j), element + ".");
          if (!d.empty()) return d;
        } else if (ValueText(stored, f, j) != ValueText(folded, f, j)) {
          return differ(element, ValueText(stored, f, j), ValueText(folded, f, j));
        }
      }
      continue;
    }
    const bool hs = rs->HasField(stored, f);
    const bool hf = rf->HasField(folded, f);
    if (is_message) {
      std::string d =
          FirstDifference(rs->GetMessage(stored, f), rf->GetMessage(folded, f), at + ".");
      if (!d.empty()) return d;
      if (hs != hf) return differ(at, hs ? "set" : "unset", hf ? "set" : "unset");
      continue;
    }
    const std::string vs = hs || !f->has_presence() ? ValueText(stored, f, -1) : "unset";
    const std::string vf = hf || !f->has_presence() ? ValueText(folded, f, -1) : "unset";
    if (vs != vf) return differ(at, vs, vf);
  }
  return "";
}

// What one pass over the log up to the snapshot's position gives.
struct LogUpTo {
  std::map<std::string, uint64_t> versions;  // each stream's version at the position
};

// Reads the log from 1 to `snapshot.position()`, checking the recorded times against it.
absl::StatusOr<LogUpTo> ScanLog(const store::EventLog& log, const v1::LedgerSnapshot& snapshot) {
  LogUpTo out;
  const uint64_t last = snapshot.position();
  int64_t folded_time = 0;
  for (uint64_t from = 1; from <= last;) {
    const size_t count = static_cast<size_t>(std::min<uint64_t>(kPageEvents, last - from + 1));
    absl::StatusOr<std::vector<v1::Event>> page = log.ReadFrom(from, count);
    if (!page.ok()) return page.status();
    if (page->size() != count) {
      return absl::DataLossError(
          absl::StrCat("the log gave ", page->size(), " events from ", from, ", not ", count));
    }
    for (const v1::Event& e : *page) {
      folded_time = std::max(folded_time, e.recorded_at_micros());
      const int64_t stored = snapshot.recorded_at_micros(static_cast<int>(e.position() - 1));
      if (stored != folded_time) {
        return absl::DataLossError(absl::StrCat("the recorded time of position ", e.position(),
                                                " is ", stored, ", the log's is ", folded_time));
      }
      out.versions[e.stream()] = e.stream_version();
    }
    from += count;
  }
  return out;
}

// Checks one stream of the snapshot against its events in the log; for a PCN, its model.
absl::Status CheckStream(const store::EventLog& log, const v1::LedgerSnapshot& snapshot,
                         const v1::StreamSnapshot& s, uint64_t version_at_position) {
  // Named by its stream, not by the code the snapshot holds (which may be what is wrong).
  const std::string name =
      domain::IsPcnStream(s.stream())
          ? absl::StrCat("PCN ", s.stream().substr(s.stream().find('/') + 1), " (", s.stream(), ")")
          : absl::StrCat("stream ", s.stream());
  if (s.version() < version_at_position || s.version() == 0) {
    return absl::DataLossError(absl::StrCat(name, ": version ", s.version(), ", but the log has ",
                                            version_at_position, " events of it up to position ",
                                            snapshot.position()));
  }
  absl::StatusOr<std::vector<v1::Event>> events =
      log.ReadStream(s.stream(), 1, static_cast<size_t>(s.version()));
  if (!events.ok()) return events.status();
  if (events->size() != s.version() || events->front().position() != s.first_position() ||
      events->back().position() != s.last_position() ||
      s.last_position() > snapshot.through_position()) {
    return absl::DataLossError(absl::StrCat(
        name, ": version ", s.version(), " at positions ", s.first_position(), "..",
        s.last_position(), ", but the log has ", events->size(), " events of it",
        events->empty()
            ? ""
            : absl::StrCat(" at ", events->front().position(), "..", events->back().position())));
  }
  if (!domain::IsPcnStream(s.stream())) return absl::OkStatus();
  std::vector<const v1::Event*> pointers;
  pointers.reserve(events->size());
  for (const v1::Event& e : *events) pointers.push_back(&e);
  v1::PcnSnapshot folded;
  if (!folded.ParseFromString(EncodePcnModel(domain::FoldPcn(pointers, UINT64_MAX)))) {
    return absl::InternalError(absl::StrCat(name, ": the folded model does not encode"));
  }
  if (absl::StatusOr<domain::PcnModel> stored = DecodePcnModel(s.head().SerializeAsString());
      !stored.ok()) {
    return absl::DataLossError(
        absl::StrCat(name, ": the model does not decode: ", stored.status().message()));
  }
  if (std::string d = FirstDifference(s.head(), folded, ""); !d.empty()) {
    return absl::DataLossError(absl::StrCat(name, ": ", d));
  }
  return absl::OkStatus();
}

// Checks the snapshot stored under `stored_at`.
absl::Status CheckSnapshot(const store::EventLog& log, uint64_t stored_at,
                           const std::string& bytes) {
  v1::LedgerSnapshot snapshot;
  if (!snapshot.ParseFromString(bytes)) {
    return absl::DataLossError("does not parse as arrs.v1.LedgerSnapshot");
  }
  if (snapshot.position() != stored_at) {
    return absl::DataLossError(absl::StrCat("it says it is at position ", snapshot.position()));
  }
  if (absl::Status header = CheckSnapshotHeader(snapshot, log); !header.ok()) {
    return absl::DataLossError(header.message());
  }
  absl::StatusOr<LogUpTo> up_to = ScanLog(log, snapshot);
  if (!up_to.ok()) return up_to.status();
  std::map<std::string, uint64_t>& versions = up_to->versions;
  std::string previous;
  for (const v1::StreamSnapshot& s : snapshot.streams()) {
    if (!previous.empty() && s.stream() <= previous) {
      return absl::DataLossError(absl::StrCat("stream ", s.stream(), " is out of order or twice"));
    }
    previous = s.stream();
    auto found = versions.find(s.stream());
    const uint64_t at_position = found == versions.end() ? 0 : found->second;
    if (found != versions.end()) versions.erase(found);
    if (absl::Status checked = CheckStream(log, snapshot, s, at_position); !checked.ok()) {
      return checked;
    }
  }
  if (!versions.empty()) {
    return absl::DataLossError(absl::StrCat("stream ", versions.begin()->first, " has ",
                                            versions.begin()->second, " events up to position ",
                                            snapshot.position(), " but is not in the snapshot"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<uint64_t> VerifySnapshots(const store::EventLog& log) {
  uint64_t checked = 0;
  for (uint64_t at_or_before = UINT64_MAX;;) {
    absl::StatusOr<store::EventLog::Snapshot> found =
        log.LatestSnapshot(kLedgerSnapshot, at_or_before);
    if (absl::IsNotFound(found.status())) return checked;
    if (!found.ok()) return found.status();
    if (absl::Status s = CheckSnapshot(log, found->position, found->state); !s.ok()) {
      const std::string where = absl::StrCat("snapshot at position ", found->position, ": ");
      if (absl::IsDataLoss(s)) return absl::DataLossError(absl::StrCat(where, s.message()));
      return absl::Status(s.code(), absl::StrCat(where, s.message()));
    }
    ++checked;
    if (found->position == 0) return checked;
    at_or_before = found->position - 1;
  }
}

v1::VerifyResponse VerifyChainAndSnapshots(const store::EventLog& log) {
  const store::VerifyReport report = log.Verify();
  v1::VerifyResponse out;
  out.set_ok(report.ok);
  out.set_events_checked(report.events_checked);
  out.set_first_bad_position(report.first_bad_position);
  out.set_problem(report.problem);
  out.set_head_position(report.head.position);
  out.set_head_hash(report.head.hash);
  if (report.ok) {
    absl::StatusOr<uint64_t> snapshots = VerifySnapshots(log);
    if (!snapshots.ok()) {
      out.set_ok(false);
      out.set_problem(std::string(snapshots.status().message()));
    }
  }
  return out;
}

absl::StatusOr<SnapshotRepair> RemoveSnapshotsThatFailVerify(store::EventLog& log) {
  SnapshotRepair repair;
  absl::StatusOr<uint64_t> verified = VerifySnapshots(log);
  if (verified.ok()) {
    repair.verified = *verified;
    return repair;
  }
  if (!absl::IsDataLoss(verified.status())) return verified.status();
  repair.problem = std::string(verified.status().message());
  RETURN_IF_ERROR(log.DeleteSnapshotsBefore(kLedgerSnapshot, UINT64_MAX));
  repair.removed = true;
  return repair;
}

}  // namespace arrs::engine
