// First start, invites, registration and the account and admin requests.
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "plugin_test_util.h"

namespace foyer {
namespace plugin {
namespace {

using testing::Json;

using AccountsTest = testing::ServerTest;

TEST_F(AccountsTest, FirstStartWritesAPrivateAdminInviteUntilTheAdminRegisters) {
  Open();
  struct stat info;
  ASSERT_EQ(::stat(server_->admin_invite_path().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  std::string first = ReadAdminInvite();
  EXPECT_EQ(first.size(), 44u);
  bool logged = false;
  for (const std::string& line : port_.logs) {
    logged |= line == "admin invite: " + first + " (also in " + server_->admin_invite_path() + ")";
  }
  EXPECT_TRUE(logged);
  // A restart before registration makes a fresh invite; the old one is void.
  Reopen();
  std::string second = ReadAdminInvite();
  EXPECT_NE(second, first);
  EXPECT_EQ(InviteSession(first), nullptr);
  const void* invite = InviteSession(second);
  ASSERT_NE(invite, nullptr);
  Json info_response = Request(invite, Json{{"op", "invite_info"}});
  EXPECT_EQ(info_response["ok"], true);
  EXPECT_EQ(info_response["user"], "admin");
  EXPECT_EQ(info_response["role"], "admin");
  EXPECT_EQ(info_response["household"], crypto::ToHex(server_->store().household_id()));
  EXPECT_EQ(info_response["expires"], now_ + options_.invite_ttl_s * 1000);
  // An invite session may not send anything else.
  EXPECT_EQ(Request(invite, Json{{"op", "whoami"}})["error"], "denied");
  Admin();
  EXPECT_FALSE(std::filesystem::exists(server_->admin_invite_path()));
  Reopen();
  EXPECT_FALSE(std::filesystem::exists(server_->admin_invite_path()));
}

TEST_F(AccountsTest, RegisterRefusesBadArgumentsAndUsedInvites) {
  Open();
  std::string code = ReadAdminInvite();
  const void* invite = InviteSession(code);
  ASSERT_NE(invite, nullptr);
  Json good{{"op", "register"},
            {"auth_key", crypto::ToHex(crypto::RandomBytes(32))},
            {"x25519", crypto::ToBase64(crypto::RandomBytes(32))},
            {"ed25519", crypto::ToBase64(crypto::RandomBytes(32))},
            {"bundle", crypto::ToBase64(crypto::RandomBytes(136))}};
  for (const char* field : {"auth_key", "x25519", "ed25519", "bundle"}) {
    Json bad = good;
    bad.erase(field);
    EXPECT_EQ(Request(invite, bad)["error"], "invalid") << field;
  }
  Json bad = good;
  bad["x25519"] = crypto::ToBase64(crypto::RandomBytes(31));
  EXPECT_EQ(Request(invite, bad)["error"], "invalid");
  EXPECT_FALSE(server_->caches().users.at("admin").registered);
  EXPECT_EQ(Request(invite, good)["ok"], true);
  EXPECT_EQ(Request(invite, good)["error"], "not_found");
}

TEST_F(AccountsTest, RequestEnvelopeErrors) {
  Open();
  testing::TestUser& admin = Admin();
  server_->OnControl(admin.client, "not json");
  Json response = Json::parse(port_.sent.back().payload);
  EXPECT_EQ(response["ok"], false);
  EXPECT_EQ(response["error"], "invalid");
  EXPECT_EQ(port_.sent.back().client_id, "admin");
  EXPECT_EQ(port_.sent.back().topic, "$CONTROL/foyer/v1/response");
  EXPECT_EQ(Request(admin, Json{{"op", "nope"}})["error"], "invalid");
  server_->OnControl(admin.client, Json{{"id", std::string(65, 'x')}, {"op", "whoami"}}.dump());
  response = Json::parse(port_.sent.back().payload);
  EXPECT_EQ(response["ok"], false);
  EXPECT_EQ(response["id"], "");
  EXPECT_EQ(Request(admin, Json{{"op", "register"}})["error"], "denied");
}

TEST_F(AccountsTest, WhoamiBundleUsersKeys) {
  Open();
  testing::TestUser& admin = Admin();
  testing::TestUser& bob = AddUser("bob");
  Json whoami = Request(bob, Json{{"op", "whoami"}});
  EXPECT_EQ(whoami["user"], "bob");
  EXPECT_EQ(whoami["role"], "member");
  EXPECT_EQ(whoami["household"], crypto::ToHex(server_->store().household_id()));

  Json bundle = Request(bob, Json{{"op", "bundle_get"}});
  EXPECT_EQ(bundle["x25519"], crypto::ToBase64(bob.box.public_key));
  EXPECT_EQ(bundle["ed25519"], crypto::ToBase64(bob.sign.public_key));
  std::string new_bundle = crypto::ToBase64(crypto::RandomBytes(136));
  std::string new_key = crypto::RandomBytes(32);
  Json put = Request(bob, Json{{"op", "bundle_put"}, {"bundle", new_bundle},
                               {"auth_key", crypto::ToHex(new_key)}});
  EXPECT_EQ(put["ok"], true) << put.dump();
  EXPECT_EQ(Request(bob, Json{{"op", "bundle_get"}})["bundle"], new_bundle);
  EXPECT_EQ(Request(bob, Json{{"op", "bundle_put"}})["error"], "invalid");
  // The new password works, the old one does not.
  std::string old_key = bob.auth_key;
  bob.auth_key = new_key;
  EXPECT_TRUE(Login(bob));
  bob.auth_key = old_key;
  EXPECT_FALSE(Login(bob));
  bob.auth_key = new_key;
  ASSERT_TRUE(Login(bob));

  Request(admin, Json{{"op", "invite"}, {"name", "pending"}});
  Json users = Request(bob, Json{{"op", "users"}});
  ASSERT_EQ(users["users"].size(), 2u) << users.dump();  // admin, bob; not the pending one
  EXPECT_EQ(users["users"][1]["name"], "bob");
  EXPECT_EQ(users["users"][1]["x25519"], crypto::ToBase64(bob.box.public_key));

  Json keys = Request(bob, Json{{"op", "keys"}, {"users", {"admin", "bob"}}});
  EXPECT_EQ(keys["keys"]["admin"]["ed25519"], crypto::ToBase64(admin.sign.public_key));
  EXPECT_EQ(Request(bob, Json{{"op", "keys"}, {"users", {"admin", "ghost"}}})["error"],
            "not_found");
  EXPECT_EQ(Request(bob, Json{{"op", "keys"}, {"users", "admin"}})["error"], "invalid");
}

TEST_F(AccountsTest, AdminOpsAreDeniedToOthers) {
  Open();
  Admin();
  testing::TestUser& bob = AddUser("bob");
  for (const char* op : {"invite", "user_list", "user_disable", "user_enable", "user_delete"}) {
    EXPECT_EQ(Request(bob, Json{{"op", op}, {"name", "admin"}})["error"], "denied") << op;
  }
}

TEST_F(AccountsTest, InviteArgumentsAndLimits) {
  options_.max_devices = 2;
  Open();
  testing::TestUser& admin = Admin();
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "Bad Name"}})["error"], "invalid");
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "x"}, {"role", "boss"}})["error"],
            "invalid");
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "x"}, {"ttl", 10}})["error"],
            "invalid");
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "admin"}})["error"], "conflict");
  Json invite = Request(admin, Json{{"op", "invite"}, {"name", "x"}, {"ttl", 60}});
  EXPECT_EQ(invite["expires"], now_ + 60000);
  EXPECT_EQ(invite["role"], "member");
  // People: admin + x + 23 more = 25, then the limit.
  for (int i = 0; i < 23; ++i) {
    Json response = Request(admin, Json{{"op", "invite"}, {"name", "p" + std::to_string(i)}});
    ASSERT_EQ(response["ok"], true) << i << response.dump();
  }
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "late"}})["error"], "limit");
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "late"}, {"role", "admin"}})["error"],
            "limit");
  // Re-inviting a pending person does not count twice.
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "x"}})["ok"], true);
  // Devices are counted apart.
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "d1"}, {"role", "device"}})["ok"], true);
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "d2"}, {"role", "device"}})["ok"], true);
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "d3"}, {"role", "device"}})["error"],
            "limit");
}

