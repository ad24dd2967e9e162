#include "ledger/engine/snapshot.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "arrs/v1/snapshot.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/wire_format_lite.h"
#include "ledger/domain/staff_identity.h"
#include "ledger/domain/stream_names.h"
#include "ledger/engine/ledger_state.h"
#include "ledger/store/event_log.h"
#include "ledger/util/civil_date.h"

namespace arrs::engine {
namespace {

// Raised whenever the encoding or the meaning of a field changes.
constexpr uint32_t kSnapshotFormat = 1;

const absl::CivilDay kEpoch(1970, 1, 1);

int64_t DayNumber(absl::CivilDay day) { return day - kEpoch; }
absl::CivilDay FromDayNumber(int64_t n) { return CivilDayFromEpochDays(n); }

using google::protobuf::internal::WireFormatLite;

std::string SerializeDeterministically(const google::protobuf::MessageLite& message) {
  std::string bytes;
  google::protobuf::io::StringOutputStream raw(&bytes);
  google::protobuf::io::CodedOutputStream coded(&raw);
  coded.SetSerializationDeterministic(true);
  message.SerializeToCodedStream(&coded);
  coded.Trim();
  return bytes;
}

// Appends `stream` to `bytes` as one element of LedgerSnapshot.streams (field 5). (Plain
// string appends: a StringOutputStream on `bytes` would zero-fill its spare capacity on
// every call, megabytes each time at national scale.)
void AppendStreamField(const v1::StreamSnapshot& stream, std::string* bytes) {
  const std::string encoded = SerializeDeterministically(stream);
  uint8_t prefix[10];  // two varint32s of at most 5 bytes each
  uint8_t* end = google::protobuf::io::CodedOutputStream::WriteTagToArray(
      WireFormatLite::MakeTag(v1::LedgerSnapshot::kStreamsFieldNumber,
                              WireFormatLite::WIRETYPE_LENGTH_DELIMITED),
      prefix);
  end = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
      static_cast<uint32_t>(encoded.size()), end);
  bytes->append(reinterpret_cast<const char*>(prefix), static_cast<size_t>(end - prefix));
  bytes->append(encoded);
}

// OK when the log's event at `position` has `hash` (or position is 0, the empty log).
absl::Status CheckHashAt(const store::EventLog& log, uint64_t position,
                         const std::string& hash) {
  if (position == 0) return absl::OkStatus();
  absl::StatusOr<v1::Event> at = log.Get(position);
  if (!at.ok()) return at.status();
  if (at->hash() != hash) {
    return absl::FailedPreconditionError(
        absl::StrCat("the snapshot's hash at position ", position, " is not the log's"));
  }
  return absl::OkStatus();
}

void EncodeStaff(const domain::StaffModel& s, v1::StaffSnapshot* out) {
  out->set_staff_id(s.staff_id);
  out->set_role(s.role);
  out->set_band(s.band);
  out->set_mhp_funding(s.mhp_funding);
  out->set_employment_model(s.employment_model);
  out->set_employer_name(s.employer_name);
  out->set_display_name(s.display_name);
  out->set_hired_day(DayNumber(s.hired));
  if (s.started) out->set_started_day(DayNumber(*s.started));
  if (s.left) out->set_left_day(DayNumber(*s.left));
  for (const auto& [day, wte] : s.wte_bp) {
    out->add_wte_days(DayNumber(day));
    out->add_wte_bp(wte);
  }
  for (const auto& [day, pay] : s.pay) {
    out->add_pay_days(DayNumber(day));
    out->add_pay_salary_pence(pay.annual_salary_pence);
    out->add_pay_on_costs_pence(pay.annual_on_costs_pence);
  }
  for (const domain::Leave& leave : s.leaves) {
    v1::LeaveSnapshot* l = out->add_leaves();
    l->set_from_day(DayNumber(leave.from));
    l->set_to_day(DayNumber(leave.to));
    l->set_paid_share_bp(leave.paid_share_bp);
    l->set_kind(leave.kind);
  }
  out->set_hired_position(s.hired_position);
}

void EncodeClaim(const domain::ClaimModel& c, v1::ClaimSnapshot* out) {
  out->set_claim_id(c.claim_id);
  out->set_month_day(DayNumber(c.month));
  out->set_submitted_position(c.submitted_position);
  out->set_assessed_position(c.assessed_position);
  for (const auto& [line_no, pence] : c.reduced_pence) {
    out->add_reduced_line_no(line_no);
    out->add_reduced_pence(pence);
  }
  for (const v1::ClaimLineReduced& r : c.reductions) *out->add_reductions() = r;
  out->set_paid_pence(c.paid_pence);
  if (c.paid_on) out->set_paid_on_day(DayNumber(*c.paid_on));
  out->set_claimed_total_pence(c.claimed_total_pence);
  out->set_approved_total_pence(c.approved_total_pence);
}

void EncodePcn(const domain::PcnModel& m, v1::PcnSnapshot* out) {
  out->set_registered(m.registered);
  out->set_pcn_code(m.pcn_code);
  out->set_name(m.name);
  out->set_icb_code(m.icb_code);
  for (const v1::Practice& p : m.member_practices) *out->add_member_practices() = p;
  out->set_established_day(DayNumber(m.established));
  for (const auto& [day, size] : m.list_sizes) {
    v1::ListSizeSnapshot* l = out->add_list_sizes();
    l->set_day(DayNumber(day));
    l->set_registered_list_size(size.registered_list_size);
    l->set_weighted_population_milli(size.weighted_population_milli);
  }
  for (const auto& [day, zone] : m.london_zones) {
    v1::LondonZoneSnapshot* z = out->add_london_zones();
    z->set_day(DayNumber(day));
    z->set_zone(zone);
  }
  for (const auto& [role, baseline] : m.baseline) *out->add_baseline() = baseline;
  for (const auto& [year, entitlement] : m.entitlements) *out->add_entitlements() = entitlement;
  for (const auto& [id, staff] : m.staff) EncodeStaff(staff, out->add_staff());
  for (const auto& [id, claim] : m.claims) EncodeClaim(claim, out->add_claims());
  out->set_stream_version(m.stream_version);
  out->set_position(m.position);
}

absl::StatusOr<domain::StaffModel> DecodeStaff(const v1::StaffSnapshot& in) {
  if (in.wte_days_size() != in.wte_bp_size() || in.pay_days_size() != in.pay_salary_pence_size() ||
      in.pay_days_size() != in.pay_on_costs_pence_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("staff ", in.staff_id(), " has timelines of unequal lengths"));
  }
  domain::StaffModel s;
  domain::CopyStaffIdentity(in, &s);
  s.hired = FromDayNumber(in.hired_day());
  if (in.has_started_day()) s.started = FromDayNumber(in.started_day());
  if (in.has_left_day()) s.left = FromDayNumber(in.left_day());
  for (int i = 0; i < in.wte_days_size(); ++i) {
    s.wte_bp.emplace_hint(s.wte_bp.end(), FromDayNumber(in.wte_days(i)), in.wte_bp(i));
  }
  for (int i = 0; i < in.pay_days_size(); ++i) {
    s.pay.emplace_hint(s.pay.end(), FromDayNumber(in.pay_days(i)),
                       domain::Pay{in.pay_salary_pence(i), in.pay_on_costs_pence(i)});
  }
  for (const v1::LeaveSnapshot& l : in.leaves()) {
    s.leaves.push_back(domain::Leave{FromDayNumber(l.from_day()), FromDayNumber(l.to_day()),
                                     l.paid_share_bp(), l.kind()});
  }
  s.hired_position = in.hired_position();
  return s;
}

