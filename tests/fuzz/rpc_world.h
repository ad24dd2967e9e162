// The RPC fuzz target's world (rpc_fuzz.cc): one in-process arrsd per process (a Ledger
// on a temporary folder with the shipped rules, an ArrsServer with a token of every role
// and a backup root), a small seeded history (two PCNs in two ICBs with list sizes, a
// 2023/24 sum, a hire and an assessed claim on U40001), every method of CommandService,
// QueryService and AdminService with a valid template request, and the in-process
// channel the calls go through. The server also serves HTTP on 127.0.0.1 (the JSON API,
// for http_fuzz.cc) and accepts JWTs signed by a key made at start (jwt_tokens).
#ifndef ARRS_TESTS_FUZZ_RPC_WORLD_H_
#define ARRS_TESTS_FUZZ_RPC_WORLD_H_

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "ledger/engine/ledger.h"
#include "services/auth.h"
#include "services/jwt_auth.h"
#include "services/server.h"

namespace arrs::fuzz {

struct RpcMethod {
  const google::protobuf::MethodDescriptor* descriptor;
  std::string path;                                             // "/arrs.v1.Service/Method"
  std::unique_ptr<google::protobuf::Message> request_template;  // valid for an admin
  bool writes;                                                  // a CommandService method
};

// A caller: a bearer token ("" = none) and whether it names a principal.
struct RpcCaller {
  std::string token;
  bool known;
};

struct RpcWorld {
  std::filesystem::path dir;
  std::filesystem::path backup_root;
  std::unique_ptr<services::JwtVerifier> jwt_verifier;
  std::unique_ptr<services::TokenStore> tokens;
  std::unique_ptr<engine::Ledger> ledger;
  std::unique_ptr<services::ArrsServer> server;
  std::shared_ptr<grpc::Channel> channel;
  size_t max_message_bytes = 0;  // the channel's limit: a larger request is never sent
  std::vector<RpcMethod> methods;  // service by service, in service.proto's order
  std::vector<RpcCaller> callers;  // admin, auditor, 2 commissioners, 2 PCNs, none, unknown
  std::vector<std::string> jwt_tokens;  // valid for 30 days: an admin's, U40001's system's
  int http_port = 0;                    // the JSON API on 127.0.0.1

  uint64_t Head() const { return ledger->log().head().position; }
};

// Built on first use and kept for the process (the server's folder is removed at exit).
RpcWorld& TheRpcWorld();

// One unary call through the in-process channel; `response` must be of the method's type.
grpc::Status CallUnary(const RpcWorld& world, const RpcMethod& method, const std::string& token,
                       const google::protobuf::Message& request,
                       google::protobuf::Message* response);

}  // namespace arrs::fuzz

#endif  // ARRS_TESTS_FUZZ_RPC_WORLD_H_
