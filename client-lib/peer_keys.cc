#include "peer_keys.h"

#include "foyer/crypto.h"

namespace foyer {
namespace client {

PeerKeys::PeerKeys(KeyPins* pins) : pins_(pins != nullptr ? pins : &memory_pins_) {
  pinned_ = pins_->Load();
}

Status PeerKeys::Observe(const std::string& name, const std::string& x25519,
                         const std::string& ed25519, const std::string& role) {
  if (x25519.size() != crypto::kKeyBytes || ed25519.size() != crypto::kKeyBytes) {
    return Status::Invalid("the server sent malformed keys for " + name);
  }
  PeerKey key;
  key.x25519 = x25519;
  key.ed25519 = ed25519;
  key.fingerprint = crypto::Fingerprint(ed25519, x25519);
  std::lock_guard<std::mutex> lock(mutex_);
  key.role = role.empty() && keys_.count(name) ? keys_[name].role : role;
  Status saved;
  auto pin = pinned_.find(name);
  if (pin == pinned_.end()) {
    pinned_[name] = key.fingerprint;
    saved = pins_->Save(name, key.fingerprint);
  } else if (pin->second != key.fingerprint) {
    key.pin = PinState::kChanged;
  }
  keys_[name] = std::move(key);
  return saved;
}

bool PeerKeys::Known(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return keys_.count(name) != 0;
}

bool PeerKeys::Get(const std::string& name, PeerKey* out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = keys_.find(name);
  if (it == keys_.end()) return false;
  *out = it->second;
  return true;
}

Status PeerKeys::Usable(const std::string& name, PeerKey* out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = keys_.find(name);
  if (it == keys_.end()) return Status::NotFound("no keys known for " + name);
  if (it->second.pin == PinState::kChanged) {
    return Status::Denied("the keys of " + name + " changed (fingerprint now " +
                          it->second.fingerprint + "); check it with " + name +
                          " and trust it before use");
  }
  *out = it->second;
  return Status::OK();
}

Status PeerKeys::Trust(const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = keys_.find(name);
  if (it == keys_.end()) return Status::NotFound("no keys known for " + name);
  pinned_[name] = it->second.fingerprint;
  it->second.pin = PinState::kPinned;
  return pins_->Save(name, it->second.fingerprint);
}

std::vector<std::string> PeerKeys::Names() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<std::string> names;
  for (const auto& entry : keys_) names.push_back(entry.first);
  return names;
}

}  // namespace client
}  // namespace foyer