absl::StatusOr<domain::ClaimModel> DecodeClaim(const v1::ClaimSnapshot& in) {
  if (in.reduced_line_no_size() != in.reduced_pence_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("claim ", in.claim_id(), " has reductions of unequal lengths"));
  }
  domain::ClaimModel c;
  c.claim_id = in.claim_id();
  c.month = FromDayNumber(in.month_day());
  c.submitted_position = in.submitted_position();
  c.assessed_position = in.assessed_position();
  for (int i = 0; i < in.reduced_line_no_size(); ++i) {
    c.reduced_pence[in.reduced_line_no(i)] = in.reduced_pence(i);
  }
  c.reductions.assign(in.reductions().begin(), in.reductions().end());
  c.paid_pence = in.paid_pence();
  if (in.has_paid_on_day()) c.paid_on = FromDayNumber(in.paid_on_day());
  c.claimed_total_pence = in.claimed_total_pence();
  c.approved_total_pence = in.approved_total_pence();
  return c;
}

absl::Status DecodePcn(const v1::PcnSnapshot& in, domain::PcnModel& m) {
  m.registered = in.registered();
  m.pcn_code = in.pcn_code();
  m.name = in.name();
  m.icb_code = in.icb_code();
  m.member_practices.assign(in.member_practices().begin(), in.member_practices().end());
  m.established = FromDayNumber(in.established_day());
  for (const v1::ListSizeSnapshot& l : in.list_sizes()) {
    m.list_sizes.emplace_hint(
        m.list_sizes.end(), FromDayNumber(l.day()),
        domain::ListSize{l.registered_list_size(), l.weighted_population_milli()});
  }
  for (const v1::LondonZoneSnapshot& z : in.london_zones()) {
    m.london_zones.emplace_hint(m.london_zones.end(), FromDayNumber(z.day()), z.zone());
  }
  for (const v1::RoleBaseline& b : in.baseline()) m.baseline[b.role()] = b;
  for (const v1::EntitlementSet& e : in.entitlements()) m.entitlements[e.financial_year()] = e;
  for (const v1::StaffSnapshot& s : in.staff()) {
    absl::StatusOr<domain::StaffModel> staff = DecodeStaff(s);
    if (!staff.ok()) return staff.status();
    m.staff.emplace_hint(m.staff.end(), s.staff_id(), *std::move(staff));
  }
  for (const v1::ClaimSnapshot& c : in.claims()) {
    absl::StatusOr<domain::ClaimModel> claim = DecodeClaim(c);
    if (!claim.ok()) return claim.status();
    m.claims.emplace_hint(m.claims.end(), c.claim_id(), *std::move(claim));
  }
  m.stream_version = in.stream_version();
  m.position = in.position();
  return absl::OkStatus();
}

