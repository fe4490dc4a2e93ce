// Attack: administration requests from a member. Every admin op is refused
// with `denied` for mallory (on MQTT 5 and 3.1.1 sessions) and has no
// effect: no invite is made, alice stays enabled and can log in, the user
// list is unchanged. The admin's own invite works.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

class AdminFromMemberTest : public SecurityTest {};

// What the attacks could change in user_list: names, roles, states.
nlohmann::json Accounts(const nlohmann::json& user_list) {
  nlohmann::json accounts = nlohmann::json::array();
  for (const nlohmann::json& user : user_list.value("users", nlohmann::json::array())) {
    accounts.push_back({user.value("name", ""), user.value("role", ""),
                        user.value("disabled", false), user.value("registered", false)});
  }
  return accounts;
}

TEST_F(AdminFromMemberTest, AdminOpsAreDeniedToMembers) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"alice", "mallory"}));
  auto admin = Raw("admin", "ops");
  nlohmann::json before = admin->Request({{"op", "user_list"}});
  ASSERT_TRUE(before.value("ok", false)) << before.dump();

  auto mallory = Raw("mallory", "ops");
  const std::vector<nlohmann::json> requests = {
      {{"op", "invite"}, {"name", "mallory2"}, {"role", "admin"}},
      {{"op", "invite"}, {"name", "eve"}},
      {{"op", "user_list"}},
      {{"op", "user_disable"}, {"name", "alice"}},
      {{"op", "user_enable"}, {"name", "mallory"}},
      {{"op", "user_delete"}, {"name", "alice"}},
      {{"op", "user_delete"}, {"name", "admin"}},
      {{"op", "user_reset"}, {"name", "alice"}},
      {{"op", "conv_stats"}},
      {{"op", "status"}},
      {{"op", "backup_begin"}},
      {{"op", "token_create"}, {"name", "t"}},
      {{"op", "token_list"}},
      {{"op", "admin"}, {"token", "x"}, {"request", {{"op", "user_list"}}}},
      {{"op", "register"}, {"auth_key", std::string(64, 'a')}},
      {{"op", "invite_info"}},
  };
  for (const nlohmann::json& request : requests) {
    nlohmann::json answer = mallory->Request(request);
    ASSERT_TRUE(answer.is_object()) << "no answer to " << request.dump();
    EXPECT_EQ(answer.value("ok", true), false) << request.dump() << " -> " << answer.dump();
    EXPECT_EQ(answer.value("error", ""), "denied") << request.dump() << " -> " << answer.dump();
  }
  auto mallory311 = Wire("mallory", "ops311", kMqtt311);
  ASSERT_LT(mallory311->Subscribe("foyer/u/mallory/inbox"), 0x80);
  mallory311->Publish("$CONTROL/foyer/v1",
                      R"({"id":"a","op":"user_disable","name":"alice"})");
  mallory311->Pump(std::chrono::milliseconds(500));

  // Nothing changed: same users, alice enabled and able to log in.
  nlohmann::json after = admin->Request({{"op", "user_list"}});
  EXPECT_EQ(Accounts(after), Accounts(before));
  EXPECT_EQ(Accounts(after).size(), 3u) << after.dump();
  auto alice = Raw("alice", "still");
  EXPECT_TRUE(alice->connected());
  // The admin's own request works.
  nlohmann::json invite = admin->Request({{"op", "invite"}, {"name", "eve"}});
  EXPECT_TRUE(invite.value("ok", false)) << invite.dump();
}

}  // namespace
}  // namespace foyer_test
