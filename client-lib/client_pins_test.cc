// Peer key pinning: first sight pins, a changed key is refused until trusted.
#include <gtest/gtest.h>

#include "fake_server.h"
#include "foyer/client.h"
#include "peer_keys.h"
#include "test_util.h"

namespace foyer {
namespace client {
namespace {

TEST(PeerKeysTest, PinsOnFirstSightAndFlagsChanges) {
  crypto::Init();
  MemoryKeyPins pins;
  PeerKeys keys(&pins);
  const std::string x1 = crypto::RandomBytes(32), e1 = crypto::RandomBytes(32);
  ASSERT_TRUE(keys.Observe("bob", x1, e1, "member").ok());
  EXPECT_EQ(pins.Load().at("bob"), crypto::Fingerprint(e1, x1));
  PeerKey key;
  EXPECT_TRUE(keys.Usable("bob", &key).ok());

  PeerKeys later(&pins);  // a new session with the saved pins
  const std::string x2 = crypto::RandomBytes(32), e2 = crypto::RandomBytes(32);
  ASSERT_TRUE(later.Observe("bob", x2, e2, "").ok());
  EXPECT_EQ(later.Usable("bob", &key).code(), Status::Code::kDenied);
  EXPECT_EQ(pins.Load().at("bob"), crypto::Fingerprint(e1, x1));  // not silently replaced
  ASSERT_TRUE(later.Trust("bob").ok());
  ASSERT_TRUE(later.Usable("bob", &key).ok());
  EXPECT_EQ(key.ed25519, e2);
  EXPECT_EQ(pins.Load().at("bob"), crypto::Fingerprint(e2, x2));
  EXPECT_EQ(later.Usable("carol", &key).code(), Status::Code::kNotFound);
}

TEST(ClientPinsTest, ChangedPeerKeyIsRefusedUntilTrusted) {
  FakeServer server;
  Credentials alice = server.AddDevice("alice");
  Credentials bob = server.AddDevice("bob");
  MemoryKeyPins alice_pins;
  std::unique_ptr<Client> client;
  ASSERT_TRUE(Client::Connect(FakeOptions(&server, &alice_pins), CopyCredentials(alice), &client)
                  .ok());
  std::string conv;
  ASSERT_TRUE(client->CreateConversation("", {"bob"}, &conv).ok());
  std::string first;
  ASSERT_TRUE(client->Fingerprint("bob", &first).ok());
  std::unique_ptr<Client> bob_client;
  ASSERT_TRUE(Client::Connect(FakeOptions(&server), CopyCredentials(bob), &bob_client).ok());
  Message sent;
  ASSERT_TRUE(bob_client->Send(conv, "signed by the pinned key", "", &sent).ok());
  bob_client.reset();
  client.reset();

  // The server now publishes other keys for bob: alice's next session sees it.
  server.ReplaceKeys("bob");
  ASSERT_TRUE(Client::Connect(FakeOptions(&server, &alice_pins), CopyCredentials(alice), &client)
                  .ok());
  Collector alice_inbox(client.get());
  std::string now;
  PinState pin = PinState::kPinned;
  ASSERT_TRUE(client->Fingerprint("bob", &now, &pin).ok());
  EXPECT_NE(now, first);
  EXPECT_EQ(pin, PinState::kChanged);

  // No key envelope goes to the changed key...
  std::string other;
  EXPECT_EQ(client->CreateConversation("", {"bob"}, &other).code(), Status::Code::kDenied);
  EXPECT_EQ(client->Rotate(conv).code(), Status::Code::kDenied);

  // ...and messages from bob are reported, not shown.
  server.Inject(conv, server.Stored(conv)[0].dump());
  ASSERT_TRUE(alice_inbox.WaitFor(0, 1));
  server.Flush();
  EXPECT_TRUE(alice_inbox.messages().empty());
  EXPECT_EQ(alice_inbox.errors()[0].sender, "bob");
  EXPECT_EQ(alice_inbox.errors()[0].status.code(), Status::Code::kDenied);

  std::vector<UserInfo> users;
  ASSERT_TRUE(client->Users(&users).ok());
  bool flagged = false;
  for (const auto& user : users) flagged |= user.name == "bob" && user.pin == PinState::kChanged;
  EXPECT_TRUE(flagged);

  ASSERT_TRUE(client->Trust("bob").ok());
  ASSERT_TRUE(client->Fingerprint("bob", &now, &pin).ok());
  EXPECT_EQ(pin, PinState::kPinned);
  EXPECT_EQ(alice_pins.Load().at("bob"), now);
  EXPECT_TRUE(client->CreateConversation("", {"bob"}, &other).ok());
}

}  // namespace
}  // namespace client
}  // namespace foyer
