// Login key derivation and the key bundle (docs/protocol.md §2, §3).
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "protocol_internal.h"

namespace foyer {
namespace protocol {

namespace {

constexpr size_t kHouseholdBytes = 16;
constexpr size_t kLoginKeyBytes = 64;
constexpr size_t kBoxSecretBytes = crypto::kKeyBytes;
constexpr size_t kBundlePlaintextBytes = kBoxSecretBytes + crypto::kSignSecretBytes;
constexpr uint64_t kBundleKeySubkeyId = 1;
constexpr char kBundleKeyContext[8] = {'f', 'o', 'y', 'e', 'r', 'k', 'e', 'k'};

}  // namespace

std::string LoginSalt(std::string_view household_raw, std::string_view user) {
  std::string input(household_raw);
  input.append(user);
  return crypto::Hash(input, crypto::kSaltBytes);
}

Status DeriveLogin(std::string_view password, std::string_view household_raw, std::string_view user,
                   LoginKeys* out) {
  if (household_raw.size() != kHouseholdBytes) {
    return Status::Invalid("household id must be 16 bytes");
  }
  std::string why;
  if (!ValidUserName(user, &why)) return Status::Invalid(why);
  crypto::Secret login_key;
  Status status = crypto::Argon2id(password, LoginSalt(household_raw, user), kLoginKeyBytes,
                                   crypto::PwhashParams(), &login_key);
  if (!status.ok()) return status;
  out->auth_key = crypto::Secret::FromBytes(login_key.view().substr(0, crypto::kKeyBytes));
  out->kek = crypto::Secret::FromBytes(login_key.view().substr(crypto::kKeyBytes));
  out->bundle_key = BundleKeyFromKek(out->kek);
  return Status::OK();
}

crypto::Secret BundleKeyFromKek(const crypto::Secret& kek) {
  return crypto::DeriveSubkey(kek, kBundleKeySubkeyId, kBundleKeyContext);
}

namespace internal {

std::string BundleAssociatedData(std::string_view household_raw, std::string_view user) {
  std::string ad = "foyer/bundle/v1";
  ad.append(household_raw);
  ad.append(user);
  return ad;
}

std::string SealBundleWithNonce(const crypto::Secret& bundle_key, std::string_view household_raw,
                                std::string_view user, const crypto::BoxKeyPair& box,
                                const crypto::SignKeyPair& sign, std::string_view nonce) {
  // The plaintext is secret: build it in guarded memory.
  crypto::Secret plaintext(kBundlePlaintextBytes);
  std::memcpy(plaintext.data(), box.secret_key.data(), kBoxSecretBytes);
  std::memcpy(plaintext.data() + kBoxSecretBytes, sign.secret_key.data(), crypto::kSignSecretBytes);
  std::string bundle(nonce);
  bundle += crypto::AeadSeal(bundle_key, nonce, plaintext.view(),
                             BundleAssociatedData(household_raw, user));
  return bundle;
}

}  // namespace internal

std::string SealBundle(const crypto::Secret& bundle_key, std::string_view household_raw,
                       std::string_view user, const crypto::BoxKeyPair& box,
                       const crypto::SignKeyPair& sign) {
  return internal::SealBundleWithNonce(bundle_key, household_raw, user, box, sign,
                                       crypto::RandomBytes(crypto::kNonceBytes));
}

Status OpenBundle(const crypto::Secret& bundle_key, std::string_view household_raw,
                  std::string_view user, std::string_view bundle_raw, crypto::BoxKeyPair* box,
                  crypto::SignKeyPair* sign) {
  if (bundle_raw.size() != crypto::kNonceBytes + kBundlePlaintextBytes + crypto::kTagBytes) {
    return Status::Invalid("key bundle has the wrong size");
  }
  crypto::Secret plaintext;
  if (!crypto::AeadOpenSecret(bundle_key, bundle_raw.substr(0, crypto::kNonceBytes),
                              bundle_raw.substr(crypto::kNonceBytes),
                              internal::BundleAssociatedData(household_raw, user), &plaintext)) {
    return Status::Denied("key bundle does not open with this password");
  }
  if (plaintext.size() != kBundlePlaintextBytes) {
    return Status::Corruption("key bundle has the wrong plaintext size");
  }
  *box = crypto::BoxKeyPair::FromSecret(
      crypto::Secret::FromBytes(plaintext.view().substr(0, kBoxSecretBytes)));
  *sign = crypto::SignKeyPair::FromSecret(
      crypto::Secret::FromBytes(plaintext.view().substr(kBoxSecretBytes)));
  return Status::OK();
}

}  // namespace protocol
}  // namespace foyer
