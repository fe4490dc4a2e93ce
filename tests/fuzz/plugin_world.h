// PluginWorld: the plugin's core (Server) over a fake broker port, set up
// once per fuzzing process with an admin, a member (alice) in a conversation,
// and an invite session waiting to register, so that fuzzed requests and
// messages reach every handler as each kind of session. Not thread-safe.
#ifndef FOYER_TESTS_FUZZ_PLUGIN_WORLD_H_
#define FOYER_TESTS_FUZZ_PLUGIN_WORLD_H_

#include <memory>
#include <string>
#include <vector>

#include "broker_port.h"
#include "server.h"

namespace foyer_fuzz {

class CountingPort : public foyer::plugin::BrokerPort {
 public:
  void PublishTo(const std::string&, const std::string&, const std::string& payload) override {
    ++published;
    last_payload = payload;
  }
  void Publish(const std::string&, const std::string&) override { ++published; }
  void KickUser(const std::string&) override {}
  void Log(foyer::plugin::LogLevel, const std::string&) override {}
  size_t published = 0;
  std::string last_payload;
};

struct PluginWorld {
  // Builds the world in a fresh temporary directory (aborts on failure: a
  // fuzzer cannot run without it).
  static PluginWorld& Get();

  CountingPort port;
  std::unique_ptr<foyer::plugin::Server> server;
  std::string dir;
  std::string conv;  // alice's conversation (hex)
  // Opaque session handles: the admin, alice (member), an invite session.
  int admin_token = 0, alice_token = 0, invite_token = 0;
  const void* admin() const { return &admin_token; }
  const void* alice() const { return &alice_token; }
  const void* invite() const { return &invite_token; }
};

}  // namespace foyer_fuzz

#endif  // FOYER_TESTS_FUZZ_PLUGIN_WORLD_H_
