#include "services/http/json_bridge.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/impl/codegen/proto_utils.h>  // SerializationTraits for protobuf messages

#include <future>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/http/http_status.h"

namespace arrs::services::http {
namespace {

using google::protobuf::Message;
using google::protobuf::MessageFactory;
using google::protobuf::MethodDescriptor;

JsonReply Error(const absl::Status& status) {
  return {HttpStatusFor(status.code()), ErrorJson(status)};
}

// gRPC metadata values are printable ASCII; anything else cannot be a bearer token.
bool IsPrintableAscii(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

JsonBridge::JsonBridge(std::shared_ptr<grpc::Channel> channel,
                       const std::vector<std::string>& services, absl::Duration deadline)
    : channel_(std::move(channel)), deadline_(deadline) {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  for (const std::string& name : services) {
    const google::protobuf::ServiceDescriptor* service = pool->FindServiceByName(name);
    assert(service != nullptr && "JsonBridge: unknown service");
    if (service == nullptr) continue;
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor* method = service->method(i);
      if (method->client_streaming() || method->server_streaming()) continue;
      methods_[absl::StrCat(service->name(), "/", method->name())] = method;
    }
  }
}

bool JsonBridge::Has(absl::string_view route) const { return methods_.find(route) != methods_.end(); }

std::vector<std::string> JsonBridge::Routes() const {
  std::vector<std::string> routes;
  for (const auto& [route, method] : methods_) routes.push_back(route);
  return routes;
}

JsonReply JsonBridge::Call(absl::string_view route, absl::string_view json_body,
                           absl::string_view authorization, absl::string_view http_peer) const {
  auto found = methods_.find(route);
  if (found == methods_.end()) {
    return Error(absl::NotFoundError(absl::StrCat("no API method ", route)));
  }
  const MethodDescriptor* method = found->second;
  MessageFactory* factory = MessageFactory::generated_factory();
  std::unique_ptr<Message> request(factory->GetPrototype(method->input_type())->New());
  std::unique_ptr<Message> response(factory->GetPrototype(method->output_type())->New());

  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  const std::string body = json_body.empty() ? "{}" : std::string(json_body);
  if (auto parsed = google::protobuf::util::JsonStringToMessage(body, request.get(), parse);
      !parsed.ok()) {
    return Error(absl::InvalidArgumentError(
        absl::StrCat("request body is not a JSON ", method->input_type()->name(), ": ",
                     std::string(parsed.message()))));
  }
  if (!IsPrintableAscii(authorization)) {
    return Error(absl::UnauthenticatedError(
        "the Authorization header must be 'Bearer <token>' in printable ASCII"));
  }

  grpc::ClientContext context;
  if (!authorization.empty()) {
    context.AddMetadata("authorization", std::string(authorization));
  }
  if (!http_peer.empty() && IsPrintableAscii(http_peer)) {
    context.AddMetadata("x-arrs-http-peer", std::string(http_peer));
  }
  context.set_deadline(absl::ToChronoTime(absl::Now() + deadline_));
  grpc::TemplatedGenericStub<Message, Message> stub(channel_);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, absl::StrCat("/", method->service()->full_name(), "/", method->name()),
                 grpc::StubOptions(), request.get(), response.get(),
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) {
    return Error(absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                              status.error_message()));
  }
  google::protobuf::util::JsonPrintOptions print;
  print.always_print_primitive_fields = true;
  JsonReply reply;
  if (auto printed = google::protobuf::util::MessageToJsonString(*response, &reply.body, print);
      !printed.ok()) {
    return Error(absl::InternalError(
        absl::StrCat("could not print the response as JSON: ", std::string(printed.message()))));
  }
  return reply;
}

}  // namespace arrs::services::http
