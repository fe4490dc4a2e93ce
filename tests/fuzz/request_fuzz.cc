// Fuzzes the plugin's request dispatch and message checks (Server over a
// fake broker port: no mosquitto). The first byte picks the entry point and
// the session: a request from the admin, from a member or from an invite
// session; an envelope, a signal or a presence message from the member; a
// login; an ACL check. The rest is the outside data. The server must answer
// every request (exactly one response) and never crash.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "foyer/protocol.h"
#include "plugin_world.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace plugin = foyer::plugin;
  namespace protocol = foyer::protocol;
  if (size == 0) return 0;
  foyer_fuzz::PluginWorld& world = foyer_fuzz::PluginWorld::Get();
  std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string topic, payload;
  int kind = data[0] % 9;
  if (kind <= 2) {
    const void* client = kind == 0 ? world.admin() : kind == 1 ? world.alice() : world.invite();
    size_t before = world.port.published;
    world.server->OnControl(client, input);
    if (world.port.published == before) std::abort();  // every request is answered
    return 0;
  }
  if (kind <= 5) {
    const char* suffix = kind == 3 ? "/send" : kind == 4 ? "/signal" : "";
    topic = kind == 5 ? protocol::PresenceTopic("alice") : "foyer/c/" + world.conv + suffix;
    world.server->OnMessage(world.alice(), topic, input, false, &topic, &payload);
    return 0;
  }
  // The rest: NUL-separated fields.
  size_t first = input.find('\0');
  std::string head = input.substr(0, first);
  std::string tail = first == std::string::npos ? std::string() : input.substr(first + 1);
  if (kind == 6) {
    static int token;
    size_t second = tail.find('\0');
    std::string user = tail.substr(0, second);
    std::string password = second == std::string::npos ? "" : tail.substr(second + 1);
    if (world.server->Authenticate(&token, head, user.c_str(), password.c_str(), "127.0.0.9")) {
      world.server->OnDisconnect(&token);
    }
    return 0;
  }
  int access = 1 << (data[0] % 4);
  world.server->CheckAcl(kind == 7 ? world.alice() : world.invite(), input, access, data[0] & 1);
  return 0;
}