// Splits an encoded LedgerSnapshot into its streams' encodings (views of `bytes`, in
// order) and `rest`, every other field as encoded. False if `bytes` is not a well-formed
// protobuf message.
bool SplitStreams(const std::string& bytes, std::string* rest,
                  std::vector<absl::string_view>* streams) {
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max())) return false;
  google::protobuf::io::CodedInputStream input(reinterpret_cast<const uint8_t*>(bytes.data()),
                                               static_cast<int>(bytes.size()));
  constexpr uint32_t kStreamTag = WireFormatLite::MakeTag(
      v1::LedgerSnapshot::kStreamsFieldNumber, WireFormatLite::WIRETYPE_LENGTH_DELIMITED);
  for (;;) {
    const int start = input.CurrentPosition();
    const uint32_t tag = input.ReadTag();
    if (tag == 0) return input.ConsumedEntireMessage();
    if (tag == kStreamTag) {
      uint32_t length = 0;
      if (!input.ReadVarint32(&length)) return false;
      const int at = input.CurrentPosition();
      if (!input.Skip(static_cast<int>(length))) return false;
      streams->emplace_back(bytes.data() + at, length);
      continue;
    }
    if (!WireFormatLite::SkipField(&input, tag)) return false;
    rest->append(bytes, static_cast<size_t>(start),
                 static_cast<size_t>(input.CurrentPosition() - start));
  }
}

// One of the snapshot's streams, parsed and (a PCN's) its head model decoded.
struct DecodedStream {
  absl::Status status;  // why it could not be, if so
  std::string name;
  uint64_t version = 0;
  uint64_t first_position = 0;
  uint64_t last_position = 0;
  domain::PcnModel head;  // PCN streams only
};

