// KeyPins: where a client keeps the fingerprints of the peers it has seen
// (docs/protocol.md §3). The client pins a peer on first sight and refuses a
// changed fingerprint until the application calls Client::Trust.
//
// Threading: the client calls a KeyPins from one thread at a time.
#ifndef FOYER_KEY_PINS_H_
#define FOYER_KEY_PINS_H_

#include <map>
#include <string>

#include "foyer/status.h"

namespace foyer {
namespace client {

class KeyPins {
 public:
  virtual ~KeyPins() = default;
  // Every pinned fingerprint: user name -> fingerprint.
  virtual std::map<std::string, std::string> Load() = 0;
  // Pins (or re-pins) `name`. An error is reported to the caller of the
  // operation that pinned, and the pin is kept in memory for this session.
  virtual Status Save(const std::string& name, const std::string& fingerprint) = 0;
};

// Pins kept in memory only (tests, short-lived tools).
class MemoryKeyPins : public KeyPins {
 public:
  std::map<std::string, std::string> Load() override { return pins_; }
  Status Save(const std::string& name, const std::string& fingerprint) override {
    pins_[name] = fingerprint;
    return Status::OK();
  }

 private:
  std::map<std::string, std::string> pins_;
};

}  // namespace client
}  // namespace foyer

#endif  // FOYER_KEY_PINS_H_
