#include "tls_material.h"

#include <gtest/gtest.h>
#include <openssl/ec.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>
#include <string>

#include "files.h"
#include "test_dir.h"
#include "tls_util.h"

namespace foyer {
namespace admin {
namespace {

unsigned ModeOf(const std::string& path) {
  struct stat info;
  EXPECT_EQ(stat(path.c_str(), &info), 0) << path;
  return info.st_mode & 07777;
}

// The SAN entries of a certificate as "DNS:x" / "IP:y" strings.
std::set<std::string> AltNames(X509* cert) {
  std::set<std::string> out;
  auto* names =
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
  if (names == nullptr) return out;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    if (name->type == GEN_DNS) {
      out.insert("DNS:" +
                 std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                             ASN1_STRING_length(name->d.dNSName)));
    } else if (name->type == GEN_IPADD) {
      const unsigned char* bytes = ASN1_STRING_get0_data(name->d.iPAddress);
      if (ASN1_STRING_length(name->d.iPAddress) == 4) {
        out.insert("IP:" + std::to_string(bytes[0]) + "." + std::to_string(bytes[1]) + "." +
                   std::to_string(bytes[2]) + "." + std::to_string(bytes[3]));
      } else {
        out.insert("IPv6:" + std::to_string(ASN1_STRING_length(name->d.iPAddress)));
      }
    }
  }
  GENERAL_NAMES_free(names);
  return out;
}

class TlsMaterialTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTestDir("tls");
    ca_cert_ = dir_ + "/ca.crt";
    ca_key_ = dir_ + "/ca.key";
    server_cert_ = dir_ + "/server.crt";
    server_key_ = dir_ + "/server.key";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void MakeAll() {
    CaOptions ca;
    ca.common_name = "Foyer Test household CA";
    ASSERT_TRUE(GenerateCa(ca, ca_cert_, ca_key_).ok());
    ServerCertOptions server;
    server.dns_names = {"foyer.local", "localhost"};
    server.ip_addresses = {"192.168.1.20", "127.0.0.1", "fd00::2"};
    Status status = GenerateServerCert(server, ca_cert_, ca_key_, server_cert_, server_key_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::string dir_, ca_cert_, ca_key_, server_cert_, server_key_;
};

TEST_F(TlsMaterialTest, CaIsACaWithP256Key) {
  MakeAll();
  X509Ptr ca;
  ASSERT_TRUE(ReadCert(ca_cert_, &ca).ok());
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_NE(X509_get_key_usage(ca.get()) & KU_KEY_CERT_SIGN, 0u);
  EXPECT_EQ(X509_get_extension_flags(ca.get()) & EXFLAG_SS, static_cast<uint32_t>(EXFLAG_SS));
  PkeyPtr key;
  ASSERT_TRUE(ReadKey(ca_key_, &key).ok());
  EXPECT_EQ(EVP_PKEY_get_base_id(key.get()), EVP_PKEY_EC);
  char group[64] = {0};
  size_t length = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(key.get(), group, sizeof(group), &length), 1);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_check_private_key(ca.get(), key.get()), 1);
}

TEST_F(TlsMaterialTest, ServerCertHasSansAndServerAuth) {
  MakeAll();
  X509Ptr cert;
  ASSERT_TRUE(ReadCert(server_cert_, &cert).ok());
  std::set<std::string> names = AltNames(cert.get());
  EXPECT_TRUE(names.count("DNS:foyer.local"));
  EXPECT_TRUE(names.count("DNS:localhost"));
  EXPECT_TRUE(names.count("IP:192.168.1.20"));
  EXPECT_TRUE(names.count("IP:127.0.0.1"));
  EXPECT_TRUE(names.count("IPv6:16"));
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_NE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER, 0u);
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  // Valid now, for at most 825 days.
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
  int days = 0, seconds = 0;
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())),
            1);
  EXPECT_GE(days, 824);
  EXPECT_LE(days, 826);
}

