// The HTTP listener takes arrsd's TLS files: with --tls-cert/--tls-key it speaks HTTPS only
// (a plaintext request gets no answer), sends Strict-Transport-Security, and a bad
// certificate path is refused at start, naming the file.
#include <gtest/gtest.h>
#include <httplib.h>

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/tls_files.h"
#include "tests/services/server_fixture.h"
#include "tests/testing/temp_dir.h"

namespace arrs::testing_support {
namespace {

class HttpsTest : public ServerFixture {
 protected:
  void SetUp() override {
    pki_ = temp_.path() / "pki";
    std::filesystem::create_directories(pki_);
    const std::string command = absl::StrCat(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
        "-addext subjectAltName=IP:127.0.0.1 -keyout ", (pki_ / "key.pem").string(),
        " -out ", (pki_ / "cert.pem").string(), " >/dev/null 2>&1");
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    server_options_.tls_cert_file = (pki_ / "cert.pem").string();
    server_options_.tls_key_file = (pki_ / "key.pem").string();
    server_options_.http_listen_address = "127.0.0.1:0";
    client_credentials_ = grpc::SslCredentials(
        grpc::SslCredentialsOptions{.pem_root_certs = Slurp(server_options_.tls_cert_file)});
    ServerFixture::SetUp();
  }
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  std::filesystem::path pki_;
};

TEST_F(HttpsTest, TheApiAnswersOverTlsOnlyWithHsts) {
  httplib::SSLClient tls("127.0.0.1", server_->http_port());
  tls.set_ca_cert_path(server_options_.tls_cert_file.c_str());
  tls.enable_server_certificate_verification(true);
  httplib::Result got = tls.Post("/api/v1/QueryService/WhoAmI",
                                 {{"Authorization", absl::StrCat("Bearer ", kAuditor)}}, "{}",
                                 "application/json");
  ASSERT_TRUE(got) << httplib::to_string(got.error());
  EXPECT_EQ(got->status, 200) << got->body;
  EXPECT_TRUE(absl::StrContains(got->body, "\"role\":\"auditor\"")) << got->body;
  EXPECT_TRUE(absl::StartsWith(got->get_header_value("Strict-Transport-Security"), "max-age="));

  httplib::Client plain("127.0.0.1", server_->http_port());
  plain.set_read_timeout(3, 0);
  httplib::Result refused = plain.Get("/healthz");
  EXPECT_FALSE(refused && refused->status == 200);
}

// Tried on a plain fixture's ledger and tokens.
class HttpsOptionsTest : public ServerFixture {};

TEST_F(HttpsOptionsTest, AnUnreadableCertificateIsRefusedAtStart) {
  const std::filesystem::path dir = temp_.path() / "pem";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "cert.pem") << "not a certificate\n";
  std::ofstream(dir / "key.pem") << "not a key\n";
  services::ServerOptions options;
  options.listen_address = "127.0.0.1:0";
  options.http_listen_address = "127.0.0.1:0";
  options.tls_cert_file = (dir / "cert.pem").string();
  options.tls_key_file = (dir / "key.pem").string();
  absl::StatusOr<std::unique_ptr<services::ArrsServer>> server =
      services::ArrsServer::Start(ledger_.get(), tokens_.get(), options);
  ASSERT_FALSE(server.ok());
  EXPECT_TRUE(absl::StrContains(server.status().message(), "cert.pem")) << server.status();
}

}  // namespace
}  // namespace arrs::testing_support

namespace arrs::testing_support {
namespace {

// A self-signed certificate valid for two days, its key, and another key.
class TlsFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string d = dir_.string();
    const std::string command = absl::StrCat(
        "cd ", d, " && openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
        "-keyout key.pem -out cert.pem >/dev/null 2>&1 && "
        "openssl genrsa -out other.pem 2048 >/dev/null 2>&1");
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ofstream(dir_ / "garbage.pem") << "-----BEGIN CERTIFICATE-----\nnot base64!\n";
  }
  std::string Path(const char* name) { return (dir_ / name).string(); }
  // Loading these files is refused, the message containing `says`.
  void ExpectRefused(const std::string& cert, const std::string& key, const std::string& ca,
                     const std::string& says) {
    absl::StatusOr<services::ServerTlsFiles> files = services::LoadServerTlsFiles(cert, key, ca);
    ASSERT_FALSE(files.ok());
    EXPECT_TRUE(absl::StrContains(files.status().message(), says)) << files.status();
  }
  const TempDir temp_{"tlsfiles"};
  const std::filesystem::path& dir_ = temp_.path();
};

TEST_F(TlsFilesTest, GarbageMismatchedAndMissingFilesAreNamed) {
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(Path("garbage.pem"), Path("key.pem"), "",
                                        "garbage.pem is not a PEM certificate"));
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(Path("cert.pem"), Path("other.pem"), "",
                                        "other.pem is not the key of the certificate"));
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(Path("cert.pem"), Path("garbage.pem"), "",
                                        "garbage.pem is not an unencrypted"));
  ASSERT_NO_FATAL_FAILURE(
      ExpectRefused(Path("cert.pem"), Path("key.pem"), Path("garbage.pem"), "client CA bundle"));
  ASSERT_NO_FATAL_FAILURE(ExpectRefused(Path("nowhere.pem"), Path("key.pem"), "", "nowhere.pem"));
  EXPECT_TRUE(services::LoadServerTlsFiles(Path("cert.pem"), Path("key.pem"), Path("cert.pem")).ok());
}

TEST_F(TlsFilesTest, ExpiryIsWarnedBeforeAndAfter) {
  absl::StatusOr<services::ServerTlsFiles> files =
      services::LoadServerTlsFiles(Path("cert.pem"), Path("key.pem"), "");
  ASSERT_TRUE(files.ok()) << files.status();
  const absl::Time now = absl::Now();
  EXPECT_EQ(services::CertificateValidityWarning(*files, "c.pem", now, absl::Hours(1)), "");
  EXPECT_TRUE(absl::StrContains(
      services::CertificateValidityWarning(*files, "c.pem", now, absl::Hours(24 * 30)),
      "c.pem expires on"));
  EXPECT_TRUE(absl::StrContains(
      services::CertificateValidityWarning(*files, "c.pem", now + absl::Hours(24 * 3),
                                           absl::Hours(1)),
      "c.pem expired on"));
  EXPECT_TRUE(absl::StrContains(
      services::CertificateValidityWarning(*files, "c.pem", now - absl::Hours(24 * 3),
                                           absl::Hours(1)),
      "is not valid until"));
}

}  // namespace
}  // namespace arrs::testing_support
