#include "bench/national/driver.h"

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <tuple>
#include <type_traits>
#include <utility>

#include "arrs/v1/service.grpc.pb.h"
#include "ledger/engine/ledger.h"

namespace arrs::bench {

namespace {

using CommandStub = v1::CommandService::Stub;
using Reader = grpc::ClientAsyncResponseReader<v1::CommandResult>;

using Ledger = engine::Ledger;
using Stub = CommandStub;  // short, for the table below

// The request type a Ledger command method takes.
template <typename LedgerMethod>
struct RequestOf;
template <typename R>
struct RequestOf<absl::StatusOr<v1::CommandResult> (Ledger::*)(const std::string&, const R&)> {
  using type = R;
};

// The methods that send one type of request: the Ledger's, and the CommandService stub's
// blocking and asynchronous ones.
template <auto kLedgerMethod, auto kStubMethod, auto kPrepareMethod>
struct Route {
  using RequestType = typename RequestOf<decltype(kLedgerMethod)>::type;
  static constexpr auto ledger_method = kLedgerMethod;
  static constexpr auto stub_method = kStubMethod;
  static constexpr auto prepare_method = kPrepareMethod;
};

// One route a request type, in the order of Request's alternatives.
// clang-format off
using Routes = std::tuple<
    Route<&Ledger::RegisterPcn, &Stub::RegisterPcn, &Stub::PrepareAsyncRegisterPcn>,
    Route<&Ledger::RecordListSize, &Stub::RecordListSize, &Stub::PrepareAsyncRecordListSize>,
    Route<&Ledger::RecordBaseline, &Stub::RecordBaseline, &Stub::PrepareAsyncRecordBaseline>,
    Route<&Ledger::SetEntitlement, &Stub::SetEntitlement, &Stub::PrepareAsyncSetEntitlement>,
    Route<&Ledger::HireStaff, &Stub::HireStaff, &Stub::PrepareAsyncHireStaff>,
    Route<&Ledger::ChangeStaff, &Stub::ChangeStaff, &Stub::PrepareAsyncChangeStaff>,
    Route<&Ledger::SubmitClaim, &Stub::SubmitClaim, &Stub::PrepareAsyncSubmitClaim>,
    Route<&Ledger::AssessClaim, &Stub::AssessClaim, &Stub::PrepareAsyncAssessClaim>,
    Route<&Ledger::PayClaim, &Stub::PayClaim, &Stub::PrepareAsyncPayClaim>,
    Route<&Ledger::Correct, &Stub::Correct, &Stub::PrepareAsyncCorrect>>;
// clang-format on

static_assert(std::tuple_size_v<Routes> == std::variant_size_v<Request>);

// Calls `send(r, route)` with the request `request` holds and its route.
template <size_t I = 0, typename Send>
auto Dispatch(const Request& request, Send&& send) {
  using RouteForI = std::tuple_element_t<I, Routes>;
  static_assert(
      std::is_same_v<typename RouteForI::RequestType, std::variant_alternative_t<I, Request>>,
      "Routes must follow the order of Request's alternatives");
  if constexpr (I + 1 < std::variant_size_v<Request>) {
    if (request.index() != I) return Dispatch<I + 1>(request, std::forward<Send>(send));
  }
  return send(std::get<I>(request), RouteForI{});
}

absl::Status FromGrpc(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

}  // namespace

LedgerTarget::LedgerTarget(engine::Ledger* ledger, std::string actor)
    : ledger_(ledger), actor_(std::move(actor)) {}

absl::StatusOr<v1::CommandResult> LedgerTarget::Call(const Request& request) {
  return Dispatch(request, [this](const auto& r, auto route) {
    return (ledger_->*decltype(route)::ledger_method)(actor_, r);
  });
}

std::optional<Request> ScriptCursor::Next(const absl::StatusOr<v1::CommandResult>& last) {
  const std::vector<Command>& commands = script_->commands;
  if (sent_ != Sent::kNothing) {
    ++stats_->commands;
    if (!last.ok() && stats_->failures++ == 0) {
      stats_->first_failure =
          absl::StrCat(script_->pcn_code, " ", sent_id_, ": ", last.status().ToString());
    }
    const Sent sent = std::exchange(sent_, Sent::kNothing);
    if (last.ok() && (sent == Sent::kSubmit || sent == Sent::kAssess)) {
      const ClaimCycle& cycle = std::get<ClaimCycle>(commands[index_]);
      const std::string& id = cycle.submit.header().request_id();
      if (sent == Sent::kSubmit) {
        submitted_at_[cycle.submit.claim_id()] = last->first_position();
        v1::AssessClaimRequest assess;
        assess.mutable_header()->set_request_id(absl::StrCat(id, "/assess"));
        assess.set_pcn_code(script_->pcn_code);
        assess.set_claim_id(cycle.submit.claim_id());
        sent_ = Sent::kAssess;
        sent_id_ = assess.header().request_id();
        return assess;
      }
      const int64_t approved = last->assessment().total_approved_pence();
      if (approved > 0) {
        v1::PayClaimRequest pay;
        pay.mutable_header()->set_request_id(absl::StrCat(id, "/pay"));
        pay.set_pcn_code(script_->pcn_code);
        pay.set_claim_id(cycle.submit.claim_id());
        *pay.mutable_paid_on() = cycle.paid_on;
        pay.set_amount_pence(approved);
        pay.set_payment_reference(
            absl::StrCat("ICB-", script_->icb_code, "-", id.substr(4)));
        sent_ = Sent::kOther;
        sent_id_ = pay.header().request_id();
        return pay;
      }
    }
    ++index_;  // this command is done (or abandoned)
  }
  for (; index_ < commands.size(); ++index_) {
    const Command& command = commands[index_];
    if (const auto* cycle = std::get_if<ClaimCycle>(&command)) {
      sent_ = Sent::kSubmit;
      sent_id_ = cycle->submit.header().request_id();
      return cycle->submit;
    }
    if (const auto* fix = std::get_if<ClaimCorrection>(&command)) {
      auto at = submitted_at_.find(fix->claim_id);
      if (at == submitted_at_.end()) continue;
      v1::CorrectRequest correct;
      correct.mutable_header()->set_request_id(fix->request_id);
      correct.mutable_header()->set_reason("payroll figure keyed wrongly; corrected from payslips");
      correct.set_pcn_code(fix->pcn_code);
      correct.set_corrects_position(at->second);
      *correct.mutable_replacement()->mutable_claim_submitted() = fix->replacement;
      sent_ = Sent::kOther;
      sent_id_ = fix->request_id;
      return correct;
    }
    std::optional<Request> plain;
    std::visit(
        [&](const auto& request) {
          if constexpr (!std::is_same_v<std::decay_t<decltype(request)>, ClaimCycle> &&
                        !std::is_same_v<std::decay_t<decltype(request)>, ClaimCorrection>) {
            sent_id_ = request.header().request_id();
            plain = request;
          }
        },
        command);
    sent_ = Sent::kOther;
    return plain;
  }
  return std::nullopt;
}

struct GrpcTarget::Stub {
  std::unique_ptr<CommandStub> commands;
};

GrpcTarget::GrpcTarget(std::shared_ptr<grpc::Channel> channel, std::string token)
    : stub_(new Stub{v1::CommandService::NewStub(channel)}), token_("Bearer " + token) {}

GrpcTarget::~GrpcTarget() = default;

absl::StatusOr<v1::CommandResult> GrpcTarget::Call(const Request& request) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", token_);
  v1::CommandResult result;
  grpc::Status s = Dispatch(request, [&](const auto& r, auto route) {
    return (stub_->commands.get()->*decltype(route)::stub_method)(&context, r, &result);
  });
  if (!s.ok()) return FromGrpc(s);
  return result;
}

namespace {

// One PCN in progress: its script, where it is, and the call in flight.
struct Lane {
  PcnScript script;
  std::unique_ptr<ScriptCursor> cursor;
  CommandStub* stub = nullptr;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<Reader> reader;
  v1::CommandResult result;
  grpc::Status status;
};

}  // namespace

RunStats RunScriptsAsync(const NationalHistory& history, const std::string& address,
                         const std::string& token, int in_flight, int channels) {
  grpc::CompletionQueue cq;
  std::vector<std::unique_ptr<CommandStub>> stubs;
  for (int c = 0; c < std::max(1, channels); ++c) {
    grpc::ChannelArguments args;
    args.SetInt("arrs.bench.channel", c);  // a connection of its own
    stubs.push_back(v1::CommandService::NewStub(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args)));
  }
  const std::string bearer = "Bearer " + token;
  RunStats stats;
  int next_pcn = 0;
  int running = 0;
  std::vector<std::unique_ptr<Lane>> lanes(std::max(1, in_flight));

