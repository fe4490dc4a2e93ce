// The ACL (docs/protocol.md §6) as a pure function, so that it can be tested
// without a broker: deny by default.
#ifndef FOYER_BROKER_PLUGIN_ACL_H_
#define FOYER_BROKER_PLUGIN_ACL_H_

#include <functional>
#include <string_view>

namespace foyer {
namespace plugin {

struct AclSubject {
  bool invite = false;    // an invite session: requests and responses only
  std::string_view user;  // the session's user name
};

// Whether the subject is a member of the conversation (hex id).
using MembershipTest = std::function<bool(std::string_view conv)>;

// `access` is one of kAccessRead/Write/Subscribe/Unsubscribe (server.h). For
// SUBSCRIBE `topic` is the filter ($share/<group>/<filter> is judged on
// <filter>); otherwise a concrete topic. `retain` is the message's flag.
bool AclAllows(const AclSubject& subject, std::string_view topic, int access, bool retain,
               const MembershipTest& is_member);

// Whether `payload` may be published on a presence topic (protocol §6): at
// most 256 bytes, empty (clears the retained state) or a JSON object whose
// "state" is "online" or "offline".
bool ValidPresencePayload(std::string_view payload);

}  // namespace plugin
}  // namespace foyer

#endif  // FOYER_BROKER_PLUGIN_ACL_H_