// Parses and decodes every stream, on up to four threads: each PCN's model is built on
// its own, and at national scale this is most of a restore.
std::vector<DecodedStream> DecodeStreams(const std::vector<absl::string_view>& spans) {
  std::vector<DecodedStream> decoded(spans.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    v1::StreamSnapshot s;  // reused: its fields keep their capacity
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < spans.size();) {
      DecodedStream& d = decoded[i];
      if (!s.ParseFromArray(spans[i].data(), static_cast<int>(spans[i].size()))) {
        d.name = absl::StrCat("entry ", i + 1);  // it has no readable name
        d.status = absl::InvalidArgumentError("does not parse as arrs.v1.StreamSnapshot");
        continue;
      }
      d.name = s.stream();
      d.version = s.version();
      d.first_position = s.first_position();
      d.last_position = s.last_position();
      if (domain::IsPcnStream(d.name)) d.status = DecodePcn(s.head(), d.head);
    }
  };
  const size_t threads = std::min<size_t>(
      spans.size(), std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 4));
  std::vector<std::thread> helpers;
  for (size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
  return decoded;
}

}  // namespace

std::string EncodePcnModel(const domain::PcnModel& model) {
  v1::PcnSnapshot encoded;
  EncodePcn(model, &encoded);
  return SerializeDeterministically(encoded);
}

absl::StatusOr<domain::PcnModel> DecodePcnModel(const std::string& bytes) {
  v1::PcnSnapshot encoded;
  if (!encoded.ParseFromString(bytes)) {
    return absl::InvalidArgumentError("the PCN model's bytes do not parse");
  }
  domain::PcnModel model;
  if (absl::Status decoded = DecodePcn(encoded, model); !decoded.ok()) return decoded;
  return model;
}

absl::StatusOr<EncodedSnapshot> EncodeSnapshot(LedgerState& state, const store::EventLog& log) {
  // Written field by field in field-number order (the header's fields 1-4, each stream
  // as a field 5, then fields 6-7), which is the message's own deterministic encoding
  // without holding the whole message (hundreds of megabytes at national scale) twice.
  v1::LedgerSnapshot header;
  header.set_format(kSnapshotFormat);
  std::vector<std::string> names;
  uint64_t position = 0;
  {
    absl::ReaderMutexLock lock(&state.mu_);
    if (absl::Status health = state.broken_; !health.ok()) return health;
    position = state.head_position_;
    header.mutable_recorded_at_micros()->Assign(state.recorded_at_.begin(),
                                                state.recorded_at_.begin() + position);
    names.reserve(state.streams_.size());
    for (const auto& [name, stream] : state.streams_) names.push_back(name);
  }
  header.set_position(position);
  if (position > 0) {
    absl::StatusOr<v1::Event> at = log.Get(position);
    if (!at.ok()) return at.status();
    header.set_hash(at->hash());
  }
  EncodedSnapshot out;
  out.position = position;
  out.bytes = SerializeDeterministically(header);
  header.Clear();
  uint64_t through = position;
  constexpr size_t kStreamsPerLock = 32;
  v1::StreamSnapshot s;
  for (size_t from = 0; from < names.size(); from += kStreamsPerLock) {
    absl::ReaderMutexLock lock(&state.mu_);
    if (absl::Status health = state.broken_; !health.ok()) return health;
    for (size_t i = from; i < std::min(names.size(), from + kStreamsPerLock); ++i) {
      const StreamState* stream = state.Find(names[i]);
      if (stream == nullptr) continue;  // cannot happen: streams are never removed
      s.Clear();
      s.set_stream(names[i]);
      s.set_version(stream->version);
      s.set_first_position(stream->first_position);
      s.set_last_position(stream->last_position);
      through = std::max(through, stream->last_position);
      if (domain::IsPcnStream(names[i])) EncodePcn(stream->head, s.mutable_head());
      AppendStreamField(s, &out.bytes);
    }
  }
  v1::LedgerSnapshot trailer;
  trailer.set_through_position(through);
  if (through > 0) {
    absl::StatusOr<v1::Event> at = log.Get(through);
    if (!at.ok()) return at.status();
    trailer.set_through_hash(at->hash());
  }
  out.bytes.append(SerializeDeterministically(trailer));
  return out;
}

