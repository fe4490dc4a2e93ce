// MOSQ_EVT_ACL_CHECK: who may subscribe to, read and write which topic.
#include "acl.h"

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "foyer/protocol.h"
#include "server.h"

namespace foyer {
namespace plugin {

namespace {

bool HasWildcard(std::string_view text) {
  return text.find_first_of("+#") != std::string_view::npos;
}

// Strips "$share/<group>/"; false when the shared form is malformed.
bool UnshareFilter(std::string_view* filter) {
  constexpr std::string_view kShare = "$share/";
  if (filter->substr(0, kShare.size()) != kShare) return true;
  std::string_view rest = filter->substr(kShare.size());
  size_t slash = rest.find('/');
  if (slash == 0 || slash == std::string_view::npos || HasWildcard(rest.substr(0, slash))) {
    return false;
  }
  *filter = rest.substr(slash + 1);
  return !filter->empty();
}

bool AllowSubscribe(const AclSubject& subject, std::string_view filter,
                    const MembershipTest& is_member) {
  if (!UnshareFilter(&filter)) return false;
  std::vector<std::string_view> levels = protocol::SplitTopicLevels(filter);
  if (levels.size() < 3 || levels[0] != "foyer") return false;
  if (levels[1] == "c" && levels.size() == 4) {
    std::string_view last = levels[3];
    bool kind_ok = last == "m" || last == "e" || last == "+" || last == "#";
    return kind_ok && protocol::ValidHexId(levels[2]) && is_member(levels[2]);
  }
  if (levels[1] == "u" && levels.size() == 4) {
    return levels[2] == subject.user && (levels[3] == "inbox" || levels[3] == "#");
  }
  if (levels[1] == "p" && levels.size() == 3) {
    return levels[2] == "+" || levels[2] == "#" || protocol::ValidUserName(levels[2]);
  }
  return false;
}

bool AllowRead(const AclSubject& subject, std::string_view topic, bool retain,
               const MembershipTest& is_member) {
  if (HasWildcard(topic)) return false;
  if (topic == protocol::kResponseTopic) return !retain;
  std::vector<std::string_view> levels = protocol::SplitTopicLevels(topic);
  if (levels.size() < 3 || levels[0] != "foyer") return false;
  if (levels[1] == "p" && levels.size() == 3) return protocol::ValidUserName(levels[2]);
  if (retain) return false;
  if (levels[1] == "c" && levels.size() == 4 && (levels[3] == "m" || levels[3] == "e")) {
    return protocol::ValidHexId(levels[2]) && is_member(levels[2]);
  }
  if (levels[1] == "u" && levels.size() == 4) {
    return levels[2] == subject.user && levels[3] == "inbox";
  }
  return false;
}

bool AllowWrite(const AclSubject& subject, std::string_view topic, bool retain,
                const MembershipTest& is_member) {
  if (HasWildcard(topic)) return false;
  if (topic == protocol::kRequestTopic) return !retain;
  std::vector<std::string_view> levels = protocol::SplitTopicLevels(topic);
  if (levels.size() < 3 || levels[0] != "foyer") return false;
  if (levels[1] == "p" && levels.size() == 3) return levels[2] == subject.user;
  if (retain) return false;
  if (levels[1] == "c" && levels.size() == 4 &&
      (levels[3] == "send" || levels[3] == "signal")) {
    return protocol::ValidHexId(levels[2]) && is_member(levels[2]);
  }
  return false;
}

}  // namespace

bool AclAllows(const AclSubject& subject, std::string_view topic, int access, bool retain,
               const MembershipTest& is_member) {
  if (access == kAccessUnsubscribe) return true;
  if (subject.invite) {
    if (access == kAccessWrite) return topic == protocol::kRequestTopic && !retain;
    if (access == kAccessRead) return topic == protocol::kResponseTopic && !retain;
    return false;
  }
  switch (access) {
    case kAccessSubscribe:
      return AllowSubscribe(subject, topic, is_member);
    case kAccessRead:
      return AllowRead(subject, topic, retain, is_member);
    case kAccessWrite:
      return AllowWrite(subject, topic, retain, is_member);
    default:
      return false;
  }
}

bool ValidPresencePayload(std::string_view payload) {
  if (payload.size() > protocol::kMaxPresenceBytes) return false;
  if (payload.empty()) return true;
  nlohmann::json object = nlohmann::json::parse(payload, nullptr, false);
  if (!object.is_object()) return false;
  auto state = object.find("state");
  return state != object.end() && (*state == "online" || *state == "offline");
}

bool Server::CheckSessionlessWrite(std::string_view user_name, std::string_view topic,
                                   std::string_view payload) const {
  if (!protocol::ValidUserName(user_name) || topic != protocol::PresenceTopic(user_name)) {
    return false;
  }
  return ActiveUser(std::string(user_name)) != nullptr && ValidPresencePayload(payload);
}

bool Server::CheckAcl(const void* client, std::string_view topic, int access,
                      bool retain) const {
  const Session* session = FindSession(client);
  if (session == nullptr) return access == kAccessUnsubscribe;
  // Service sessions are as restricted as invite sessions: requests only.
  AclSubject subject{session->invite || session->service, session->user};
  return AclAllows(subject, topic, access, retain, [this, session](std::string_view conv) {
    return IsMember(conv, session->user);
  });
}

}  // namespace plugin
}  // namespace foyer
