// PeerKeys: the public keys of the household's accounts as this client has
// seen them, checked against the pinned fingerprints (docs/protocol.md §3).
// A peer whose fingerprint changed is not usable (no verification with his
// key, no key envelope sealed to it) until Trust() pins the new fingerprint.
//
// Thread safety: all methods may be called from several threads.
#ifndef FOYER_CLIENT_LIB_PEER_KEYS_H_
#define FOYER_CLIENT_LIB_PEER_KEYS_H_

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "foyer/client.h"
#include "foyer/key_pins.h"
#include "foyer/status.h"

namespace foyer {
namespace client {

struct PeerKey {
  std::string x25519;   // 32 raw bytes
  std::string ed25519;  // 32 raw bytes
  std::string fingerprint;
  std::string role;     // may be empty when only `keys` was asked
  PinState pin = PinState::kPinned;
};

class PeerKeys {
 public:
  // `pins` may be nullptr (memory only); not owned.
  explicit PeerKeys(KeyPins* pins);

  // Records the keys the server published for `name`: pins them on first
  // sight, flags them when they differ from the pin. An error only when
  // saving a new pin failed (the pin still holds for this session).
  Status Observe(const std::string& name, const std::string& x25519, const std::string& ed25519,
                 const std::string& role);
  bool Known(const std::string& name) const;
  // The keys of `name` if known (whatever their pin state).
  bool Get(const std::string& name, PeerKey* out) const;
  // The keys of `name` when they may be used: NotFound when unknown, Denied
  // when his fingerprint changed.
  Status Usable(const std::string& name, PeerKey* out) const;
  // Pins the current fingerprint of `name` (NotFound when unknown).
  Status Trust(const std::string& name);
  std::vector<std::string> Names() const;

 private:
  KeyPins* pins_;
  MemoryKeyPins memory_pins_;
  mutable std::mutex mutex_;
  std::map<std::string, std::string> pinned_;
  std::map<std::string, PeerKey> keys_;
};

}  // namespace client
}  // namespace foyer

#endif  // FOYER_CLIENT_LIB_PEER_KEYS_H_
