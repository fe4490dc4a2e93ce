// Certificate generation and checks with OpenSSL 3 (EVP, X509v3).
#include "tls_material.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <memory>

#include "files.h"
#include "tls_util.h"

namespace foyer {
namespace admin {

namespace {

// A fresh P-256 key pair.
Status NewKey(PkeyPtr* key) {
  key->reset(EVP_EC_gen("P-256"));
  if (!*key) return OpenSslError("cannot make a P-256 key");
  return Status::OK();
}

// A random positive 127-bit serial number (RFC 5280: unique, at most 20 bytes).
Status SetRandomSerial(X509* cert) {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) return OpenSslError("no random serial");
  bytes[0] &= 0x7f;
  bytes[0] |= 0x01;
  std::unique_ptr<BIGNUM, decltype(&BN_free)> number(BN_bin2bn(bytes, sizeof(bytes), nullptr),
                                                     BN_free);
  if (!number || BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(cert)) == nullptr) {
    return OpenSslError("cannot set the serial number");
  }
  return Status::OK();
}

Status SetCommonName(X509_NAME* name, const std::string& common_name) {
  if (X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>("Foyer"), -1, -1, 0) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                 -1, 0) != 1) {
    return OpenSslError("cannot set the name \"" + common_name + "\"");
  }
  return Status::OK();
}

// Version 3, serial, validity (from an hour ago, for clocks slightly behind).
Status StartCertificate(int days, EVP_PKEY* subject_key, X509Ptr* cert) {
  if (days < 1 || days > 36500) return Status::Invalid("validity must be 1..36500 days");
  cert->reset(X509_new());
  if (!*cert || X509_set_version(cert->get(), 2) != 1) return OpenSslError("X509_new");
  Status status = SetRandomSerial(cert->get());
  if (!status.ok()) return status;
  if (X509_gmtime_adj(X509_getm_notBefore(cert->get()), -3600) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert->get()), 86400L * days) == nullptr ||
      X509_set_pubkey(cert->get(), subject_key) != 1) {
    return OpenSslError("cannot set the validity or the public key");
  }
  return Status::OK();
}

// Adds one extension written in OpenSSL's configuration syntax.
Status AddExtension(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str());
  if (extension == nullptr) {
    return OpenSslError(std::string("bad extension ") + OBJ_nid2sn(nid) + " = " + value);
  }
  int added = X509_add_ext(cert, extension, -1);
  X509_EXTENSION_free(extension);
  if (added != 1) return OpenSslError("cannot add an extension");
  return Status::OK();
}

Status AddExtensions(X509* cert, X509* issuer,
                     const std::vector<std::pair<int, std::string>>& extensions) {
  for (const auto& [nid, value] : extensions) {
    Status status = AddExtension(cert, issuer, nid, value);
    if (!status.ok()) return status;
  }
  return Status::OK();
}

Status SignAndWrite(X509* cert, EVP_PKEY* signer, EVP_PKEY* subject_key,
                    const std::string& cert_path, const std::string& key_path) {
  if (X509_sign(cert, signer, EVP_sha256()) <= 0) return OpenSslError("cannot sign");
  std::string cert_pem;
  std::string key_pem;
  Status status = CertToPem(cert, &cert_pem);
  if (status.ok()) status = KeyToPem(subject_key, &key_pem);
  // The key first: a certificate without its key is useless, the reverse is
  // merely incomplete.
  if (status.ok()) status = WriteFileAtomic(key_path, key_pem, 0600);
  if (status.ok()) status = WriteFileAtomic(cert_path, cert_pem, 0644);
  OPENSSL_cleanse(key_pem.data(), key_pem.size());
  return status;
}

// "DNS:a,DNS:b,IP:192.0.2.1" after checking every entry.
Status SubjectAltNames(const ServerCertOptions& options, std::string* out) {
  std::string names;
  std::vector<std::string> dns = options.dns_names;
  if (dns.empty() && options.ip_addresses.empty() && !options.common_name.empty()) {
    dns.push_back(options.common_name);
  }
  for (const std::string& name : dns) {
    if (name.empty() || name.size() > 253 ||
        name.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-*") !=
            std::string::npos) {
      return Status::Invalid("not a host name: \"" + name + "\"");
    }
    names += (names.empty() ? "" : ",") + std::string("DNS:") + name;
  }
  for (const std::string& address : options.ip_addresses) {
    ASN1_OCTET_STRING* parsed = a2i_IPADDRESS(address.c_str());
    if (parsed == nullptr) return Status::Invalid("not an IP address: \"" + address + "\"");
    ASN1_OCTET_STRING_free(parsed);
    names += (names.empty() ? "" : ",") + std::string("IP:") + address;
  }
  if (names.empty()) return Status::Invalid("a server certificate needs a host name or an address");
  *out = names;
  return Status::OK();
}

}  // namespace

