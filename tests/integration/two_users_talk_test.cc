// Scenario 2: alice and bob talk through foyer-cli; each sees the other's line
// with the right sender, seq and text (accents and emoji intact).
#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "household.h"

namespace foyer_test {
namespace {

class TwoUsersTalkTest : public BrokerFixture {};

TEST_F(TwoUsersTalkTest, AliceAndBobExchangeLines) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  ASSERT_NO_FATAL_FAILURE(house.Join("alice"));
  ASSERT_NO_FATAL_FAILURE(house.Join("bob"));
  const CliUser& alice = house.user("alice");
  const CliUser& bob = house.user("bob");

  std::string conv = alice.CreateConversation("Dîner de dimanche", {"bob"});
  ASSERT_EQ(conv.size(), 32u);

  // Both see the conversation in their list.
  for (const CliUser* user : {&alice, &bob}) {
    ProcessResult list = user->Run({"conv", "list"});
    EXPECT_EQ(list.exit_code, 0) << Describe(list);
    EXPECT_NE(list.out.find(conv), std::string::npos) << user->name() << ": " << list.out;
  }

  const std::string hello = u8"Bonjour Bob ! Ça va ? Crème brûlée à 20 h 🍮🎉";
  std::unique_ptr<Process> bob_listen = bob.Listen(conv, 1);
  ASSERT_TRUE(bob_listen);
  uint64_t first_seq = alice.Send(conv, hello);
  EXPECT_EQ(first_seq, 1u);
  std::vector<nlohmann::json> bob_got = ListenOutput(bob_listen.get());
  ASSERT_EQ(bob_got.size(), 1u);
  EXPECT_EQ(bob_got[0].value("conv", ""), conv);
  EXPECT_EQ(bob_got[0].value("sender", ""), "alice");
  EXPECT_EQ(bob_got[0].value("text", ""), hello);
  EXPECT_EQ(bob_got[0].value("seq", 0u), first_seq);
  EXPECT_EQ(bob_got[0].value("cmid", "").size(), 32u);
  EXPECT_GT(bob_got[0].value("time", 0u), 0u);

  const std::string answer = u8"Oui, très bien — à tout à l'heure 👋";
  std::unique_ptr<Process> alice_listen = alice.Listen(conv, 1);
  ASSERT_TRUE(alice_listen);
  uint64_t second_seq = bob.Send(conv, answer);
  EXPECT_EQ(second_seq, 2u);
  std::vector<nlohmann::json> alice_got = ListenOutput(alice_listen.get());
  ASSERT_EQ(alice_got.size(), 1u);
  EXPECT_EQ(alice_got[0].value("sender", ""), "bob");
  EXPECT_EQ(alice_got[0].value("text", ""), answer);
  EXPECT_EQ(alice_got[0].value("seq", 0u), second_seq);

  // Both histories hold the two lines, in order.
  for (const CliUser* user : {&alice, &bob}) {
    std::vector<nlohmann::json> history = user->History(conv);
    ASSERT_EQ(history.size(), 2u) << user->name();
    EXPECT_EQ(history[0].value("text", ""), hello);
    EXPECT_EQ(history[0].value("sender", ""), "alice");
    EXPECT_EQ(history[0].value("seq", 0u), 1u);
    EXPECT_EQ(history[1].value("text", ""), answer);
    EXPECT_EQ(history[1].value("sender", ""), "bob");
    EXPECT_EQ(history[1].value("seq", 0u), 2u);
  }
}

}  // namespace
}  // namespace foyer_test
