// Scenario 1: the admin registers from the bootstrap invite and invites the
// family; each invite works once; wrong, reused and expired codes and wrong
// passwords are refused.
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "household.h"

namespace foyer_test {
namespace {

class InviteRegisterTest : public BrokerFixture {};

TEST_F(InviteRegisterTest, AdminInvitesFamilyAndEachInviteWorksOnce) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  for (const char* name : {"alice", "bob", "carol"}) {
    ASSERT_NO_FATAL_FAILURE(house.Join(name)) << name;
  }
  // Every registered person can log in with his password.
  for (const char* name : {"admin", "alice", "bob", "carol"}) {
    ProcessResult result = house.user(name).Run({"conv", "list"});
    EXPECT_EQ(result.exit_code, 0) << name << " conv list: " << Describe(result);
  }
  // Only an admin may invite.
  ProcessResult member_invite = house.user("alice").Run({"invite", "dave"});
  EXPECT_EQ(member_invite.exit_code, 1) << "a member could invite: " << Describe(member_invite);
  EXPECT_NE(member_invite.err.find("denied"), std::string::npos) << Describe(member_invite);
  EXPECT_EQ(member_invite.out.find_first_not_of(" \r\n"), std::string::npos)
      << "a refused invite printed a code: " << member_invite.out;

  // A used invite cannot be used again, from a fresh home.
  CliUser second_admin(Household::kAdminName, "another password entirely",
                       temp_dir() + "/home-admin-again", server_url());
  ProcessResult reuse = second_admin.Run({"register", "--invite", admin_invite()});
  EXPECT_EQ(reuse.exit_code, 1) << "the bootstrap invite worked twice: " << Describe(reuse);
  EXPECT_NE(reuse.err.find("expired"), std::string::npos) << Describe(reuse);

  std::string dave_code = house.admin().Invite("dave");
  const CliUser& dave = house.MakeUser("dave");
  ASSERT_NO_FATAL_FAILURE(dave.Register(dave_code));
  CliUser dave_again("dave", "not dave's password", temp_dir() + "/home-dave-again",
                     server_url());
  ProcessResult dave_reuse = dave_again.Run({"register", "--invite", dave_code});
  EXPECT_EQ(dave_reuse.exit_code, 1) << "dave's invite worked twice: " << Describe(dave_reuse);
  EXPECT_NE(dave_reuse.err.find("expired"), std::string::npos) << Describe(dave_reuse);
}

TEST_F(InviteRegisterTest, WrongCodesAndWrongPasswordsAreRefused) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  std::string real_code = house.admin().Invite("erin");
  ASSERT_EQ(real_code.size(), 44u);

  // A well-formed code for this household with a wrong secret.
  std::string forged =
      foyer::protocol::EncodeInviteCode(house.household_raw(), foyer::crypto::RandomBytes(16));
  const CliUser& erin = house.MakeUser("erin");
  ProcessResult wrong = erin.Run({"register", "--invite", forged});
  EXPECT_EQ(wrong.exit_code, 1) << "a forged invite code worked: " << Describe(wrong);
  EXPECT_NE(wrong.err.find("expired"), std::string::npos) << Describe(wrong);
  ProcessResult garbage = erin.Run({"register", "--invite", "not-an-invite-code"});
  EXPECT_EQ(garbage.exit_code, 1) << "garbage worked as an invite: " << Describe(garbage);

  // The real code still works after the failed tries.
  ASSERT_NO_FATAL_FAILURE(erin.Register(real_code));
  EXPECT_EQ(erin.Run({"conv", "list"}).exit_code, 0);

  // A wrong password cannot log in, from a fresh home (told the household)...
  CliUser impostor("erin", "a wrong password", temp_dir() + "/home-erin-impostor", server_url());
  ProcessResult bad_login = impostor.Run(
      {"--household", foyer::crypto::ToHex(house.household_raw()), "conv", "list"});
  EXPECT_EQ(bad_login.exit_code, 1) << "a wrong password logged in: " << Describe(bad_login);
  EXPECT_NE(bad_login.err.find("denied"), std::string::npos)
      << "refused for another reason than the login: " << Describe(bad_login);
  // ...nor from erin's own home.
  CliUser erin_wrong("erin", "a wrong password", erin.home(), server_url());
  ProcessResult bad_login_home = erin_wrong.Run({"conv", "list"});
  EXPECT_EQ(bad_login_home.exit_code, 1)
      << "a wrong password logged in from the user's home: " << Describe(bad_login_home);
  EXPECT_NE(bad_login_home.err.find("denied"), std::string::npos) << Describe(bad_login_home);
}

class ExpiredInviteTest : public BrokerFixture {
 protected:
  void SetUp() override {
    Prepare();
    SetPluginOption("invite_ttl", "60");  // the shortest lifetime allowed
    StartBroker();
  }
};

TEST_F(ExpiredInviteTest, ExpiredInviteIsRefused) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  std::string code = house.admin().Invite("frank");
  ASSERT_EQ(code.size(), 44u);
  std::this_thread::sleep_for(std::chrono::seconds(63));
  const CliUser& frank = house.MakeUser("frank");
  ProcessResult late = frank.Run({"register", "--invite", code});
  EXPECT_EQ(late.exit_code, 1) << "an expired invite worked: " << Describe(late);
  EXPECT_NE(late.err.find("expired"), std::string::npos) << Describe(late);
}

}  // namespace
}  // namespace foyer_test
