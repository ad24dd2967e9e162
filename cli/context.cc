#include "cli/context.h"

#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace arrs::cli {

OutputFormat Context::format() const {
  if (options.json) return OutputFormat::kJson;
  if (options.csv) return OutputFormat::kCsv;
  return OutputFormat::kTable;
}

std::shared_ptr<grpc::Channel> Context::channel() {
  if (channel_) return channel_;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (!options.tls_ca_file.empty()) {
    std::ifstream in(options.tls_ca_file);
    std::stringstream pem;
    pem << in.rdbuf();
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pem.str();
    credentials = grpc::SslCredentials(ssl);
  } else {
    credentials = grpc::InsecureChannelCredentials();
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  channel_ = grpc::CreateCustomChannel(options.server, credentials, args);
  return channel_;
}

std::unique_ptr<v1::CommandService::Stub> Context::commands() {
  return v1::CommandService::NewStub(channel());
}
std::unique_ptr<v1::QueryService::Stub> Context::queries() {
  return v1::QueryService::NewStub(channel());
}
std::unique_ptr<v1::AdminService::Stub> Context::admin() {
  return v1::AdminService::NewStub(channel());
}

std::unique_ptr<grpc::ClientContext> Context::NewCall(const std::string& token) const {
  auto call = std::make_unique<grpc::ClientContext>();
  const std::string& t = token.empty() ? options.token : token;
  if (!t.empty()) call->AddMetadata("authorization", "Bearer " + t);
  if (options.timeout_seconds > 0) {
    call->set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(options.timeout_seconds));
  }
  return call;
}

v1::CommandHeader Context::Header() const {
  v1::CommandHeader header;
  header.set_request_id(options.request_id.empty() ? RandomRequestId() : options.request_id);
  header.set_reason(options.reason);
  return header;
}

std::string RandomRequestId() {
  std::random_device device;
  std::string out = "arrsctl:";
  for (int i = 0; i < 4; ++i) absl::StrAppend(&out, absl::StrFormat("%08x", device()));
  return out;
}

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::OK: return "OK";
    case grpc::CANCELLED: return "CANCELLED";
    case grpc::UNKNOWN: return "UNKNOWN";
    case grpc::INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case grpc::DEADLINE_EXCEEDED: return "DEADLINE_EXCEEDED";
    case grpc::NOT_FOUND: return "NOT_FOUND";
    case grpc::ALREADY_EXISTS: return "ALREADY_EXISTS";
    case grpc::PERMISSION_DENIED: return "PERMISSION_DENIED";
    case grpc::UNAUTHENTICATED: return "UNAUTHENTICATED";
    case grpc::RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case grpc::FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case grpc::ABORTED: return "ABORTED";
    case grpc::OUT_OF_RANGE: return "OUT_OF_RANGE";
    case grpc::UNIMPLEMENTED: return "UNIMPLEMENTED";
    case grpc::INTERNAL: return "INTERNAL";
    case grpc::UNAVAILABLE: return "UNAVAILABLE";
    case grpc::DATA_LOSS: return "DATA_LOSS";
    default: return "UNKNOWN";
  }
}

int ReportRpcError(const grpc::Status& status, const std::string& what) {
  std::fprintf(stderr, "error: %s: %s%s%s\n", StatusCodeName(status.error_code()),
               what.c_str(), what.empty() ? "" : ": ", status.error_message().c_str());
  return kExitFailed;
}

int ReportError(const absl::Status& status) {
  std::fprintf(stderr, "error: %s\n", std::string(status.message()).c_str());
  return absl::IsInvalidArgument(status) ? kExitUsage : kExitFailed;
}

}  // namespace arrs::cli
