// Fuzz target: every RPC of arrsd (see fuzz_targets.h), called in-process on one server
// with a seeded history (rpc_world.h). Input: byte 0 picks the method (CommandService,
// QueryService, AdminService in service.proto's order), byte 1 the caller (a token of
// each role, no token, an unknown token), byte 2 the mode: even = the rest is the
// request's protobuf bytes (inputs that do not parse are skipped); odd = the method's
// valid template request with up to 8 structure-aware mutations read from the rest
// (rpc_mutate.h). Properties: no crash or sanitizer report; every status is one
// service.proto documents (never UNKNOWN or INTERNAL); a caller without a valid token is
// UNAUTHENTICATED, a valid one never is; a refused command, a deduplicated one and any query or
// admin call leave the log's head where it was; an accepted command's events end at the new head.
// Calls run one at a time, so only the call under test moves the head. The server keeps
// what accepted commands wrote, so an input's outcome can depend on earlier inputs.
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "arrs/v1/api.pb.h"
#include "arrs/v1/service.grpc.pb.h"
#include "google/protobuf/message.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/fuzz/rpc_mutate.h"
#include "tests/fuzz/rpc_world.h"

namespace arrs::fuzz {
namespace {

using google::protobuf::Message;

constexpr int kMaxMutations = 8;
constexpr int kMaxEventsRead = 3;

// What service.proto documents (RESOURCE_EXHAUSTED: a gRPC limit, such as subscribers).
bool Documented(grpc::StatusCode code) {
  static const std::set<grpc::StatusCode> documented = {
      grpc::StatusCode::OK,
      grpc::StatusCode::INVALID_ARGUMENT,
      grpc::StatusCode::FAILED_PRECONDITION,
      grpc::StatusCode::ABORTED,
      grpc::StatusCode::ALREADY_EXISTS,
      grpc::StatusCode::NOT_FOUND,
      grpc::StatusCode::PERMISSION_DENIED,
      grpc::StatusCode::UNAUTHENTICATED,
      grpc::StatusCode::RESOURCE_EXHAUSTED,
  };
  return documented.count(code) > 0;
}

void Report(const RpcMethod& method, const RpcCaller& caller, const grpc::Status& status) {
  std::fprintf(stderr, "%s as '%s': %d %s\n", method.path.c_str(), caller.token.c_str(),
               static_cast<int>(status.error_code()), status.error_message().c_str());
}

// Subscribe: reads a few events, then cancels; a deadline ends a wait for live events.
grpc::Status Subscribe(const RpcWorld& world, const RpcCaller& caller, const Message& request) {
  auto stub = v1::AdminService::NewStub(world.channel);
  grpc::ClientContext context;
  if (!caller.token.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", caller.token));
  }
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(50));
  v1::SubscribeRequest typed;
  typed.CopyFrom(request);
  auto reader = stub->Subscribe(&context, typed);
  v1::Event event;
  int read = 0;
  while (read < kMaxEventsRead && reader->Read(&event)) ++read;
  if (read == kMaxEventsRead) {
    context.TryCancel();
    while (reader->Read(&event)) {
    }
  }
  const grpc::Status status = reader->Finish();
  if (read > 0 || status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
      status.error_code() == grpc::StatusCode::CANCELLED) {
    return grpc::Status::OK;  // it streamed, or waited for events until we stopped it
  }
  return status;
}

}  // namespace

