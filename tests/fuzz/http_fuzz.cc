// Fuzz target: arrsd's HTTP JSON API (see fuzz_targets.h), over a real connection to the
// HTTP listener of the RPC world's server (rpc_world.h: 127.0.0.1, started once per
// process; httplib has no way to call a route in-process). Input: byte 0 picks the route
// (each method of CommandService, QueryService and AdminService as POST
// /api/v1/<Service>/<Method>, then a few paths and methods the API does not serve), byte 1
// how the Authorization header is made (http_fuzz_auth.h), byte 2 the Content-Type, byte 3
// how many of the following bytes go to the header; the rest is the request body, sent as
// it is or spliced into the method's valid template request in JSON (byte 2's top bit).
// Properties: no crash or sanitizer report; every answer is a well-formed HTTP/1.1
// response with a documented status (never 5xx); a refusal has the JSON error body
// {"code","message","httpStatus"} matching its status, an answer of 200 a JSON object; a
// refusal, a query and a deduplicated command leave the log's head where it was; a header
// that is not exactly "Bearer <a valid token>" never gets a 2xx, and a valid one is never
// 401.
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "arrs/v1/api.pb.h"
#include "google/protobuf/util/json_util.h"
#include "tests/fuzz/fuzz_targets.h"
#include "tests/fuzz/http_fuzz_auth.h"
#include "tests/fuzz/http_wire.h"
#include "tests/fuzz/rpc_world.h"

