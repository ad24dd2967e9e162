#include "services/rpc_call.h"

#include <chrono>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/log.h"
#include "services/metrics.h"
#include "services/request_checks.h"

namespace arrs::services {
namespace {

std::string Metadata(grpc::ServerContextBase* context, const char* key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

// The HTTP bridge (services/http) calls over the server's in-process channel, whose peer
// gRPC does not know; it sends the HTTP client's address instead. Only an in-process
// caller is believed: a network client cannot set its own peer this way.
std::string PeerForLog(grpc::ServerContextBase* context) {
  std::string peer = context->peer();
  if (peer == "unknown" || absl::StartsWith(peer, "inproc")) {
    std::string http_peer = Metadata(context, "x-arrs-http-peer");
    if (!http_peer.empty()) return absl::StrCat("http:", http_peer);
  }
  return peer;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      std::string(status.message()));
}

RpcCall::RpcCall(grpc::ServerContextBase* context, const TokenStore& tokens,
                 const char* method, const google::protobuf::Message* request)
    : context_(context),
      method_(method),
      request_(request),
      start_(absl::Now()),
      principal_(tokens.Authenticate(Metadata(context, "authorization"))) {}

RpcCall::~RpcCall() {
  const absl::Duration latency = absl::Now() - start_;
  RecordRpc(method_, result_.code(), latency);
  const LogLevel level = result_.ok() ? LogLevel::kInfo : LogLevel::kWarn;
  if (!LogEnabled(level)) return;
  const int64_t micros = absl::ToInt64Microseconds(latency);
  Log(level,
      absl::StrCat("rpc=", method_, " principal=", principal_.ok() ? principal_->ActorName() : "-",
                   " peer=", PeerForLog(context_),
                   " status=", absl::StatusCodeToString(result_.code()), " latency_us=", micros,
                   // Why the bearer value was refused (never the value itself).
                   principal_.ok()
                       ? ""
                       : absl::StrCat(" auth_refused=\"",
                                      absl::CEscape(principal_.status().message()), "\"")));
}

absl::Status RpcCall::Admit(Access access, absl::string_view pcn_code,
                            absl::string_view icb_code) {
  if (!principal_.ok()) return principal_.status();
  if (absl::Status allowed = Authorize(*principal_, access, method_, pcn_code, icb_code);
      !allowed.ok()) {
    return allowed;
  }
  if (request_ != nullptr) {
    if (absl::Status clean = CheckNoUnknownFields(*request_); !clean.ok()) return clean;
  }
  if (context_->deadline() <= std::chrono::system_clock::now()) {
    // Work the client has given up on is not started. (The deadline, not IsCancelled():
    // on the synchronous server that polls the call's completion queue, which cost 8% of
    // the server's CPU per call.)
    return absl::DeadlineExceededError(
        "the call's deadline passed before the ledger started on it");
  }
  return absl::OkStatus();
}

grpc::Status RpcCall::Finish(absl::Status result) {
  result_ = std::move(result);
  return ToGrpcStatus(result_);
}

grpc::Status RpcCall::Run(Access access, absl::string_view pcn_code, absl::string_view icb_code,
                          const std::function<absl::Status(const Principal&)>& work) {
  absl::Status admitted = Admit(access, pcn_code, icb_code);
  return Finish(admitted.ok() ? work(*principal_) : std::move(admitted));
}

}  // namespace arrs::services