int FuzzRpc(const uint8_t* data, size_t size) {
  if (size < 3) return 0;
  RpcWorld& world = TheRpcWorld();
  const RpcMethod& method = world.methods[data[0] % world.methods.size()];
  const RpcCaller& caller = world.callers[data[1] % world.callers.size()];
  const bool structured = data[2] % 2 == 1;
  std::unique_ptr<Message> request(method.request_template->New());
  if (structured) {
    request->CopyFrom(*method.request_template);
    InputBytes in(data + 3, size - 3);
    MutateMessage(request.get(), in, kMaxMutations);
  } else if (!request->ParseFromArray(data + 3, static_cast<int>(size - 3))) {
    return 0;
  }

  // A string field that is not UTF-8 (the mutator sets some) makes the request unparsable
  // for the server: gRPC refuses it before any of arrsd's code runs, with a status of its
  // own (UNIMPLEMENTED, no message, in Debian's gRPC 1.51). Such a call must still write
  // nothing, but its status is gRPC's, not one service.proto documents.
  std::unique_ptr<Message> reparsed(request->New());
  // A request over the channel's message limit (a mutation can grow lists to tens of
  // megabytes) is refused by the client's gRPC, RESOURCE_EXHAUSTED "Sent message larger
  // than max", before it is sent: it too must write nothing, whoever the caller.
  const bool parsable = reparsed->ParseFromString(request->SerializeAsString()) &&
                        request->ByteSizeLong() <= world.max_message_bytes;

  const uint64_t head = world.Head();
  std::unique_ptr<Message> response(method.request_template->New());
  grpc::Status status;
  if (method.descriptor->server_streaming()) {
    status = Subscribe(world, caller, *request);
  } else {
    const google::protobuf::Descriptor* out = method.descriptor->output_type();
    response.reset(google::protobuf::MessageFactory::generated_factory()->GetPrototype(out)->New());
    status = CallUnary(world, method, caller.token, *request, response.get());
  }
  const uint64_t after = world.Head();
  static const bool verbose = std::getenv("ARRS_FUZZ_VERBOSE") != nullptr;
  if (verbose) Report(method, caller, status);  // what each call answered, to check seeds

  if (!parsable) {
    if (status.ok()) Report(method, caller, status);
    ARRS_FUZZ_CHECK(!status.ok());
  } else if (!Documented(status.error_code()) &&
             !(method.descriptor->name() == "Backup" &&
               status.error_code() == grpc::StatusCode::UNAVAILABLE)) {
    // Backup writes a checkpoint on the server's disk: a failure there is UNAVAILABLE
    // (the log's I/O errors), whatever the request. CI's fuzz run met one once, "checkpoint
    // into <root>/a": a target_dir holding a NUL byte, now refused INVALID_ARGUMENT (as are
    // a missing parent folder and a file at "<target>.tmp"; docs/RELIABILITY.md). A real
    // disk fault still answers UNAVAILABLE, so it stays allowed; the head check holds.
    Report(method, caller, status);
    ARRS_FUZZ_CHECK(false);
  }
  if (!parsable) {
    // gRPC's refusal, checked above; the head check below still applies.
  } else if (caller.known) {
    if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) Report(method, caller, status);
    ARRS_FUZZ_CHECK(status.error_code() != grpc::StatusCode::UNAUTHENTICATED);
  } else {
    if (status.error_code() != grpc::StatusCode::UNAUTHENTICATED) Report(method, caller, status);
    ARRS_FUZZ_CHECK(status.error_code() == grpc::StatusCode::UNAUTHENTICATED);
  }
  if (!status.ok() || !method.writes) {
    if (after != head) Report(method, caller, status);
    ARRS_FUZZ_CHECK(after == head);  // refusals, queries and admin calls write nothing
  } else {
    const auto& result = static_cast<const v1::CommandResult&>(*response);
    if (result.deduplicated()) {
      ARRS_FUZZ_CHECK(after == head);
    } else {
      ARRS_FUZZ_CHECK(after > head);
      ARRS_FUZZ_CHECK(result.last_position() == after);
      ARRS_FUZZ_CHECK(result.first_position() == head + 1);
    }
  }
  if (method.descriptor->name() == "Backup" && status.ok()) {
    // Keep the backup root empty, so the template's target stays free and disk use flat.
    for (const auto& entry : std::filesystem::directory_iterator(world.backup_root)) {
      std::filesystem::remove_all(entry.path());
    }
  }
  return 0;
}

}  // namespace arrs::fuzz
