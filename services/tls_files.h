// arrsd's TLS files, read and checked once before gRPC or HTTP is given them, so that a
// bad file is named at start instead of ending as "could not listen": the certificate and
// the key must be PEM that OpenSSL parses, the key must be the certificate's, and the
// client CA bundle (when given) must hold at least one certificate.
#ifndef ARRS_SERVICES_TLS_FILES_H_
#define ARRS_SERVICES_TLS_FILES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace arrs::services {

struct ServerTlsFiles {
  std::string cert_pem;
  std::string key_pem;
  std::string client_ca_pem;  // "" when no client CA was given
  absl::Time not_before;      // the certificate's validity
  absl::Time not_after;
};

// INVALID_ARGUMENT naming the file and what is wrong with it (unreadable, not a PEM
// certificate or key, a key that is not the certificate's, an empty CA bundle).
absl::StatusOr<ServerTlsFiles> LoadServerTlsFiles(const std::string& cert_file,
                                                  const std::string& key_file,
                                                  const std::string& client_ca_file);

// "" while `files` is valid for more than `warn_within` after `now`; otherwise a warning
// naming `cert_file` and saying when it expired, expires, or becomes valid.
std::string CertificateValidityWarning(const ServerTlsFiles& files, const std::string& cert_file,
                                       absl::Time now, absl::Duration warn_within);

}  // namespace arrs::services

#endif  // ARRS_SERVICES_TLS_FILES_H_
