// Login lockout (docs/protocol.md §8): after N failures for a key (5 for an
// account, 20 for an address), attempts are refused without checking for 2 s, doubling
// with each further failure, up to 15 min. Also used by the gateway for admin
// tokens by peer address. Not thread-safe: callers serialise.
#ifndef FOYER_BROKER_PLUGIN_LOCKOUT_H_
#define FOYER_BROKER_PLUGIN_LOCKOUT_H_

#include <cstdint>
#include <string>
#include <unordered_map>

namespace foyer {
namespace plugin {

class Lockout {
 public:
  static constexpr int kFreeFailures = 5;
  // Addresses get more free failures than accounts: a whole household shares
  // one address behind its router (and the gateway shares loopback).
  static constexpr int kAddressFreeFailures = 20;

  explicit Lockout(int free_failures = kFreeFailures) : free_failures_(free_failures) {}
  static constexpr uint64_t kFirstLockMs = 2000;
  static constexpr uint64_t kMaxLockMs = 15 * 60 * 1000;

  // False while `key` is locked.
  bool Allowed(const std::string& key, uint64_t now_ms) const;
  // Counts a checked failure; locks the key from the 5th on.
  void Failure(const std::string& key, uint64_t now_ms);
  // Forgets the key's failures.
  void Success(const std::string& key) { entries_.erase(key); }
  // The lock's end for `key` (0 when not locked); for tests and logs.
  uint64_t LockedUntil(const std::string& key) const;

 private:
  struct Entry {
    int failures = 0;
    uint64_t last_failure_ms = 0;
    uint64_t locked_until_ms = 0;
  };
  void Prune(uint64_t now_ms);
  int free_failures_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_LOCKOUT_H_
