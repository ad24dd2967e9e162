#include "tests/cli/process_harness.h"

#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

namespace arrs::cli_test {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string MakeTempDir() {
  char pattern[] = "/tmp/arrsctl-test-XXXXXX";
  const char* dir = mkdtemp(pattern);
  return dir ? dir : "/tmp";
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

bool Server::Start(const std::string& dir, const std::vector<std::string>& extra,
                   bool shipped_rules) {
  const std::string port_file = dir + "/port";
  const std::string log_file = dir + "/arrsd.log";
  pid_ = fork();
  if (pid_ == 0) {
    // arrsd must not outlive a test binary that crashed, nor hold its stdout.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    std::freopen("/dev/null", "w", stdout);
    std::freopen(log_file.c_str(), "w", stderr);
    const std::string binary = ARRS_BINARY_DIR "/services/arrsd";
    const std::string data = dir + "/data";
    const std::string tokens = ARRS_SOURCE_DIR "/config/demo-tokens.txt";
    const std::string rules = ARRS_SOURCE_DIR "/rules";
    std::vector<std::string> args = {binary, "--data", data, "--listen", "127.0.0.1:0",
                                     "--port-file", port_file, "--tokens", tokens,
                                     "--log-level", "warn", "--grace-seconds", "1",
                                     "--backup-root", dir};
    if (shipped_rules) args.insert(args.end(), {"--rules-dir", rules});
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  for (int i = 0; i < 200; ++i) {
    std::string text = ReadFile(port_file);
    if (!text.empty() && text.back() == '\n') {
      port_ = std::atoi(text.c_str());
      if (port_ > 0) return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      std::fprintf(stderr, "arrsd exited early:\n%s\n", ReadFile(log_file).c_str());
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

void Server::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

RunResult RunArrsctl(const std::vector<std::string>& args, const std::string& server,
                     const std::string& token) {
  static int counter = 0;
  static const std::string dir = [] {
    std::string d = MakeTempDir();
    static std::string removed_at_exit = d;
    std::atexit([] { rmdir(removed_at_exit.c_str()); });
    return d;
  }();
  const std::string out = dir + "/out" + std::to_string(++counter);
  const std::string err = out + ".err";
  std::string command = "env -u ARRS_TOKEN ARRS_SERVER=" + ShellQuote(server);
  if (!token.empty()) command += " ARRS_TOKEN=" + ShellQuote(token);
  // An empty HOME and XDG_CONFIG_HOME keep the user's arrsctl.ini out of the tests.
  command += " HOME=" + dir + " XDG_CONFIG_HOME=" + dir + " ";
  command += ShellQuote(ARRS_BINARY_DIR "/cli/arrsctl");
  for (const std::string& a : args) command += " " + ShellQuote(a);
  command += " >" + out + " 2>" + err + " </dev/null";
  const int status = std::system(command.c_str());
  RunResult r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out);
  r.err = ReadFile(err);
  std::remove(out.c_str());
  std::remove(err.c_str());
  return r;
}

}  // namespace arrs::cli_test
