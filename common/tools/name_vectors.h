// names.json and invite.json of foyer-make-vectors: user names, client ids,
// hex ids, topics (protocol.md §1, §6) and invite codes (§7).
#ifndef FOYER_COMMON_TOOLS_NAME_VECTORS_H_
#define FOYER_COMMON_TOOLS_NAME_VECTORS_H_

#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "foyer/protocol.h"
#include "vector_inputs.h"

namespace foyer {
namespace vectors {

inline Json Invites() {
  std::string secret = Sequence(0x50, 16);
  std::string code = p::EncodeInviteCode(kHousehold, secret);
  std::string other = p::EncodeInviteCode(Bytes(0xff, 16), Bytes(0xee, 16));
  std::string raw_v2 = "\x02" + kHousehold + secret;
  std::string standard = other;  // the standard alphabet's '+' and '/' instead of '-' and '_'
  for (char& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
  return {{"description",
           "Invite codes (protocol.md §7): code = b64(0x01 || household (16) || secret (16)), "
           "44 characters; the MQTT password of the invite session is secret_hex. Each "
           "'invalid' code must be refused."},
          {"valid",
           {{{"household_hex", Hex(kHousehold)}, {"secret_hex", Hex(secret)}, {"code", code}},
            {{"household_hex", Hex(Bytes(0xff, 16))},
             {"secret_hex", Hex(Bytes(0xee, 16))},
             {"code", other}}}},
          {"invalid",
           {{{"code", code.substr(0, 43)}, {"reason", "43 characters"}},
            {{"code", code + "A"}, {"reason", "45 characters"}},
            {{"code", code.substr(0, 43) + "="}, {"reason", "padding character"}},
            {{"code", standard}, {"reason", "standard base64 alphabet (+ /)"}},
            {{"code", code.substr(0, 20) + "!" + code.substr(21)}, {"reason", "invalid character"}},
            {{"code", B64(raw_v2)}, {"reason", "version byte 0x02"}},
            {{"code", ""}, {"reason", "empty"}}}}};
}

inline Json Names() {
  auto reason = [](std::string_view name) {
    std::string why;
    p::ValidUserName(name, &why);
    return why;
  };
  Json valid =
      Json::array({"a", "alice", "bob.martin", "j_doe-2", "z9", "a" + std::string(31, 'b')});
  Json invalid = Json::array();
  for (const std::string& name : std::vector<std::string>{
           "", "Alice", "1alice", ".alice", "_alice", "-alice", "al ice", "alice+", "alice#",
           "alice/x", "alice:x", u8"élise", "ali\tce", "~invite", "a" + std::string(32, 'b')}) {
    invalid.push_back({{"name", name}, {"reason", reason(name)}});
  }
  invalid.push_back(
      {{"name", std::string("ali\0ce", 6)}, {"reason", reason(std::string_view("ali\0ce", 6))}});
  Json client_valid = Json::array();
  for (auto [user, id] :
       std::vector<std::pair<std::string, std::string>>{{"alice", "alice"},
                                                        {"alice", "alice:laptop-3f2a"},
                                                        {"alice", "alice:A_b-9"},
                                                        {"alice", "alice:" + std::string(32, 'x')},
                                                        {"~invite", "~invite:x1"}}) {
    client_valid.push_back({{"user", user}, {"client_id", id}});
  }
  Json client_invalid = Json::array();
  for (auto [user, id] :
       std::vector<std::pair<std::string, std::string>>{{"alice", "alice:"},
                                                        {"alice", "alice:bad.dot"},
                                                        {"alice", "alice:has space"},
                                                        {"alice", "bob"},
                                                        {"alice", "alicex"},
                                                        {"alice", "alice:" + std::string(33, 'x')},
                                                        {"alice", u8"alice:é"},
                                                        {"alice", "alice:a:b"},
                                                        {"alice", "alice/x"},
                                                        {"~invite", "~invite"},
                                                        {"~invite", "~invite:"},
                                                        {"Alice", "Alice"}}) {
    std::string why;
    p::ValidClientId(user, id, &why);
    client_invalid.push_back({{"user", user}, {"client_id", id}, {"reason", why}});
  }
  std::string conv = kConvHex;
  Json topics = Json::array();
  for (auto [topic, kind, id] : std::vector<std::tuple<std::string, const char*, std::string>>{
           {p::SendTopic(conv), "send", conv},
           {p::MessageTopic(conv), "messages", conv},
           {p::SignalTopic(conv), "signal", conv},
           {p::EphemeralTopic(conv), "ephemeral", conv},
           {p::InboxTopic("alice"), "inbox", "alice"},
           {p::PresenceTopic("alice"), "presence", "alice"},
           {p::kRequestTopic, "request", ""},
           {p::kResponseTopic, "response", ""},
           {"foyer/c/" + conv + "/x", "other", ""},
           {"foyer/c/A0" + conv.substr(2) + "/m", "other", ""},
           {"foyer/c/" + conv + "/m/x", "other", ""},
           {"foyer/u/Alice/inbox", "other", ""},
           {"foyer/p/alice/x", "other", ""},
           {"foyer/c/+/m", "other", ""},
           {"$SYS/broker", "other", ""}}) {
    topics.push_back({{"topic", topic}, {"kind", kind}, {"id", id}});
  }
  return {{"description",
           "Names (protocol.md §1) and topics (§6). User names: 1-32 of a-z 0-9 . _ -, first a "
           "letter. Client ids: the user name, or user + ':' + 1-32 of A-Z a-z 0-9 _ -; the "
           "invite user ~invite needs a suffix. 'reason' is the C++ implementation's message, "
           "for information only. Topics: the kind a concrete topic is parsed to, and its id."},
          {"user_names", {{"valid", valid}, {"invalid", invalid}}},
          {"client_ids", {{"valid", client_valid}, {"invalid", client_invalid}}},
          {"hex_ids",
           {{"valid", {conv, "00000000000000000000000000000000"}},
            {"invalid",
             {"A0" + conv.substr(2), conv.substr(1), conv + "0", "g" + conv.substr(1), ""}}}},
          {"topics", topics}};
}

}  // namespace vectors
}  // namespace foyer

#endif  // FOYER_COMMON_TOOLS_NAME_VECTORS_H_
