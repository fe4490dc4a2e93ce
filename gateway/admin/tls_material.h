// TLS material for a household: a certificate authority (CA) that the family
// trusts once on each phone and computer, and a server certificate, signed by
// it, that mosquitto (MQTT 8883, WebSockets 8884) and the gateway (HTTPS 8443)
// load. Made with OpenSSL's EVP APIs: ECDSA P-256 keys, SHA-256 signatures.
//
// Files are PEM. Private keys are written with mode 0600 (atomically: a
// temporary file renamed into place); certificates 0644.
#ifndef FOYER_GATEWAY_ADMIN_TLS_MATERIAL_H_
#define FOYER_GATEWAY_ADMIN_TLS_MATERIAL_H_

#include <string>
#include <vector>

#include "foyer/status.h"

namespace foyer {
namespace admin {

struct CaOptions {
  // Subject common name, e.g. "Foyer Dupont household CA".
  std::string common_name = "Foyer household CA";
  // Validity from now (and one hour back, for clocks slightly behind).
  int days = 3650;
};

struct ServerCertOptions {
  // Subject common name; also the first DNS name when `dns_names` is empty.
  std::string common_name;
  // subjectAltName entries: host names, and IPv4 or IPv6 addresses.
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  // 825 days: the longest validity Apple devices accept for a server
  // certificate issued by a CA that the user added himself.
  int days = 825;
};

// Makes a CA key pair and a self-signed CA certificate (basicConstraints
// critical CA:TRUE, pathlen 0; keyUsage critical keyCertSign, cRLSign).
Status GenerateCa(const CaOptions& options, const std::string& cert_path,
                  const std::string& key_path);

// Makes a server key pair and a certificate signed by the CA in
// `ca_cert_path` / `ca_key_path` (basicConstraints CA:FALSE, keyUsage
// digitalSignature, extendedKeyUsage serverAuth, the SAN entries). Invalid
// when there is no name at all or an address does not parse.
Status GenerateServerCert(const ServerCertOptions& options, const std::string& ca_cert_path,
                          const std::string& ca_key_path, const std::string& cert_path,
                          const std::string& key_path);

// Checks files the admin brings: the certificate parses, is valid now, and
// `key_path` holds its private key; when `ca_path` is non-empty, the
// certificate verifies against it. The reason says which check failed.
Status CheckServerFiles(const std::string& cert_path, const std::string& key_path,
                        const std::string& ca_path);

// Verifies that the certificate in `cert_path` chains to the CA in `ca_path`
// and is valid for `host` (a DNS name or an IP address).
Status VerifyServerCert(const std::string& cert_path, const std::string& ca_path,
                        const std::string& host);

// SHA-256 fingerprint of the certificate in `cert_path`, as "AB:CD:...", so
// that a person can compare what a phone shows with what the server has.
Status CertFingerprint(const std::string& cert_path, std::string* fingerprint);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_TLS_MATERIAL_H_
