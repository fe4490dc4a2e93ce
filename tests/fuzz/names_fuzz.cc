// Fuzzes names, client ids, topics and the ACL as a pure function: a valid
// user name never holds + # / : or a control character, and a session that
// is a member of nothing is never granted a filter outside its own inbox,
// presence and shared forms of those.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "acl.h"
#include "foyer/protocol.h"
#include "server.h"

namespace {

bool OwnOrPresence(std::string_view filter) {
  constexpr std::string_view kShare = "$share/";
  if (filter.substr(0, kShare.size()) == kShare) {
    size_t slash = filter.find('/', kShare.size());
    if (slash == std::string_view::npos) return false;
    filter = filter.substr(slash + 1);
  }
  return filter.substr(0, 14) == "foyer/u/alice/" || filter.substr(0, 8) == "foyer/p/";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace protocol = foyer::protocol;
  namespace plugin = foyer::plugin;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (protocol::ValidUserName(text)) {
    for (char c : text) {
      if (c == '+' || c == '#' || c == '/' || c == ':' || static_cast<unsigned char>(c) < 0x20 ||
          c == 0x7f) {
        std::abort();
      }
    }
  }
  size_t colon = text.find(':');
  if (colon != std::string_view::npos) {
    protocol::ValidClientId(text.substr(0, colon), text);
  }
  protocol::ValidHexId(text);
  protocol::ParseTopic(text);
  plugin::AclSubject subject{false, "alice"};
  auto nobody = [](std::string_view) { return false; };
  if (plugin::AclAllows(subject, text, plugin::kAccessSubscribe, false, nobody) &&
      !OwnOrPresence(text)) {
    std::abort();
  }
  if (plugin::AclAllows(subject, text, plugin::kAccessRead, false, nobody) &&
      text.substr(0, 8) != "foyer/p/" && text != "foyer/u/alice/inbox" &&
      text != protocol::kResponseTopic) {
    std::abort();
  }
  plugin::AclAllows({true, "~invite"}, text, plugin::kAccessWrite, false, nobody);
  return 0;
}
