// Runs the real arrsd binary as a child process on 127.0.0.1 (ephemeral port, temporary
// data folder, demo-style tokens written by the test) and stops it with a signal.
#ifndef ARRS_TESTS_SERVICES_ARRSD_PROCESS_H_
#define ARRS_TESTS_SERVICES_ARRSD_PROCESS_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace arrs::testing_support {

class ArrsdProcess {
 public:
  // Starts arrsd on `data_dir` with `tokens_file` (none when empty) and `extra_args`;
  // returns false when it did not come up within 20 s.
  bool Start(const std::string& data_dir, const std::string& tokens_file,
             const std::vector<std::string>& extra_args = {}) {
    port_file_ = data_dir + ".port";
    std::filesystem::remove(port_file_);
    const std::string binary = std::string(ARRS_BINARY_DIR) + "/services/arrsd";
    const std::string rules = std::string(ARRS_SOURCE_DIR) + "/rules";
    std::vector<std::string> args = {binary, "--data", data_dir, "--listen", "127.0.0.1:0"};
    if (!tokens_file.empty()) args.insert(args.end(), {"--tokens", tokens_file});
    args.insert(args.end(), {"--rules-dir", rules, "--port-file", port_file_, "--log-level", "warn",
                             "--grace-seconds", "10"});
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = fork();
    if (pid_ == 0) {
      execv(binary.c_str(), argv.data());
      _exit(127);
    }
    for (int i = 0; i < 200; ++i) {
      std::ifstream in(port_file_);
      if (in >> port_ && port_ > 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  // Sends `signal` and waits; returns the exit status (or 128 + signal if killed).
  int Stop(int signal) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    std::filesystem::remove(port_file_);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
  }

  ~ArrsdProcess() { Stop(SIGKILL); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  std::string port_file_;
};

}  // namespace arrs::testing_support

#endif  // ARRS_TESTS_SERVICES_ARRSD_PROCESS_H_
