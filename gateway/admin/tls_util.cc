#include "tls_util.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdio>

namespace foyer {
namespace admin {

namespace {

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  long size = BIO_get_mem_data(bio, &data);
  return size > 0 ? std::string(data, static_cast<size_t>(size)) : std::string();
}

}  // namespace

Status OpenSslError(const std::string& what) {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return Status::Internal(what);
  char reason[256];
  ERR_error_string_n(code, reason, sizeof(reason));
  return Status::Internal(what + " (" + reason + ")");
}

Status ReadCert(const std::string& path, X509Ptr* cert) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return Status::IOError("cannot read " + path);
  }
  cert->reset(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!*cert) {
    ERR_clear_error();
    return Status::Invalid(path + " holds no PEM certificate");
  }
  return Status::OK();
}

Status ReadKey(const std::string& path, PkeyPtr* key) {
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    ERR_clear_error();
    return Status::IOError("cannot read " + path);
  }
  // An empty passphrase: an encrypted key fails instead of prompting.
  char empty[] = "";
  key->reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty));
  if (!*key) {
    ERR_clear_error();
    return Status::Invalid(path + " holds no unencrypted PEM private key");
  }
  return Status::OK();
}

Status CertToPem(X509* cert, std::string* pem) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return OpenSslError("PEM_write_bio_X509");
  *pem = BioText(bio.get());
  return Status::OK();
}

Status KeyToPem(EVP_PKEY* key, std::string* pem) {
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("PEM_write_bio_PrivateKey");
  }
  *pem = BioText(bio.get());
  return Status::OK();
}

Status VerifyChain(X509* cert, const std::string& ca_path, const std::string& host) {
  std::unique_ptr<X509_STORE, decltype(&X509_STORE_free)> store(X509_STORE_new(), X509_STORE_free);
  if (!store || X509_STORE_load_file(store.get(), ca_path.c_str()) != 1) {
    ERR_clear_error();
    return Status::Invalid("cannot load the CA certificate " + ca_path);
  }
  std::unique_ptr<X509_STORE_CTX, decltype(&X509_STORE_CTX_free)> context(X509_STORE_CTX_new(),
                                                                          X509_STORE_CTX_free);
  if (!context || X509_STORE_CTX_init(context.get(), store.get(), cert, nullptr) != 1) {
    return OpenSslError("X509_STORE_CTX_init");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(context.get());
  X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
  if (!host.empty()) {
    ASN1_OCTET_STRING* address = a2i_IPADDRESS(host.c_str());
    ERR_clear_error();
    if (address != nullptr) {
      ASN1_OCTET_STRING_free(address);
      X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str());
    } else {
      X509_VERIFY_PARAM_set1_host(param, host.c_str(), 0);
    }
  }
  if (X509_verify_cert(context.get()) != 1) {
    int error = X509_STORE_CTX_get_error(context.get());
    ERR_clear_error();
    return Status::Invalid(std::string("the certificate does not verify: ") +
                           X509_verify_cert_error_string(error));
  }
  return Status::OK();
}

}  // namespace admin
}  // namespace foyer