namespace arrs::fuzz {
namespace {

struct Route {
  std::string request_line;   // "POST /api/v1/QueryService/GetBalance HTTP/1.1"
  std::string template_json;  // the method's valid request ("" for the other paths)
  bool writes = false;        // a CommandService method
};

const std::vector<Route>& Routes() {
  static const std::vector<Route>* routes = [] {
    auto* r = new std::vector<Route>();
    google::protobuf::util::JsonPrintOptions print;
    for (const RpcMethod& m : TheRpcWorld().methods) {
      std::string json;
      ARRS_FUZZ_CHECK(
          google::protobuf::util::MessageToJsonString(*m.request_template, &json, print).ok());
      r->push_back({absl::StrCat("POST /api/v1/", m.descriptor->service()->name(), "/",
                                 m.descriptor->name(), " HTTP/1.1"),
                    json, m.writes});
    }
    for (const char* line :
         {"POST /api/v1/QueryService/NoSuchMethod HTTP/1.1", "POST /api/v2/x HTTP/1.1",
          "GET /api/v1/QueryService/GetBalance HTTP/1.1",
          "PUT /api/v1/CommandService/PayClaim HTTP/1.1",
          "POST /api/v1/QueryService/GetBalance/extra HTTP/1.1", "POST /nowhere HTTP/1.1"}) {
      r->push_back({line, "", false});
    }
    return r;
  }();
  return *routes;
}

// The statuses HttpStatusFor gives the codes service.proto documents, and httplib's own
// (405 wrong method, 413 body too large, 414 URI too long, 400 a request it cannot read).
bool Documented(int status) {
  static const std::set<int> documented = {200, 400, 401, 403, 404, 405, 409, 413, 414, 429};
  return documented.count(status) > 0;
}

// The body of a refusal: {"code":"<a status code name>","message":"...","httpStatus":N}.
void CheckErrorBody(const HttpAnswer& answer) {
  ARRS_FUZZ_CHECK(answer.headers.count("content-type") == 1 &&
                  answer.headers.at("content-type").rfind("application/json", 0) == 0);
  const nlohmann::json body = nlohmann::json::parse(answer.body, nullptr, false);
  ARRS_FUZZ_CHECK(body.is_object());
  ARRS_FUZZ_CHECK(body.contains("code") && body["code"].is_string());
  ARRS_FUZZ_CHECK(body.contains("message") && body["message"].is_string());
  ARRS_FUZZ_CHECK(body.contains("httpStatus") && body["httpStatus"].is_number());
  ARRS_FUZZ_CHECK(body["httpStatus"].get<int>() == answer.status);
  const std::string code = body["code"].get<std::string>();
  ARRS_FUZZ_CHECK(code != "OK" && code != "UNKNOWN" && code != "INTERNAL");
  ARRS_FUZZ_CHECK(code.find("Unknown code") == std::string::npos);
}

// cpp-httplib's CPPHTTPLIB_HEADER_MAX_LENGTH, fixed when Debian built the library.
constexpr size_t kHttplibHeaderMaxLength = 8192;

bool HasLineLongerThan(absl::string_view request, size_t limit) {
  for (absl::string_view line : absl::StrSplit(request, "\r\n")) {
    if (line.size() > limit) return true;
  }
  return false;
}

std::string Body(const Route& route, uint8_t flags, absl::string_view rest) {
  if ((flags & 0x80) == 0 || route.template_json.empty()) return std::string(rest);
  // Spliced into the template: the first two bytes say where, bit 6 whether it replaces
  // what follows (to the end: a truncated body) or is inserted.
  std::string body = route.template_json;
  if (rest.size() < 2) return body;
  const size_t at =
      (static_cast<uint8_t>(rest[0]) << 8 | static_cast<uint8_t>(rest[1])) % (body.size() + 1);
  rest.remove_prefix(2);
  if (flags & 0x40) body.resize(at);
  body.insert(at, rest.data(), rest.size());
  return body;
}

const char* ContentType(uint8_t flags) {
  switch (flags % 6) {
    case 0:
    case 1:
    case 2:
      return "Content-Type: application/json\r\n";
    case 3:
      return "Content-Type: application/json; charset=utf-8\r\n";
    case 4:
      return "Content-Type: text/plain\r\n";
    default:
      return "";
  }
}

}  // namespace

int FuzzHttp(const uint8_t* data, size_t size) {
  RpcWorld& world = TheRpcWorld();
  if (size < 4) return 0;
  const Route& route = Routes()[data[0] % Routes().size()];
  const uint8_t auth_kind = data[1];
  const uint8_t flags = data[2];
  absl::string_view rest(reinterpret_cast<const char*>(data + 4), size - 4);
  const absl::string_view auth_material = rest.substr(0, std::min<size_t>(data[3], rest.size()));
  rest.remove_prefix(auth_material.size());

  const std::optional<std::string> authorization =
      MakeAuthorization(world, auth_kind, auth_material);
  const std::string body = Body(route, flags, rest);
  std::string request = absl::StrCat(route.request_line, "\r\nHost: 127.0.0.1\r\n",
                                     "Connection: close\r\n", ContentType(flags));
  if (authorization.has_value())
    absl::StrAppend(&request, "Authorization: ", *authorization, "\r\n");
  absl::StrAppend(&request, "Content-Length: ", body.size(), "\r\n\r\n", body);

  const uint64_t head = world.Head();
  absl::StatusOr<HttpAnswer> answer = SendHttp(world.http_port, request, 60);
  static const bool verbose = std::getenv("ARRS_FUZZ_VERBOSE") != nullptr;
  if (verbose || !answer.ok() || !Documented(answer->status)) {
    std::fprintf(stderr, "%s (auth %zu bytes, body %zu bytes): %s\n", route.request_line.c_str(),
                 authorization ? authorization->size() : 0, body.size(),
                 answer.ok()
                     ? absl::StrCat(answer->status, " ", answer->body.substr(0, 300)).c_str()
                     : answer.status().ToString().c_str());
  }
  ARRS_FUZZ_CHECK(answer.ok());
  ARRS_FUZZ_CHECK(Documented(answer->status));
  // One answer per request, but for cpp-httplib's known second answer after a header line
  // over its limit (http_wire.h): then the first must be that refusal.
  if (!answer->after.empty()) {
    ARRS_FUZZ_CHECK(HasLineLongerThan(request, kHttplibHeaderMaxLength));
    ARRS_FUZZ_CHECK(answer->status == 400);
  }
  const uint64_t after = world.Head();
  const bool valid = authorization.has_value() && IsValidAuthorization(world, *authorization);
  const bool exact = auth_kind % 12 <= 1;  // "Bearer <a valid token>" as it is
  if (answer->status == 200) {
    ARRS_FUZZ_CHECK(valid);  // no token, a garbled one or an unknown one is never served
    ARRS_FUZZ_CHECK(nlohmann::json::parse(answer->body, nullptr, false).is_object());
    if (!route.writes) ARRS_FUZZ_CHECK(after == head);
  } else {
    CheckErrorBody(*answer);
    ARRS_FUZZ_CHECK(after == head);  // a refused request writes nothing
    if (exact) ARRS_FUZZ_CHECK(answer->status != 401);
  }
  return 0;
}

}  // namespace arrs::fuzz
