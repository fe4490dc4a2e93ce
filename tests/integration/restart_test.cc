// Scenario 5: history survives a broker restart on the same data directory.
#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "household.h"

namespace foyer_test {
namespace {

class RestartTest : public BrokerFixture {};

TEST_F(RestartTest, HistorySurvivesRestart) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  ASSERT_NO_FATAL_FAILURE(house.Join("alice"));
  ASSERT_NO_FATAL_FAILURE(house.Join("bob"));
  const CliUser& alice = house.user("alice");
  const CliUser& bob = house.user("bob");
  std::string conv = alice.CreateConversation("Avant et après", {"bob"});
  ASSERT_EQ(conv.size(), 32u);
  const std::string line = u8"Ce message doit survivre au redémarrage ✅";
  ASSERT_EQ(alice.Send(conv, line), 1u);
  ASSERT_EQ(bob.History(conv).size(), 1u);

  ASSERT_NO_FATAL_FAILURE(RestartBroker());

  std::vector<nlohmann::json> history = bob.History(conv);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].value("text", ""), line);
  EXPECT_EQ(history[0].value("sender", ""), "alice");
  EXPECT_EQ(history[0].value("seq", 0u), 1u);

  // Accounts and the conversation survive too: seq goes on without a gap.
  EXPECT_EQ(bob.Send(conv, "Bien reçu après le redémarrage"), 2u);
  std::vector<nlohmann::json> alice_history = alice.History(conv);
  ASSERT_EQ(alice_history.size(), 2u);
  EXPECT_EQ(alice_history[1].value("sender", ""), "bob");
  ProcessResult list = alice.Run({"conv", "list"});
  EXPECT_EQ(list.exit_code, 0) << Describe(list);
  EXPECT_NE(list.out.find(conv), std::string::npos) << list.out;
}

}  // namespace
}  // namespace foyer_test