TEST_F(TlsMaterialTest, ChainVerifiesForEachNameOnly) {
  MakeAll();
  EXPECT_TRUE(VerifyServerCert(server_cert_, ca_cert_, "foyer.local").ok());
  EXPECT_TRUE(VerifyServerCert(server_cert_, ca_cert_, "192.168.1.20").ok());
  EXPECT_TRUE(VerifyServerCert(server_cert_, ca_cert_, "127.0.0.1").ok());
  EXPECT_TRUE(VerifyServerCert(server_cert_, ca_cert_, "fd00::2").ok());
  EXPECT_FALSE(VerifyServerCert(server_cert_, ca_cert_, "example.com").ok());
  EXPECT_FALSE(VerifyServerCert(server_cert_, ca_cert_, "192.168.1.21").ok());
}

TEST_F(TlsMaterialTest, AnotherCaDoesNotVerify) {
  MakeAll();
  CaOptions other;
  other.common_name = "Someone else's CA";
  ASSERT_TRUE(GenerateCa(other, dir_ + "/other.crt", dir_ + "/other.key").ok());
  Status status = VerifyServerCert(server_cert_, dir_ + "/other.crt", "foyer.local");
  EXPECT_FALSE(status.ok());
  EXPECT_FALSE(CheckServerFiles(server_cert_, server_key_, dir_ + "/other.crt").ok());
  EXPECT_TRUE(CheckServerFiles(server_cert_, server_key_, ca_cert_).ok());
}

TEST_F(TlsMaterialTest, KeysAre0600AndCertificates0644) {
  MakeAll();
  EXPECT_EQ(ModeOf(ca_key_), 0600u);
  EXPECT_EQ(ModeOf(server_key_), 0600u);
  EXPECT_EQ(ModeOf(ca_cert_), 0644u);
  EXPECT_EQ(ModeOf(server_cert_), 0644u);
}

TEST_F(TlsMaterialTest, MismatchedKeyIsRefused) {
  MakeAll();
  Status status = CheckServerFiles(server_cert_, ca_key_, "");
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("not the private key"), std::string::npos);
  EXPECT_FALSE(CheckServerFiles(server_cert_, dir_ + "/missing.key", "").ok());
  ServerCertOptions server;
  server.dns_names = {"foyer.local"};
  status = GenerateServerCert(server, ca_cert_, server_key_, dir_ + "/x.crt", dir_ + "/x.key");
  EXPECT_FALSE(status.ok());
}

TEST_F(TlsMaterialTest, BadNamesAreRefused) {
  MakeAll();
  ServerCertOptions server;
  server.ip_addresses = {"192.168.1.300"};
  EXPECT_EQ(GenerateServerCert(server, ca_cert_, ca_key_, dir_ + "/x.crt", dir_ + "/x.key").code(),
            Status::Code::kInvalid);
  server.ip_addresses.clear();
  server.dns_names = {"bad name"};
  EXPECT_EQ(GenerateServerCert(server, ca_cert_, ca_key_, dir_ + "/x.crt", dir_ + "/x.key").code(),
            Status::Code::kInvalid);
  server.dns_names.clear();
  EXPECT_EQ(GenerateServerCert(server, ca_cert_, ca_key_, dir_ + "/x.crt", dir_ + "/x.key").code(),
            Status::Code::kInvalid);
  EXPECT_FALSE(PathExists(dir_ + "/x.key"));
}

TEST_F(TlsMaterialTest, FingerprintIsSha256Hex) {
  MakeAll();
  std::string fingerprint;
  ASSERT_TRUE(CertFingerprint(ca_cert_, &fingerprint).ok());
  EXPECT_EQ(fingerprint.size(), 32u * 3 - 1);
  std::string other;
  ASSERT_TRUE(CertFingerprint(server_cert_, &other).ok());
  EXPECT_NE(fingerprint, other);
}

}  // namespace
}  // namespace admin
}  // namespace foyer
