// Logins (docs/protocol.md §7-§8): keys, client ids, invites, lockout.
#include <string>

#include <gtest/gtest.h>

#include "lockout.h"
#include "plugin_test_util.h"

namespace foyer {
namespace plugin {
namespace {

using testing::Json;

class AuthTest : public testing::ServerTest {
 protected:
  bool TryLogin(const std::string& user, const std::string& client_id,
                const std::string& password, const std::string& address = "10.0.0.1") {
    return server_->Authenticate(NewClient(), client_id, user.c_str(), password.c_str(),
                                 address);
  }
};

TEST_F(AuthTest, GoodKeyLogsInAndBadKeyIsRefused) {
  Open();
  testing::TestUser& bob = AddUser("bob");
  std::string good = crypto::ToHex(bob.auth_key);
  EXPECT_TRUE(TryLogin("bob", "bob", good));
  EXPECT_TRUE(TryLogin("bob", "bob:phone-1", good));
  EXPECT_FALSE(TryLogin("bob", "bob", crypto::ToHex(crypto::RandomBytes(32))));
  EXPECT_FALSE(TryLogin("bob", "bob", "not hex"));
  EXPECT_FALSE(TryLogin("bob", "bob", good.substr(0, 62)));
  EXPECT_FALSE(TryLogin("nobody", "nobody", good));
}

TEST_F(AuthTest, ClientIdIsBoundToTheUser) {
  Open();
  testing::TestUser& bob = AddUser("bob");
  std::string good = crypto::ToHex(bob.auth_key);
  EXPECT_FALSE(TryLogin("bob", "alice", good));
  EXPECT_FALSE(TryLogin("bob", "bobby", good));
  EXPECT_FALSE(TryLogin("bob", "bob:", good));
  EXPECT_FALSE(TryLogin("bob", "bob:a/b", good));
  EXPECT_FALSE(TryLogin("bob", "~invite:x", good));
}

TEST_F(AuthTest, AnonymousIsRefused) {
  Open();
  EXPECT_FALSE(server_->Authenticate(NewClient(), "x", nullptr, nullptr, "10.0.0.1"));
  EXPECT_FALSE(server_->Authenticate(NewClient(), "admin", "admin", nullptr, "10.0.0.1"));
  EXPECT_FALSE(server_->Authenticate(NewClient(), "x", "", "", "10.0.0.1"));
}

TEST_F(AuthTest, UnregisteredAndDisabledAccountsAreRefused) {
  Open();
  // "admin" exists (invited) but has not registered: no password works.
  EXPECT_FALSE(TryLogin("admin", "admin", crypto::ToHex(crypto::RandomBytes(32))));
  testing::TestUser& admin = Admin();
  testing::TestUser& bob = AddUser("bob");
  Json response = Request(admin, Json{{"op", "user_disable"}, {"name", "bob"}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_FALSE(TryLogin("bob", "bob", crypto::ToHex(bob.auth_key)));
  response = Request(admin, Json{{"op", "user_enable"}, {"name", "bob"}});
  ASSERT_EQ(response["ok"], true) << response.dump();
  EXPECT_TRUE(TryLogin("bob", "bob", crypto::ToHex(bob.auth_key)));
}

TEST_F(AuthTest, InviteSessions) {
  Open();
  std::string code = ReadAdminInvite();
  ASSERT_FALSE(code.empty());
  std::string secret = SecretHex(code);
  EXPECT_TRUE(server_->Authenticate(NewClient(), "~invite:abc", "~invite", secret.c_str(), "a"));
  EXPECT_FALSE(server_->Authenticate(NewClient(), "~invite", "~invite", secret.c_str(), "a"));
  EXPECT_FALSE(server_->Authenticate(NewClient(), "admin", "~invite", secret.c_str(), "a"));
  std::string wrong = crypto::ToHex(crypto::RandomBytes(16));
  EXPECT_FALSE(server_->Authenticate(NewClient(), "~invite:abc", "~invite", wrong.c_str(), "a"));
  // Expired.
  now_ += options_.invite_ttl_s * 1000;
  EXPECT_FALSE(server_->Authenticate(NewClient(), "~invite:abc", "~invite", secret.c_str(), "b"));
  now_ -= options_.invite_ttl_s * 1000;
  // Used up by registering.
  Admin();
  EXPECT_FALSE(server_->Authenticate(NewClient(), "~invite:abc", "~invite", secret.c_str(), "c"));
}

TEST_F(AuthTest, LockoutAfterFiveFailuresDoublingAndResetOnSuccess) {
  Open();
  testing::TestUser& bob = AddUser("bob");
  std::string good = crypto::ToHex(bob.auth_key);
  std::string bad = crypto::ToHex(crypto::RandomBytes(32));
  int address = 0;
  auto fresh_address = [&address] { return "10.1.0." + std::to_string(++address); };
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(TryLogin("bob", "bob", bad, fresh_address()));
  // Locked for 2 s: even the right key is refused without checking.
  EXPECT_FALSE(TryLogin("bob", "bob", good, fresh_address()));
  now_ += 1999;
  EXPECT_FALSE(TryLogin("bob", "bob", good, fresh_address()));
  now_ += 1;
  // A sixth failure locks for 4 s.
  EXPECT_FALSE(TryLogin("bob", "bob", bad, fresh_address()));
  now_ += 3999;
  EXPECT_FALSE(TryLogin("bob", "bob", good, fresh_address()));
  now_ += 1;
  EXPECT_TRUE(TryLogin("bob", "bob", good, fresh_address()));
  // The success reset the account's count.
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(TryLogin("bob", "bob", bad, fresh_address()));
  EXPECT_TRUE(TryLogin("bob", "bob", good, fresh_address()));
}

TEST_F(AuthTest, LockoutPerAddress) {
  Open();
  testing::TestUser& bob = AddUser("bob");
  std::string bad = crypto::ToHex(crypto::RandomBytes(32));
  // Fewer than 20 failures from one address (a household behind one router)
  // do not lock out the others on it.
  for (int i = 0; i < Lockout::kAddressFreeFailures - 1; ++i) {
    EXPECT_FALSE(TryLogin("user" + std::to_string(i), "user" + std::to_string(i), bad, "6.6.6.6"));
  }
  EXPECT_TRUE(TryLogin("bob", "bob", crypto::ToHex(bob.auth_key), "6.6.6.6"));
  EXPECT_FALSE(TryLogin("user99", "user99", bad, "6.6.6.6"));
  EXPECT_FALSE(TryLogin("bob", "bob", crypto::ToHex(bob.auth_key), "6.6.6.6"));
  EXPECT_TRUE(TryLogin("bob", "bob", crypto::ToHex(bob.auth_key), "7.7.7.7"));
}

TEST_F(AuthTest, LockedAccountDoesNotLockOutOthers) {
  Open();
  testing::TestUser& bob = AddUser("bob");
  testing::TestUser& carol = AddUser("carol");
  std::string bad = crypto::ToHex(crypto::RandomBytes(32));
  // bob's account is locked from one address...
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(TryLogin("bob", "bob", bad, "6.6.6.6"));
  EXPECT_FALSE(TryLogin("bob", "bob", crypto::ToHex(bob.auth_key), "6.6.6.6"));
  EXPECT_FALSE(TryLogin("bob", "bob", crypto::ToHex(bob.auth_key), "7.7.7.7"));
  // ...carol still logs in, from the same address and from another one.
  EXPECT_TRUE(TryLogin("carol", "carol", crypto::ToHex(carol.auth_key), "6.6.6.6"));
  EXPECT_TRUE(TryLogin("carol", "carol", crypto::ToHex(carol.auth_key), "7.7.7.7"));
}

TEST(LockoutTest, DoublesUpToFifteenMinutes) {
  Lockout lockout;
  uint64_t now = 1000;
  for (int i = 0; i < 4; ++i) lockout.Failure("k", now);
  EXPECT_TRUE(lockout.Allowed("k", now));
  lockout.Failure("k", now);
  EXPECT_EQ(lockout.LockedUntil("k"), now + 2000);
  uint64_t lock = 2000;
  for (int i = 0; i < 20; ++i) {
    now = lockout.LockedUntil("k");
    lockout.Failure("k", now);
    lock = std::min<uint64_t>(lock * 2, Lockout::kMaxLockMs);
    EXPECT_EQ(lockout.LockedUntil("k"), now + lock) << i;
  }
  EXPECT_EQ(lock, Lockout::kMaxLockMs);
  lockout.Success("k");
  EXPECT_TRUE(lockout.Allowed("k", now));
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
