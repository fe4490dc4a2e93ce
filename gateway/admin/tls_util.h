// OpenSSL helpers shared by the TLS code of foyer-admin and its tests:
// owning pointers, PEM reading and writing, chain verification.
#ifndef FOYER_GATEWAY_ADMIN_TLS_UTIL_H_
#define FOYER_GATEWAY_ADMIN_TLS_UTIL_H_

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "foyer/status.h"

namespace foyer {
namespace admin {

struct X509Deleter {
  void operator()(X509* cert) const { X509_free(cert); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using X509Ptr = std::unique_ptr<X509, X509Deleter>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// `what` followed by OpenSSL's first queued error (the queue is cleared).
Status OpenSslError(const std::string& what);

// The first PEM certificate of a file.
Status ReadCert(const std::string& path, X509Ptr* cert);
// A PEM private key (unencrypted).
Status ReadKey(const std::string& path, PkeyPtr* key);

Status CertToPem(X509* cert, std::string* pem);
// PKCS#8, unencrypted. The caller wipes `pem` when done.
Status KeyToPem(EVP_PKEY* key, std::string* pem);

// Verifies `cert` against the CA certificate(s) in `ca_path` (for server
// authentication); when `host` is non-empty, also that the certificate names
// it (a DNS name or an IP address).
Status VerifyChain(X509* cert, const std::string& ca_path, const std::string& host);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_TLS_UTIL_H_
