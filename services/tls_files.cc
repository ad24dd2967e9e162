#include "services/tls_files.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"

namespace arrs::services {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* what) {
  std::ifstream in(path);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read the ", what, " ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// OpenSSL's reason for the last failure, and clears its error queue.
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();
  char text[256] = "no reason given";
  if (code != 0) ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return text;
}

std::unique_ptr<BIO, BioFree> Bio(const std::string& pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

// The first PEM certificate in `pem`; null when there is none.
std::unique_ptr<X509, X509Free> FirstCertificate(const std::string& pem) {
  return std::unique_ptr<X509, X509Free>(
      PEM_read_bio_X509(Bio(pem).get(), nullptr, nullptr, nullptr));
}

// Reads the file at `path` (`what`, for the error) into `*pem`.
absl::Status ReadPemFile(const std::string& path, const char* what, std::string* pem) {
  absl::StatusOr<std::string> text = ReadFile(path, what);
  if (!text.ok()) return text.status();
  *pem = *std::move(text);
  return absl::OkStatus();
}

absl::Time ToTime(const ASN1_TIME* when) {
  int days = 0, seconds = 0;
  // From now to `when`; both negative when `when` is past.
  if (ASN1_TIME_diff(&days, &seconds, nullptr, when) != 1) return absl::InfinitePast();
  return absl::Now() + absl::Hours(24) * days + absl::Seconds(seconds);
}

}  // namespace

absl::StatusOr<ServerTlsFiles> LoadServerTlsFiles(const std::string& cert_file,
                                                  const std::string& key_file,
                                                  const std::string& client_ca_file) {
  ServerTlsFiles files;
  if (absl::Status s = ReadPemFile(cert_file, "TLS certificate", &files.cert_pem); !s.ok()) {
    return s;
  }
  if (absl::Status s = ReadPemFile(key_file, "TLS key", &files.key_pem); !s.ok()) return s;

  std::unique_ptr<X509, X509Free> x509 = FirstCertificate(files.cert_pem);
  if (x509 == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat("the TLS certificate ", cert_file,
                                                   " is not a PEM certificate (OpenSSL: ",
                                                   OpenSslReason(), ")"));
  }
  std::unique_ptr<EVP_PKEY, KeyFree> private_key(
      PEM_read_bio_PrivateKey(Bio(files.key_pem).get(), nullptr, nullptr, nullptr));
  if (private_key == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the TLS key ", key_file, " is not an unencrypted PEM private key (OpenSSL: ",
        OpenSslReason(), ")"));
  }
  if (X509_check_private_key(x509.get(), private_key.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(absl::StrCat(
        "the TLS key ", key_file, " is not the key of the certificate ", cert_file));
  }
  files.not_before = ToTime(X509_get0_notBefore(x509.get()));
  files.not_after = ToTime(X509_get0_notAfter(x509.get()));

  if (!client_ca_file.empty()) {
    if (absl::Status s = ReadPemFile(client_ca_file, "client CA bundle", &files.client_ca_pem);
        !s.ok()) {
      return s;
    }
    if (FirstCertificate(files.client_ca_pem) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("the client CA bundle ", client_ca_file,
                                                     " holds no PEM certificate (OpenSSL: ",
                                                     OpenSslReason(), ")"));
    }
  }
  return files;
}

std::string CertificateValidityWarning(const ServerTlsFiles& files, const std::string& cert_file,
                                       absl::Time now, absl::Duration warn_within) {
  const auto day = [](absl::Time t) { return absl::FormatTime("%Y-%m-%d %H:%M UTC", t, absl::UTCTimeZone()); };
  if (files.not_after <= now) {
    return absl::StrCat("the TLS certificate ", cert_file, " expired on ", day(files.not_after),
                        ": clients will refuse it; renew it");
  }
  if (files.not_before > now) {
    return absl::StrCat("the TLS certificate ", cert_file, " is not valid until ",
                        day(files.not_before));
  }
  if (files.not_after - now <= warn_within) {
    return absl::StrCat("the TLS certificate ", cert_file, " expires on ", day(files.not_after),
                        "; renew it before then");
  }
  return "";
}

}  // namespace arrs::services
