#include "tests/fuzz/http_wire.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace arrs::fuzz {
namespace {

// Closes the socket on every path out.
class Socket {
 public:
  Socket() : fd_(socket(AF_INET, SOCK_STREAM, 0)) {}
  ~Socket() {
    if (fd_ >= 0) close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

absl::StatusOr<HttpAnswer> Parse(const std::string& raw) {
  const size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos) {
    return absl::DataLossError(absl::StrCat("no end of headers in ", raw.size(), " bytes"));
  }
  std::vector<std::string> lines = absl::StrSplit(raw.substr(0, end), "\r\n");
  HttpAnswer answer;
  std::vector<std::string> status_line = absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
  if (status_line.size() < 2 || status_line[0] != "HTTP/1.1" ||
      !absl::SimpleAtoi(status_line[1], &answer.status) || answer.status < 100 ||
      answer.status > 599) {
    return absl::DataLossError(absl::StrCat("bad status line: ", lines[0]));
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    if (colon == std::string::npos || colon == 0) {
      return absl::DataLossError(absl::StrCat("bad header line: ", lines[i]));
    }
    answer.headers[absl::AsciiStrToLower(lines[i].substr(0, colon))] =
        std::string(absl::StripAsciiWhitespace(lines[i].substr(colon + 1)));
  }
  auto length = answer.headers.find("content-length");
  size_t expected = 0;
  if (length == answer.headers.end() || !absl::SimpleAtoi(length->second, &expected) ||
      expected > raw.size() - end - 4) {
    return absl::DataLossError(absl::StrCat("body of ", raw.size() - end - 4,
                                            " bytes is shorter than its Content-Length"));
  }
  answer.body = raw.substr(end + 4, expected);
  answer.after = raw.substr(end + 4 + expected);
  return answer;
}

}  // namespace

absl::StatusOr<HttpAnswer> SendHttp(int port, absl::string_view request, int timeout_seconds) {
  Socket s;
  if (s.fd() < 0) return absl::UnavailableError("socket() failed");
  timeval timeout{timeout_seconds, 0};
  setsockopt(s.fd(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  setsockopt(s.fd(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(s.fd(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return absl::UnavailableError(absl::StrCat("connect failed: errno ", errno));
  }
  // The server may answer (413, 400) and close before reading everything: stop writing then.
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(s.fd(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  // Read until the server closes; once a whole answer is in, wait at most kLinger for more
  // (cpp-httplib may keep a connection it said it would close open for its keep-alive
  // timeout, 5 s: http_wire.h).
  constexpr timeval kLinger{0, 50 * 1000};
  std::string raw;
  char buffer[16384];
  bool complete = false;
  while (true) {
    const ssize_t n = recv(s.fd(), buffer, sizeof buffer, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == ECONNRESET && !raw.empty()) break;
      if ((errno == EAGAIN || errno == EWOULDBLOCK) && complete) break;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        return absl::UnavailableError(
            absl::StrCat("no answer within ", timeout_seconds, " s (", raw.size(), " bytes)"));
      }
      if (raw.empty()) return absl::UnavailableError(absl::StrCat("recv failed: errno ", errno));
      break;
    }
    raw.append(buffer, static_cast<size_t>(n));
    if (!complete && Parse(raw).ok()) {
      complete = true;
      setsockopt(s.fd(), SOL_SOCKET, SO_RCVTIMEO, &kLinger, sizeof kLinger);
    }
  }
  if (raw.empty()) return absl::DataLossError("the server closed without answering");
  absl::StatusOr<HttpAnswer> answer = Parse(raw);
  if (!answer.ok()) {
    return absl::DataLossError(absl::StrCat(
        answer.status().message(), "; the answer: ", absl::CHexEscape(raw.substr(0, 2000))));
  }
  return answer;
}

}  // namespace arrs::fuzz
