// The ACL as a pure function (docs/protocol.md §6), and through the Server.
#include "acl.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

#include "plugin_test_util.h"
#include "server.h"

namespace foyer {
namespace plugin {
namespace {

using testing::Json;

const std::string kMine = "00112233445566778899aabbccddeeff";
const std::string kOther = "ffeeddccbbaa99887766554433221100";

bool Allows(const AclSubject& subject, const std::string& topic, int access,
            bool retain = false) {
  return AclAllows(subject, topic, access, retain,
                   [](std::string_view conv) { return conv == kMine; });
}

TEST(AclTest, MemberSubscriptions) {
  AclSubject alice{false, "alice"};
  for (const char* kind : {"m", "e", "+", "#"}) {
    EXPECT_TRUE(Allows(alice, "foyer/c/" + kMine + "/" + kind, kAccessSubscribe)) << kind;
    EXPECT_FALSE(Allows(alice, "foyer/c/" + kOther + "/" + kind, kAccessSubscribe)) << kind;
  }
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/send", kAccessSubscribe));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/signal", kAccessSubscribe));
  EXPECT_TRUE(Allows(alice, "foyer/u/alice/inbox", kAccessSubscribe));
  EXPECT_TRUE(Allows(alice, "foyer/u/alice/#", kAccessSubscribe));
  EXPECT_FALSE(Allows(alice, "foyer/u/bob/inbox", kAccessSubscribe));
  EXPECT_FALSE(Allows(alice, "foyer/u/+/inbox", kAccessSubscribe));
  EXPECT_TRUE(Allows(alice, "foyer/p/+", kAccessSubscribe));
  EXPECT_TRUE(Allows(alice, "foyer/p/#", kAccessSubscribe));
  EXPECT_TRUE(Allows(alice, "foyer/p/bob", kAccessSubscribe));
}

TEST(AclTest, WildcardsAndSystemTopicsAreRefused) {
  AclSubject alice{false, "alice"};
  for (const char* filter : {"#", "+/#", "foyer/#", "foyer/c/+/m", "foyer/c/#", "foyer/+/alice/inbox",
                             "$SYS/#", "$SYS/broker/uptime", "$CONTROL/foyer/v1",
                             "$CONTROL/foyer/v1/response", "$CONTROL/#", "foyer/u/alice/+/x"}) {
    EXPECT_FALSE(Allows(alice, filter, kAccessSubscribe)) << filter;
  }
}

TEST(AclTest, SharedSubscriptionsAreJudgedOnTheirFilter) {
  AclSubject alice{false, "alice"};
  EXPECT_TRUE(Allows(alice, "$share/g/foyer/c/" + kMine + "/m", kAccessSubscribe));
  EXPECT_FALSE(Allows(alice, "$share/g/foyer/c/" + kOther + "/m", kAccessSubscribe));
  EXPECT_FALSE(Allows(alice, "$share/g/#", kAccessSubscribe));
  EXPECT_FALSE(Allows(alice, "$share//foyer/p/+", kAccessSubscribe));
  EXPECT_FALSE(Allows(alice, "$share/+/foyer/p/+", kAccessSubscribe));
  EXPECT_TRUE(Allows(alice, "$share/g/foyer/p/+", kAccessSubscribe));
}

TEST(AclTest, ReadFollowsMembership) {
  AclSubject alice{false, "alice"};
  EXPECT_TRUE(Allows(alice, "foyer/c/" + kMine + "/m", kAccessRead));
  EXPECT_TRUE(Allows(alice, "foyer/c/" + kMine + "/e", kAccessRead));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kOther + "/m", kAccessRead));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/send", kAccessRead));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/signal", kAccessRead));
  EXPECT_TRUE(Allows(alice, "foyer/u/alice/inbox", kAccessRead));
  EXPECT_FALSE(Allows(alice, "foyer/u/bob/inbox", kAccessRead));
  EXPECT_TRUE(Allows(alice, "foyer/p/bob", kAccessRead));
  EXPECT_TRUE(Allows(alice, "foyer/p/bob", kAccessRead, true));
  EXPECT_TRUE(Allows(alice, "$CONTROL/foyer/v1/response", kAccessRead));
  EXPECT_FALSE(Allows(alice, "$SYS/broker/uptime", kAccessRead));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/m", kAccessRead, true));
}

TEST(AclTest, WriteOnlySendSignalPresenceAndRequests) {
  AclSubject alice{false, "alice"};
  EXPECT_TRUE(Allows(alice, "foyer/c/" + kMine + "/send", kAccessWrite));
  EXPECT_TRUE(Allows(alice, "foyer/c/" + kMine + "/signal", kAccessWrite));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kOther + "/send", kAccessWrite));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/m", kAccessWrite));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/e", kAccessWrite));
  EXPECT_FALSE(Allows(alice, "foyer/u/alice/inbox", kAccessWrite));
  EXPECT_TRUE(Allows(alice, "foyer/p/alice", kAccessWrite));
  EXPECT_FALSE(Allows(alice, "foyer/p/bob", kAccessWrite));
  EXPECT_TRUE(Allows(alice, "$CONTROL/foyer/v1", kAccessWrite));
  EXPECT_FALSE(Allows(alice, "$CONTROL/foyer/v1/response", kAccessWrite));
  EXPECT_FALSE(Allows(alice, "$CONTROL/dynamic-security/v1", kAccessWrite));
  EXPECT_FALSE(Allows(alice, "$SYS/broker/x", kAccessWrite));
}