TEST_F(AccountsTest, UserListDisableEnableDelete) {
  Open();
  testing::TestUser& admin = Admin();
  AddUser("bob");
  testing::TestUser& carol = AddUser("carol");
  std::string conv = CreateConv(carol, {"carol", "bob", "admin"});
  Json list = Request(admin, Json{{"op", "user_list"}});
  ASSERT_EQ(list["users"].size(), 3u);
  EXPECT_EQ(list["users"][1]["name"], "bob");
  EXPECT_EQ(list["users"][1]["online"], true);
  EXPECT_EQ(list["users"][1]["registered"], true);
  EXPECT_EQ(list["users"][1]["disabled"], false);
  for (const char* field : {"role", "created", "last_seen"}) {
    EXPECT_TRUE(list["users"][1].contains(field)) << field;
  }
  EXPECT_EQ(Request(admin, Json{{"op", "user_disable"}, {"name", "admin"}})["error"], "denied");
  EXPECT_EQ(Request(admin, Json{{"op", "user_delete"}, {"name", "admin"}})["error"], "denied");
  EXPECT_EQ(Request(admin, Json{{"op", "user_disable"}, {"name", "ghost"}})["error"], "not_found");
  EXPECT_EQ(Request(admin, Json{{"op", "user_disable"}, {"name", "bob"}})["ok"], true);
  ASSERT_EQ(port_.kicked.size(), 1u);
  EXPECT_EQ(port_.kicked[0], "bob");
  EXPECT_EQ(Request(admin, Json{{"op", "user_list"}})["users"][1]["disabled"], true);

  EXPECT_EQ(Request(admin, Json{{"op", "user_delete"}, {"name", "bob"}})["ok"], true);
  EXPECT_EQ(port_.kicked.back(), "bob");
  EXPECT_EQ(server_->caches().users.count("bob"), 0u);
  const ConversationRecord& record = server_->caches().conversations.at(conv);
  EXPECT_EQ(record.members.count("bob"), 0u);
  EXPECT_TRUE(record.rotate);
  Json event = port_.Inbox("carol").back();
  EXPECT_EQ(event["event"], "rotate_needed");
  EXPECT_EQ(event["conv"], conv);
  // Gone after a restart too, and the name can be invited again.
  Reopen();
  EXPECT_EQ(server_->caches().users.count("bob"), 0u);
  EXPECT_TRUE(server_->caches().conversations.at(conv).rotate);
  ASSERT_TRUE(Login(admin));
  EXPECT_EQ(Request(admin, Json{{"op", "invite"}, {"name", "bob"}})["ok"], true);
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