  // Sends the lane's next request, moving on to the next PCN when its script is done.
  // False when no PCN is left for the lane.
  auto advance = [&](Lane& lane, const absl::StatusOr<v1::CommandResult>& last) {
    for (;;) {
      std::optional<Request> request;
      if (lane.cursor != nullptr) request = lane.cursor->Next(last);
      if (!request) {
        if (next_pcn >= history.pcn_count()) return false;
        lane.script = history.Generate(next_pcn++);
        lane.cursor = std::make_unique<ScriptCursor>(&lane.script, &stats);
        request = lane.cursor->Next(v1::CommandResult());
        if (!request) continue;  // an empty script
      }
      lane.context = std::make_unique<grpc::ClientContext>();
      lane.context->AddMetadata("authorization", bearer);
      lane.reader = Dispatch(*request, [&](const auto& r, auto route) {
        return (lane.stub->*decltype(route)::prepare_method)(lane.context.get(), r, &cq);
      });
      lane.reader->StartCall();
      lane.reader->Finish(&lane.result, &lane.status, &lane);
      return true;
    }
  };

  for (size_t i = 0; i < lanes.size(); ++i) {
    lanes[i] = std::make_unique<Lane>();
    lanes[i]->stub = stubs[i % stubs.size()].get();
    if (advance(*lanes[i], v1::CommandResult())) ++running;
  }
  void* tag = nullptr;
  bool ok = false;
  while (running > 0 && cq.Next(&tag, &ok)) {
    Lane& lane = *static_cast<Lane*>(tag);
    absl::StatusOr<v1::CommandResult> last =
        !ok                ? absl::UnavailableError("the call did not complete")
        : lane.status.ok() ? absl::StatusOr<v1::CommandResult>(std::move(lane.result))
                           : FromGrpc(lane.status);
    lane.result.Clear();
    if (!advance(lane, last)) --running;
  }
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return stats;
}

}  // namespace arrs::bench
