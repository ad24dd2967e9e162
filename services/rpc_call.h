// RpcCall: what every arrsd handler does around its work — authenticate the bearer
// token, authorise the principal, refuse a request carrying unknown fields
// (request_checks.h), map the absl::Status to a gRPC status once, and log
// one structured line (method, principal, status, latency, why authentication failed;
// never the token).
#ifndef ARRS_SERVICES_RPC_CALL_H_
#define ARRS_SERVICES_RPC_CALL_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "services/auth.h"
#include "services/authorize.h"

namespace arrs::services {

// absl and gRPC share code numbers; the message is kept as is.
grpc::Status ToGrpcStatus(const absl::Status& status);

class RpcCall {
 public:
  // `context`: a synchronous or a callback call's; it must outlive this object (which logs
  // the call's line when destroyed). `request` (not owned; outlives this object): the
  // call's request message, checked for unknown fields on admission; null for none.
  RpcCall(grpc::ServerContextBase* context, const TokenStore& tokens, const char* method,
          const google::protobuf::Message* request = nullptr);
  ~RpcCall();

  // Authenticated principal, or UNAUTHENTICATED.
  const absl::StatusOr<Principal>& principal() const { return principal_; }

  // Authenticates, authorises for `access` on the target, and runs `work`.
  grpc::Status Run(Access access, absl::string_view pcn_code, absl::string_view icb_code,
                   const std::function<absl::Status(const Principal&)>& work);

  // Run in two halves, for work that finishes later: Admit authenticates, authorises,
  // checks the request for unknown fields (INVALID_ARGUMENT) and checks the deadline (OK: start the work); Finish records the outcome for the log line
  // and returns it as a gRPC status.
  absl::Status Admit(Access access, absl::string_view pcn_code, absl::string_view icb_code);
  grpc::Status Finish(absl::Status result);

 private:
  grpc::ServerContextBase* context_;
  const char* method_;
  const google::protobuf::Message* request_;
  absl::Time start_;
  absl::StatusOr<Principal> principal_;
  absl::Status result_;
};

// Stores a StatusOr's value in *out and returns its status.
template <typename T>
absl::Status Assign(absl::StatusOr<T> value, T* out) {
  if (!value.ok()) return value.status();
  *out = *std::move(value);
  return absl::OkStatus();
}

}  // namespace arrs::services

#endif  // ARRS_SERVICES_RPC_CALL_H_
