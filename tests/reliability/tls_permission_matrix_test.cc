// The role x RPC permission matrix (tests/services/permission_matrix.h) against a server
// with TLS on and client certificates required, plus the transport refusals: a client
// without a certificate, with one from another CA, or speaking plaintext gets no answer
// from any RPC and writes nothing. Certificates are made with the openssl command.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "absl/strings/str_cat.h"
#include "tests/services/permission_matrix.h"

namespace arrs::testing_support {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// A CA, a server certificate for localhost/127.0.0.1 and a client certificate, both signed
// by the CA, and a client certificate signed by another ("rogue") CA.
class TestPki {
 public:
  static const TestPki& Get() {
    static const TestPki* pki = [] {
      auto* made = new TestPki();
      static std::string remove_at_exit = made->dir_;
      std::atexit([] { std::filesystem::remove_all(remove_at_exit); });
      return made;
    }();
    return *pki;
  }
  bool ok() const { return ok_; }
  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  std::string pem(const std::string& name) const { return Slurp(file(name)); }

 private:
  TestPki() {
    dir_ = (std::filesystem::temp_directory_path() / absl::StrCat("arrs-pki-", getpid())).string();
    std::filesystem::create_directories(dir_);
    const std::string d = dir_;
    const std::string script = absl::StrCat(
        "set -e; cd ", d, "; exec >openssl.log 2>&1\n",
        "for ca in ca rogue; do\n"
        "  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj \"/CN=arrs test $ca\" "
        "-keyout $ca.key -out $ca.pem\n"
        "done\n"
        "sign() {  # name CN signing-ca extensions\n"
        "  openssl req -newkey rsa:2048 -nodes -subj \"/CN=$2\" -keyout $1.key -out $1.csr\n"
        "  printf '%s\\n' \"$4\" > $1.ext\n"
        "  openssl x509 -req -in $1.csr -CA $3.pem -CAkey $3.key -CAcreateserial -days 2 "
        "-extfile $1.ext -out $1.pem\n"
        "}\n"
        "sign server localhost ca 'subjectAltName=DNS:localhost,IP:127.0.0.1'\n"
        "sign client arrs-client ca 'extendedKeyUsage=clientAuth'\n"
        "sign intruder arrs-intruder rogue 'extendedKeyUsage=clientAuth'\n");
    ok_ = std::system(absl::StrCat("bash -c '", EscapeSingleQuotes(script), "'").c_str()) == 0;
  }
  static std::string EscapeSingleQuotes(const std::string& s) {
    std::string out;
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out;
  }

  std::string dir_;
  bool ok_ = false;
};

grpc::SslCredentialsOptions ClientTls(const std::string& client) {
  const TestPki& pki = TestPki::Get();
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = pki.pem("ca.pem");
  if (!client.empty()) {
    tls.pem_private_key = pki.pem(client + ".key");
    tls.pem_cert_chain = pki.pem(client + ".pem");
  }
  return tls;
}

class TlsPermissionMatrixTest : public PermissionMatrixFixture {
 protected:
  void SetUp() override {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl";
    const TestPki& pki = TestPki::Get();
    ASSERT_TRUE(pki.ok()) << Slurp(pki.file("openssl.log"));
    server_options_.tls_cert_file = pki.file("server.pem");
    server_options_.tls_key_file = pki.file("server.key");
    server_options_.tls_client_ca_file = pki.file("ca.pem");
    client_credentials_ = grpc::SslCredentials(ClientTls("client"));
    channel_args_.SetSslTargetNameOverride("localhost");
    PermissionMatrixFixture::SetUp();
  }

  // Every RPC of the matrix, by the admin token, over `credentials`: none may get an answer.
  void ExpectEveryRpcRefused(const std::shared_ptr<grpc::ChannelCredentials>& credentials) {
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                             credentials, args);
    // The matrix's calls use the fixture's stubs; point them at the refused channel.
    commands_ = v1::CommandService::NewStub(channel);
    queries_ = v1::QueryService::NewStub(channel);
    admin_ = v1::AdminService::NewStub(channel);
    const uint64_t head = Head();
    int refused = 0;
    const std::vector<Rpc> matrix = Matrix();
    ASSERT_GE(matrix.size(), 27u) << "every RPC case of the permission matrix";
    for (const Rpc& rpc : matrix) {
      auto context = Ctx(kAdmin);
      context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
      const grpc::Status s = rpc.call(context.get());
      EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE)
          << rpc.name << ": " << s.error_message();
      refused += s.error_code() == grpc::StatusCode::UNAVAILABLE;
    }
    EXPECT_EQ(refused, static_cast<int>(matrix.size()));
    EXPECT_EQ(Head(), head) << "a refused connection wrote to the log";
  }
};

TEST_F(TlsPermissionMatrixTest, EveryRoleAgainstEveryRpcOverMutualTls) {
  CheckEveryRoleAgainstEveryRpc();
}

TEST_F(TlsPermissionMatrixTest, PcnTokenCannotTouchAnotherPcnsStreamOverMutualTls) {
  CheckPcnTokenCannotTouchAnotherPcnsStream();
}

TEST_F(TlsPermissionMatrixTest, ClientWithoutCertificateIsRefused) {
  RegisterTwoPcns();
  ExpectEveryRpcRefused(grpc::SslCredentials(ClientTls("")));
}

TEST_F(TlsPermissionMatrixTest, ClientCertificateFromAnotherCaIsRefused) {
  RegisterTwoPcns();
  ExpectEveryRpcRefused(grpc::SslCredentials(ClientTls("intruder")));
}

TEST_F(TlsPermissionMatrixTest, PlaintextClientIsRefused) {
  RegisterTwoPcns();
  ExpectEveryRpcRefused(grpc::InsecureChannelCredentials());
}

}  // namespace
}  // namespace arrs::testing_support
