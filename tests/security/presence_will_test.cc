// Presence (docs/protocol.md §6): a user's will on his own presence topic
// reaches those who read presence, and so does his retained presence for
// those who subscribe later. mosquitto re-checks both through a context the
// plugin has no session for (the will after the DISCONNECT event, a retained
// message through a temporary context with `check_retain_source true`), so
// this test guards the plugin's session-less rule: only foyer/p/<user name>,
// only an enabled account, only a valid presence payload. Attacks beside it:
// a will from a refused login, a will with a payload that is not presence,
// a will on someone else's presence, and the retained presence of a disabled
// account; none of them may arrive.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class PresenceWillTest : public SecurityTest {
 protected:
  // Connects `user` with `client_suffix` and a will, then drops the socket
  // without DISCONNECT (the will fires). Returns the CONNACK code.
  int ConnectWithWillAndDrop(const std::string& user, const std::string& password,
                             const std::string& client_suffix, const Will& will) {
    WireClient client(mqtt_port(), NextLoopbackSource());
    ConnectPacket connect;
    connect.client_id = user + ":" + client_suffix;
    connect.user = user;
    connect.password = password;
    connect.has_will = true;
    connect.will = will;
    return client.Connect(connect);
  }

  static size_t CountPayload(const std::vector<ReceivedMessage>& messages,
                             const std::string& topic, const std::string& payload) {
    size_t count = 0;
    for (const ReceivedMessage& message : messages) {
      if (message.topic == topic && message.payload == payload) ++count;
    }
    return count;
  }
};

TEST_F(PresenceWillTest, OwnPresenceWillsAndRetainedPresenceArriveForgeriesDoNot) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "bob", "mallory"}));
  const std::string bob_presence = protocol::PresenceTopic("bob");
  const std::string alice_presence = protocol::PresenceTopic("alice");
  auto alice = Raw("alice", "watch");
  ASSERT_LT(alice->Subscribe("foyer/p/+"), 0x80);

  // Attacks first, so that the legitimate will below is a barrier: once it
  // has arrived, anything they planted would have arrived before it.
  const std::string forged = R"({"state":"offline","time":666})";
  // A refused login (wrong password) with a will on the victim's presence.
  EXPECT_NE(ConnectWithWillAndDrop("bob", "not-the-password", "badpass",
                                   Will{bob_presence, forged, 1, false}),
            0);
  EXPECT_NE(ConnectWithWillAndDrop("bob", "not-the-password", "badpass-r",
                                   Will{bob_presence, forged, 1, true}),
            0);
  // mallory's will on bob's presence.
  ConnectWithWillAndDrop("mallory", Key("mallory"), "other",
                         Will{bob_presence, forged, 1, false});
  // Wills on one's own presence that are not presence: any text, too large.
  ConnectWithWillAndDrop("mallory", Key("mallory"), "junk",
                         Will{protocol::PresenceTopic("mallory"), "<script>1</script>", 1, false});
  ConnectWithWillAndDrop("mallory", Key("mallory"), "big",
                         Will{protocol::PresenceTopic("mallory"),
                              R"({"state":"offline","pad":")" + std::string(400, 'x') + "\"}",
                              1, true});

  // bob's own will: it arrives, once.
  const std::string will = R"({"state":"offline","time":1})";
  ASSERT_EQ(ConnectWithWillAndDrop("bob", Key("bob"), "phone", Will{bob_presence, will, 1, false}),
            0);
  ASSERT_TRUE(alice->WaitForMessages(1, std::chrono::seconds(10)))
      << "bob's will on his own presence was not delivered";
  alice->WaitForMessages(2, std::chrono::milliseconds(500));
  EXPECT_EQ(CountPayload(alice->Received(), bob_presence, will), 1u);
  EXPECT_EQ(alice->Received().size(), 1u) << "a forged or invalid will arrived: "
                                          << alice->Received().back().topic << " "
                                          << alice->Received().back().payload;

  // Retained presence: bob's (published) and alice's (a retained will) reach
  // a later subscriber, and mallory's junk retained will does not.
  auto bob = Raw("bob", "laptop");
  const std::string online = R"({"state":"online","time":2})";
  ASSERT_EQ(bob->Publish(bob_presence, online, 1, true), 0);
  const std::string alice_will = R"({"state":"offline","time":3})";
  ASSERT_EQ(ConnectWithWillAndDrop("alice", Key("alice"), "tablet",
                                   Will{alice_presence, alice_will, 1, true}),
            0);
  ASSERT_TRUE(alice->WaitForMessages(3, std::chrono::seconds(10)));

  auto late = Raw("mallory", "late");
  ASSERT_LT(late->Subscribe("foyer/p/+"), 0x80);
  ASSERT_TRUE(late->WaitForMessages(2, std::chrono::seconds(10)))
      << "retained presence was not delivered to a later subscriber ("
      << late->ReceivedCount() << " of 2)";
  late->WaitForMessages(3, std::chrono::milliseconds(500));
  EXPECT_EQ(CountPayload(late->Received(), bob_presence, online), 1u);
  EXPECT_EQ(CountPayload(late->Received(), alice_presence, alice_will), 1u);
  EXPECT_EQ(late->Received().size(), 2u);

  // Once bob is disabled, his retained presence is no longer handed out.
  auto admin = Raw("admin", "ops");
  nlohmann::json response = admin->Request({{"op", "user_disable"}, {"name", "bob"}});
  ASSERT_TRUE(response.value("ok", false)) << response.dump();
  auto later = Raw("mallory", "later");
  ASSERT_LT(later->Subscribe("foyer/p/+"), 0x80);
  ASSERT_TRUE(later->WaitForMessages(1, std::chrono::seconds(10)));
  later->WaitForMessages(2, std::chrono::milliseconds(500));
  EXPECT_EQ(CountPayload(later->Received(), alice_presence, alice_will), 1u);
  EXPECT_EQ(later->Received().size(), 1u) << "a disabled account's retained presence arrived";
}

}  // namespace
}  // namespace foyer_test
