// Attack: user names and client ids with MQTT wildcards (+ #), topic
// separators (/), the client id separator (:), upper case, spaces, control
// characters or a NUL. Every such login is refused, and no admin can invite
// such a name, so no topic can ever be built from one; the valid login of
// the same person works. Each attempt comes from its own loopback address
// and no account fails more than 4 times, so that every attempt is judged on
// its name, not refused by the login lockout.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

class NamesTest : public SecurityTest {};

TEST_F(NamesTest, WildcardsSeparatorsAndControlCharactersAreRefused) {
  const std::vector<std::string> people = {"alice", "bob", "carol", "dave"};
  ASSERT_NO_FATAL_FAILURE(JoinAll(people));
  const std::string key = Key("alice");
  const std::vector<std::string> bad_users = {
      "alice/x", "al+ce", "alice#", "#", "+", "/", "alice:1", "Alice", "alice ", " alice",
      "alice\n", "alice\t", std::string("alice\x01", 6), std::string("alice\x7f", 6),
      std::string("ali\0ce", 6), "alice/+/#", "~invite/x", "$SYS", ""};
  for (const std::string& name : bad_users) {
    for (int version : {kMqtt5, kMqtt311}) {
      WireClient client(mqtt_port(), NextLoopbackSource());
      ConnectPacket connect;
      connect.version = version;
      connect.client_id = "alice:x";
      connect.user = name.empty() ? std::string("\x00", 1) : name;
      connect.password = key;
      EXPECT_NE(client.Connect(connect), 0) << "user name [" << name << "] was accepted";
    }
  }
  // Client id suffixes, each tried by one of four people with his own valid
  // password (4 failures each at most), alternating protocol versions.
  const std::vector<std::string> bad_suffixes = {
      ":+", ":#", ":a/b", "/x", ":a b", "::x", std::string(":\x01", 2), ":\n",
      std::string(":\0x", 3), ":" + std::string(33, 'a'), ":\xc3\xa9", "+", ":x+#", ":"};
  for (size_t i = 0; i < bad_suffixes.size(); ++i) {
    const std::string& name = people[i % people.size()];
    WireClient client(mqtt_port(), NextLoopbackSource());
    ConnectPacket connect;
    connect.version = i % 2 == 0 ? kMqtt5 : kMqtt311;
    connect.client_id = name + bad_suffixes[i];
    connect.user = name;
    connect.password = Key(name);
    EXPECT_NE(client.Connect(connect), 0) << "client id [" << connect.client_id
                                          << "] was accepted";
  }
  // No admin can create such an account.
  auto admin = Raw("admin", "invite");
  for (const std::string& name : bad_users) {
    nlohmann::json answer = admin->Request({{"op", "invite"}, {"name", name}});
    EXPECT_EQ(answer.value("error", ""), "invalid") << "[" << name << "] " << answer.dump();
  }
  // The same person with a valid name and client id logs in.
  WireClient good(mqtt_port(), NextLoopbackSource());
  ConnectPacket connect;
  connect.client_id = "alice:Laptop_3-f";
  connect.user = "alice";
  connect.password = key;
  EXPECT_EQ(good.Connect(connect), 0);
}

}  // namespace
}  // namespace foyer_test
