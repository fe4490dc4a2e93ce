// Attack: reusing another user's client id. mallory, with her own valid
// password, tries alice's client ids (the bare name, the one alice is using
// right now, invite-style ids): refused at CONNACK, and alice's live session
// is not taken over (she keeps receiving). The legitimate login of mallory
// with her own client id works. Three attackers (wire MQTT 5, wire 3.1.1,
// Paho) share the attempts so that no account reaches the login lockout, and
// the wire attempts come from their own loopback addresses.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;

class ClientIdTest : public SecurityTest {};

TEST_F(ClientIdTest, AnotherUsersClientIdIsRefusedAndDoesNotKick) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "mallory", "eve", "trudy"}));
  std::string conv = user("alice").CreateConversation("Deux", {"mallory"});
  ASSERT_EQ(conv.size(), 32u);
  auto alice = Raw("alice", "phone");
  ASSERT_LT(alice->Subscribe(protocol::MessageTopic(conv)), 0x80);

  const std::vector<std::string> stolen_ids = {"alice", "alice:phone", "~invite:phone",
                                               "admin"};
  for (const std::string& client_id : stolen_ids) {
    for (const auto& [thief_name, version] :
         std::vector<std::pair<std::string, int>>{{"mallory", kMqtt5}, {"eve", kMqtt311}}) {
      WireClient thief(mqtt_port(), NextLoopbackSource());
      ConnectPacket connect;
      connect.version = version;
      connect.client_id = client_id;
      connect.user = thief_name;
      connect.password = Key(thief_name);
      EXPECT_NE(thief.Connect(connect), 0) << thief_name << " logged in as " << client_id;
    }
    RawClient thief(server_uri(), client_id);
    EXPECT_NE(thief.Connect("trudy", Key("trudy")), 0) << client_id;
  }
  // alice's session survived every attempt and still receives.
  ASSERT_TRUE(alice->connected()) << "alice's session was taken over";
  auto mallory = Raw("mallory", "own");
  ASSERT_TRUE(mallory->connected());
  ASSERT_EQ(mallory->Publish(protocol::SendTopic(conv), EnvelopeText(conv, 1, "mallory")), 0);
  EXPECT_TRUE(alice->WaitForMessages(1, std::chrono::seconds(10)));
  EXPECT_TRUE(alice->connected());
}

}  // namespace
}  // namespace foyer_test
