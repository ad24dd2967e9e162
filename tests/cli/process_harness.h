// Test harness for the arrsctl end-to-end tests: starts the real arrsd on 127.0.0.1 port 0
// with a temporary data folder, the demo tokens and (by default) the shipped rules, and runs the
// real arrsctl binary, capturing exit code, stdout and stderr; and checks and reads its output.
#ifndef ARRS_TESTS_CLI_PROCESS_HARNESS_H_
#define ARRS_TESTS_CLI_PROCESS_HARNESS_H_

#include <gtest/gtest.h>
#include <sys/types.h>

#include <string>
#include <vector>

#include "google/protobuf/util/json_util.h"

namespace arrs::cli_test {

struct RunResult {
  int code = -1;
  std::string out;
  std::string err;
};

class Server {
 public:
  // Starts arrsd in `dir` (data in dir/data); false when it did not report a port.
  // `extra` arguments are passed on to arrsd (e.g. --tls-cert/--tls-key). Without
  // `shipped_rules`, arrsd publishes no rule book (no --rules-dir).
  bool Start(const std::string& dir, const std::vector<std::string>& extra = {},
             bool shipped_rules = true);
  void Stop();
  ~Server() { Stop(); }
  int port() const { return port_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// A fresh temporary directory.
std::string MakeTempDir();
void WriteFile(const std::string& path, const std::string& text);

// Runs arrsctl with `args` (no shell interpretation of the args), with ARRS_SERVER and
// ARRS_TOKEN set as given (empty token: unset).
RunResult RunArrsctl(const std::vector<std::string>& args, const std::string& server,
                     const std::string& token);

// Whether `text` contains `part`.
inline bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Expects each of `parts` in `text`.
inline void ExpectHasAll(const std::string& text, const std::vector<std::string>& parts) {
  for (const std::string& part : parts) {
    EXPECT_TRUE(Has(text, part)) << "no \"" << part << "\" in:\n" << text;
  }
}

// Parses arrsctl's --json output as a `T`; a failure to parse fails the test.
template <typename T>
T ParseJson(const std::string& text) {
  T message;
  auto status = google::protobuf::util::JsonStringToMessage(text, &message);
  EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << text.substr(0, 500);
  return message;
}

}  // namespace arrs::cli_test

#endif  // ARRS_TESTS_CLI_PROCESS_HARNESS_H_