absl::Status CheckSnapshotHeader(const v1::LedgerSnapshot& snapshot,
                                 const store::EventLog& log) {
  if (snapshot.format() != kSnapshotFormat) {
    return absl::InvalidArgumentError(absl::StrCat("snapshot format ", snapshot.format(),
                                                   " is not the format read here (",
                                                   kSnapshotFormat, ")"));
  }
  const uint64_t position = snapshot.position();
  if (position > log.head().position) {
    return absl::FailedPreconditionError(absl::StrCat("the snapshot is at position ", position,
                                                      ", beyond the log's head ",
                                                      log.head().position));
  }
  if (absl::Status same = CheckHashAt(log, position, snapshot.hash()); !same.ok()) return same;
  const uint64_t through = snapshot.through_position();
  if (through < position || through > log.head().position) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the snapshot's streams run to position ", through, ", outside ", position, "..",
        log.head().position));
  }
  if (absl::Status same = CheckHashAt(log, through, snapshot.through_hash()); !same.ok()) {
    return same;
  }
  for (int i = 1; i < snapshot.recorded_at_micros_size(); ++i) {
    if (snapshot.recorded_at_micros(i) < snapshot.recorded_at_micros(i - 1)) {
      return absl::InvalidArgumentError(
          absl::StrCat("the snapshot's recorded times go back at position ", i + 1));
    }
  }
  if (static_cast<uint64_t>(snapshot.recorded_at_micros_size()) != position) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the snapshot at position ", position, " holds ", snapshot.recorded_at_micros_size(),
        " recorded times"));
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> RestoreSnapshot(const std::string& bytes, const store::EventLog& log,
                                         LedgerState& state) {
  std::string rest;
  std::vector<absl::string_view> spans;
  v1::LedgerSnapshot snapshot;  // every field but the streams
  if (!SplitStreams(bytes, &rest, &spans) || !snapshot.ParseFromString(rest)) {
    return absl::InvalidArgumentError("the snapshot does not parse as arrs.v1.LedgerSnapshot");
  }
  if (absl::Status checked = CheckSnapshotHeader(snapshot, log); !checked.ok()) return checked;
  const uint64_t position = snapshot.position();
  const uint64_t through = snapshot.through_position();
  std::vector<DecodedStream> streams = DecodeStreams(spans);
  absl::MutexLock lock(&state.mu_);
  if (state.head_position_ != 0 || !state.streams_.empty()) {
    return absl::FailedPreconditionError("a snapshot is restored into an empty state only");
  }
  state.SetEventSource(&log);
  state.RestoreRecordedAt(std::vector<int64_t>(snapshot.recorded_at_micros().begin(),
                                               snapshot.recorded_at_micros().end()));
  for (DecodedStream& s : streams) {
    if (!s.status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("the snapshot's stream ", s.name, ": ", s.status.message()));
    }
    // A stream may have been encoded after events beyond the snapshot's position.
    if (s.version == 0 || s.first_position > position || s.last_position < s.first_position ||
        s.last_position > through || s.version > s.last_position - s.first_position + 1 ||
        state.Find(s.name) != nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("the snapshot's stream ", s.name,
                                                     " is out of range"));
    }
    if (!domain::IsPcnStream(s.name)) {
      // Read in full now: the rule book is folded from its stream.
      absl::StatusOr<std::vector<v1::Event>> events =
          log.ReadStream(s.name, 1, static_cast<size_t>(s.version));
      if (!events.ok()) return events.status();
      if (events->size() != s.version || events->back().position() != s.last_position) {
        return absl::DataLossError(absl::StrCat("stream ", s.name, ": the log gave ",
                                                events->size(), " events, the snapshot knows ",
                                                s.version));
      }
      state.RestoreEvents(s.name, *std::move(events));
      continue;
    }
    StreamState& stream = state.RestoreStream(s.name);
    stream.version = s.version;
    stream.first_position = s.first_position;
    stream.last_position = s.last_position;
    stream.head = std::move(s.head);
  }
  return position;
}

}  // namespace arrs::engine
