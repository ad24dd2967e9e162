// The state every arrsctl subcommand shares: global options (server, token, output
// format, request id, as-of / known-at), the gRPC connection, and how results and
// errors are reported. Subcommands set Context::action; main runs it after parsing.
#ifndef ARRS_CLI_CONTEXT_H_
#define ARRS_CLI_CONTEXT_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "arrs/v1/service.grpc.pb.h"

namespace arrs::cli {

// Exit codes: 0 ok, 1 refused or failed, 2 usage.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

using CommandStub = v1::CommandService::Stub;
using QueryStub = v1::QueryService::Stub;
using AdminStub = v1::AdminService::Stub;

enum class OutputFormat { kTable, kJson, kCsv };

struct GlobalOptions {
  std::string server = "127.0.0.1:50151";
  std::string token;
  std::string token_file;  // first line is the token (preferred over --token: not in `ps`)
  std::string tls_ca_file;
  bool json = false;
  bool csv = false;
  std::string request_id;
  std::string reason;
  std::string as_of;     // YYYY-MM-DD
  std::string known_at;  // position or YYYY-MM-DDTHH:MM:SSZ
  int timeout_seconds = 30;
};

class Context {
 public:
  GlobalOptions options;
  // What the chosen subcommand does; returns the exit code.
  std::function<int()> action;

  OutputFormat format() const;

  // The channel to --server (TLS when --tls-ca is given); created on first use.
  std::shared_ptr<grpc::Channel> channel();
  std::unique_ptr<v1::CommandService::Stub> commands();
  std::unique_ptr<v1::QueryService::Stub> queries();
  std::unique_ptr<v1::AdminService::Stub> admin();

  // A ClientContext carrying `authorization: Bearer <token>` (the given token, or
  // options.token) and the deadline.
  std::unique_ptr<grpc::ClientContext> NewCall(const std::string& token = "") const;
  // A fresh CommandHeader: --request-id or a random one, --reason.
  v1::CommandHeader Header() const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
};

// "arrsctl:<32 random hex digits>".
std::string RandomRequestId();

// Prints "error: CODE_NAME: message" to stderr and returns kExitFailed.
int ReportRpcError(const grpc::Status& status, const std::string& what);
// Prints "error: message" to stderr; returns kExitUsage for INVALID_ARGUMENT (bad input
// given on the command line), kExitFailed otherwise.
int ReportError(const absl::Status& status);
// The canonical name of a gRPC status code ("FAILED_PRECONDITION").
const char* StatusCodeName(grpc::StatusCode code);

}  // namespace arrs::cli

#endif  // ARRS_CLI_CONTEXT_H_