Status GenerateCa(const CaOptions& options, const std::string& cert_path,
                  const std::string& key_path) {
  if (options.common_name.empty()) return Status::Invalid("the CA needs a name");
  PkeyPtr key;
  Status status = NewKey(&key);
  X509Ptr cert;
  if (status.ok()) status = StartCertificate(options.days, key.get(), &cert);
  if (status.ok()) status = SetCommonName(X509_get_subject_name(cert.get()), options.common_name);
  if (status.ok() && X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) {
    status = OpenSslError("cannot set the issuer");
  }
  if (status.ok()) {
    status = AddExtensions(cert.get(), cert.get(),
                           {{NID_basic_constraints, "critical,CA:TRUE,pathlen:0"},
                            {NID_key_usage, "critical,keyCertSign,cRLSign"},
                            {NID_subject_key_identifier, "hash"},
                            {NID_authority_key_identifier, "keyid:always"}});
  }
  if (status.ok()) status = SignAndWrite(cert.get(), key.get(), key.get(), cert_path, key_path);
  return status;
}

Status GenerateServerCert(const ServerCertOptions& options, const std::string& ca_cert_path,
                          const std::string& ca_key_path, const std::string& cert_path,
                          const std::string& key_path) {
  std::string alt_names;
  Status status = SubjectAltNames(options, &alt_names);
  if (!status.ok()) return status;
  X509Ptr ca_cert;
  PkeyPtr ca_key;
  status = ReadCert(ca_cert_path, &ca_cert);
  if (status.ok()) status = ReadKey(ca_key_path, &ca_key);
  if (status.ok() && X509_check_private_key(ca_cert.get(), ca_key.get()) != 1) {
    status = Status::Invalid(ca_key_path + " is not the key of " + ca_cert_path);
  }
  PkeyPtr key;
  if (status.ok()) status = NewKey(&key);
  X509Ptr cert;
  if (status.ok()) status = StartCertificate(options.days, key.get(), &cert);
  std::string common_name = options.common_name;
  if (common_name.empty()) {
    common_name =
        options.dns_names.empty() ? options.ip_addresses.front() : options.dns_names.front();
  }
  if (status.ok()) status = SetCommonName(X509_get_subject_name(cert.get()), common_name);
  if (status.ok() && X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_cert.get())) != 1) {
    status = OpenSslError("cannot set the issuer");
  }
  if (status.ok()) {
    status = AddExtensions(cert.get(), ca_cert.get(),
                           {{NID_basic_constraints, "critical,CA:FALSE"},
                            {NID_key_usage, "critical,digitalSignature"},
                            {NID_ext_key_usage, "serverAuth"},
                            {NID_subject_alt_name, alt_names},
                            {NID_subject_key_identifier, "hash"},
                            {NID_authority_key_identifier, "keyid:always"}});
  }
  if (status.ok()) status = SignAndWrite(cert.get(), ca_key.get(), key.get(), cert_path, key_path);
  return status;
}

Status CheckServerFiles(const std::string& cert_path, const std::string& key_path,
                        const std::string& ca_path) {
  X509Ptr cert;
  PkeyPtr key;
  Status status = ReadCert(cert_path, &cert);
  if (status.ok()) status = ReadKey(key_path, &key);
  if (!status.ok()) return status;
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    ERR_clear_error();
    return Status::Invalid(key_path + " is not the private key of " + cert_path);
  }
  if (X509_cmp_current_time(X509_get0_notBefore(cert.get())) > 0) {
    return Status::Invalid(cert_path + " is not valid yet (check the clock)");
  }
  if (X509_cmp_current_time(X509_get0_notAfter(cert.get())) < 0) {
    return Status::Invalid(cert_path + " has expired");
  }
  if (ca_path.empty()) return Status::OK();
  return VerifyChain(cert.get(), ca_path, "");
}

Status VerifyServerCert(const std::string& cert_path, const std::string& ca_path,
                        const std::string& host) {
  X509Ptr cert;
  Status status = ReadCert(cert_path, &cert);
  if (!status.ok()) return status;
  return VerifyChain(cert.get(), ca_path, host);
}

Status CertFingerprint(const std::string& cert_path, std::string* fingerprint) {
  X509Ptr cert;
  Status status = ReadCert(cert_path, &cert);
  if (!status.ok()) return status;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (X509_digest(cert.get(), EVP_sha256(), digest, &size) != 1) {
    return OpenSslError("cannot hash " + cert_path);
  }
  std::string text;
  char hex[4];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(hex, sizeof(hex), i == 0 ? "%02X" : ":%02X", digest[i]);
    text += hex;
  }
  *fingerprint = text;
  return Status::OK();
}

}  // namespace admin
}  // namespace foyer