TEST(AclTest, RetainedOnlyOnOwnPresence) {
  AclSubject alice{false, "alice"};
  EXPECT_TRUE(Allows(alice, "foyer/p/alice", kAccessWrite, true));
  EXPECT_FALSE(Allows(alice, "foyer/p/bob", kAccessWrite, true));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/send", kAccessWrite, true));
  EXPECT_FALSE(Allows(alice, "foyer/c/" + kMine + "/signal", kAccessWrite, true));
  EXPECT_FALSE(Allows(alice, "$CONTROL/foyer/v1", kAccessWrite, true));
}

TEST(AclTest, InviteSessionOnlyRequestsAndResponses) {
  AclSubject invite{true, "~invite"};
  EXPECT_TRUE(Allows(invite, "$CONTROL/foyer/v1", kAccessWrite));
  EXPECT_FALSE(Allows(invite, "$CONTROL/foyer/v1", kAccessWrite, true));
  EXPECT_TRUE(Allows(invite, "$CONTROL/foyer/v1/response", kAccessRead));
  EXPECT_FALSE(Allows(invite, "foyer/p/+", kAccessSubscribe));
  EXPECT_FALSE(Allows(invite, "foyer/p/alice", kAccessRead));
  EXPECT_FALSE(Allows(invite, "foyer/c/" + kMine + "/send", kAccessWrite));
  EXPECT_FALSE(Allows(invite, "foyer/p/~invite", kAccessWrite));
  EXPECT_TRUE(Allows(invite, "anything", kAccessUnsubscribe));
}

TEST(AclTest, UnsubscribeAlwaysAllowed) {
  AclSubject alice{false, "alice"};
  EXPECT_TRUE(Allows(alice, "#", kAccessUnsubscribe));
  EXPECT_FALSE(Allows(alice, "foyer/p/alice", 16));
}

using ServerAclTest = testing::ServerTest;

TEST_F(ServerAclTest, UnknownClientIsDenied) {
  Open();
  const void* stranger = NewClient();
  EXPECT_FALSE(server_->CheckAcl(stranger, "foyer/p/+", kAccessSubscribe, false));
  EXPECT_FALSE(server_->CheckAcl(stranger, "$CONTROL/foyer/v1", kAccessWrite, false));
}

TEST_F(ServerAclTest, MembershipDecidesAtEachDelivery) {
  Open();
  testing::TestUser& admin = Admin();
  testing::TestUser& bob = AddUser("bob");
  testing::TestUser& carol = AddUser("carol");
  std::string conv = CreateConv(admin, {"admin", "bob"});
  std::string topic = "foyer/c/" + conv + "/m";
  EXPECT_TRUE(server_->CheckAcl(bob.client, topic, kAccessRead, false));
  EXPECT_TRUE(server_->CheckAcl(bob.client, "foyer/c/" + conv + "/#", kAccessSubscribe, false));
  EXPECT_FALSE(server_->CheckAcl(carol.client, topic, kAccessRead, false));
  EXPECT_FALSE(server_->CheckAcl(carol.client, "foyer/c/" + conv + "/send", kAccessWrite, false));
  EXPECT_TRUE(server_->CheckAcl(admin.client, "foyer/p/admin", kAccessWrite, true));
  EXPECT_FALSE(server_->CheckAcl(admin.client, "foyer/p/bob", kAccessWrite, true));
}

TEST(AclTest, PresencePayloads) {
  EXPECT_TRUE(ValidPresencePayload(R"({"state":"online","time":1})"));
  EXPECT_TRUE(ValidPresencePayload(R"({"state":"offline"})"));
  EXPECT_TRUE(ValidPresencePayload(""));  // clears the retained state
  EXPECT_FALSE(ValidPresencePayload(R"({"state":"away"})"));
  EXPECT_FALSE(ValidPresencePayload(R"(["online"])"));
  EXPECT_FALSE(ValidPresencePayload("online"));
  EXPECT_FALSE(ValidPresencePayload(R"({"state":"online","pad":")" + std::string(300, 'x') +
                                    "\"}"));
}

// Wills (after DISCONNECT) and retained messages (check_retain_source) are
// checked for a client without a session: only one's own valid presence.
TEST_F(ServerAclTest, SessionlessWriteIsOnlyOwnValidPresenceOfAnEnabledAccount) {
  Open();
  testing::TestUser& admin = Admin();
  AddUser("bob");
  std::string conv = CreateConv(admin, {"admin", "bob"});
  const std::string offline = R"({"state":"offline","time":1})";
  EXPECT_TRUE(server_->CheckSessionlessWrite("bob", "foyer/p/bob", offline));
  EXPECT_FALSE(server_->CheckSessionlessWrite("bob", "foyer/p/admin", offline));
  EXPECT_FALSE(server_->CheckSessionlessWrite("bob", "foyer/p/bob", "not presence"));
  EXPECT_FALSE(server_->CheckSessionlessWrite("bob", "foyer/c/" + conv + "/send", offline));
  EXPECT_FALSE(server_->CheckSessionlessWrite("bob", "foyer/c/" + conv + "/m", offline));
  EXPECT_FALSE(server_->CheckSessionlessWrite("bob", "foyer/u/bob/inbox", offline));
  EXPECT_FALSE(server_->CheckSessionlessWrite("nobody", "foyer/p/nobody", offline));
  EXPECT_FALSE(server_->CheckSessionlessWrite("~invite", "foyer/p/~invite", offline));
  EXPECT_FALSE(server_->CheckSessionlessWrite("~gateway", "foyer/p/~gateway", offline));
  EXPECT_EQ(Request(admin, Json{{"op", "user_disable"}, {"name", "bob"}})["ok"], true);
  EXPECT_FALSE(server_->CheckSessionlessWrite("bob", "foyer/p/bob", offline));
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
