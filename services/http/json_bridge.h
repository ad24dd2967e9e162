// JsonBridge: calls arrsd's own unary gRPC methods with JSON bodies, over the server's
// in-process channel. Every HTTP call therefore passes the very checks a gRPC call does
// (authentication, authorisation, unknown-field refusal, size limits, the thread quota)
// and leaves the same log line. Requests and responses use protobuf's JSON mapping:
// lowerCamelCase or proto field names in, lowerCamelCase out, 64-bit integers as
// strings, enums by name, default values printed.
#ifndef ARRS_SERVICES_HTTP_JSON_BRIDGE_H_
#define ARRS_SERVICES_HTTP_JSON_BRIDGE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace google::protobuf {
class MethodDescriptor;
}
namespace grpc {
class Channel;
}

namespace arrs::services::http {

struct JsonReply {
  int http_status = 200;
  std::string body;  // the response message, or ErrorJson
};

class JsonBridge {
 public:
  // Routes the unary methods of the named services (full names, e.g.
  // "arrs.v1.QueryService") as "<ServiceName>/<Method>" over `channel`.
  JsonBridge(std::shared_ptr<grpc::Channel> channel, const std::vector<std::string>& services,
             absl::Duration deadline);

  // True when "<service>/<method>" is routed.
  bool Has(absl::string_view route) const;

  // Calls the method routed as `route` with `json_body` ("" means {}), sending
  // `authorization` (the HTTP header's value) as gRPC's authorization metadata and
  // `http_peer` for the log line. A body that is not the request message in JSON (bad
  // syntax, an unknown field, a wrong type) is INVALID_ARGUMENT naming the problem, and
  // nothing is called.
  JsonReply Call(absl::string_view route, absl::string_view json_body,
                 absl::string_view authorization, absl::string_view http_peer) const;

  // The routes, sorted.
  std::vector<std::string> Routes() const;

 private:
  std::shared_ptr<grpc::Channel> channel_;
  absl::Duration deadline_;
  std::map<std::string, const google::protobuf::MethodDescriptor*, std::less<>> methods_;
};

}  // namespace arrs::services::http

#endif  // ARRS_SERVICES_HTTP_JSON_BRIDGE_H_
