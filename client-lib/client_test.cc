// Client over the fake transport: login, conversations, send and receive,
// outbox, de-duplication, tampering.
#include "foyer/client.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "fake_server.h"
#include "foyer/protocol.h"
#include "test_util.h"

namespace foyer {
namespace client {
namespace {

class ClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_credentials_ = server_.AddDevice("alice", "admin");
    bob_credentials_ = server_.AddDevice("bob");
  }

  std::unique_ptr<Client> Connect(const Credentials& credentials, KeyPins* pins = nullptr,
                                  int timeout_ms = 2000) {
    std::unique_ptr<Client> client;
    Status status = Client::Connect(FakeOptions(&server_, pins, timeout_ms),
                                    CopyCredentials(credentials), &client);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return client;
  }

  FakeServer server_;
  Credentials alice_credentials_;
  Credentials bob_credentials_;
};

TEST_F(ClientTest, ConnectRefusesWrongCredentials) {
  Credentials wrong = CopyCredentials(alice_credentials_);
  wrong.auth_key = crypto::Secret::Random(32);
  std::unique_ptr<Client> client;
  Status status = Client::Connect(FakeOptions(&server_), std::move(wrong), &client);
  EXPECT_EQ(status.code(), Status::Code::kDenied);
  EXPECT_EQ(client, nullptr);
}

TEST_F(ClientTest, ConnectRefusesABundleThatDoesNotOpen) {
  Credentials wrong = CopyCredentials(alice_credentials_);
  wrong.kek = crypto::Secret::Random(32);
  std::unique_ptr<Client> client;
  Status status = Client::Connect(FakeOptions(&server_), std::move(wrong), &client);
  EXPECT_EQ(status.code(), Status::Code::kCorruption) << status.ToString();
}

TEST_F(ClientTest, ConnectRefusesPublishedKeysThatDifferFromTheBundle) {
  server_.ReplaceKeys("alice");
  std::unique_ptr<Client> client;
  Status status =
      Client::Connect(FakeOptions(&server_), CopyCredentials(alice_credentials_), &client);
  EXPECT_EQ(status.code(), Status::Code::kCorruption) << status.ToString();
}

TEST_F(ClientTest, SendIsStampedAndDeliveredToTheOtherMember) {
  auto alice = Connect(alice_credentials_);
  auto bob = Connect(bob_credentials_);
  Collector bob_inbox(bob.get());
  std::string conv;
  ASSERT_TRUE(alice->CreateConversation("Dinner", {"bob"}, &conv).ok());
  ASSERT_TRUE(protocol::ValidHexId(conv));

  // Bob learns of the conversation from his inbox and subscribes.
  std::vector<Conversation> convs;
  for (int i = 0; i < 100 && convs.empty(); ++i) {
    server_.Flush();
    ASSERT_TRUE(bob->ListConversations(&convs).ok());
  }
  ASSERT_EQ(convs.size(), 1u);
  EXPECT_EQ(convs[0].title, "Dinner");
  EXPECT_TRUE(convs[0].title_ok);
  EXPECT_EQ(convs[0].members, (std::vector<std::string>{"alice", "bob"}));
  server_.Flush();

  Message sent;
  Status status = alice->Send(conv, "Bonjour !", "", &sent);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(sent.seq, 1u);
  EXPECT_GT(sent.time, 0u);
  EXPECT_EQ(alice->OutboxSize(), 0u);

  Message reply;
  ASSERT_TRUE(bob->Send(conv, "Oui", sent.cmid, &reply).ok());
  EXPECT_EQ(reply.seq, 2u);

  ASSERT_TRUE(bob_inbox.WaitFor(2, 0));
  auto messages = bob_inbox.messages();
  EXPECT_EQ(messages[0].sender, "alice");
  EXPECT_EQ(messages[0].text, "Bonjour !");
  EXPECT_EQ(messages[0].seq, 1u);
  EXPECT_EQ(messages[0].cmid, sent.cmid);
  EXPECT_EQ(messages[1].reply_to, sent.cmid);
  EXPECT_TRUE(bob_inbox.errors().empty());

  HistoryPage page;
  ASSERT_TRUE(alice->History(conv, 0, 50, &page).ok());
  ASSERT_EQ(page.messages.size(), 2u);
  EXPECT_EQ(page.messages[1].text, "Oui");
  EXPECT_TRUE(page.errors.empty());
}

TEST_F(ClientTest, RequestTimesOutWhenTheServerDoesNotAnswer) {
  auto alice = Connect(alice_credentials_, nullptr, 300);
  server_.drop_responses = true;
  Identity identity;
  Status status = alice->Whoami(&identity);
  EXPECT_TRUE(IsTimeout(status)) << status.ToString();
  server_.drop_responses = false;
  ASSERT_TRUE(alice->Whoami(&identity).ok());
  EXPECT_EQ(identity.user, "alice");
  EXPECT_EQ(identity.role, "admin");
}

TEST_F(ClientTest, OutboxIsPublishedAgainAfterReconnect) {
  auto alice = Connect(alice_credentials_, nullptr, 300);
  auto bob = Connect(bob_credentials_);
  Collector bob_inbox(bob.get());
  std::string conv;
  ASSERT_TRUE(alice->CreateConversation("", {"bob"}, &conv).ok());
  server_.Flush();

  server_.drop_sends = true;  // acked but lost, as in a broker crash
  Message sent;
  Status status = alice->Send(conv, "lost once", "", &sent);
  EXPECT_TRUE(IsTimeout(status)) << status.ToString();
  EXPECT_EQ(alice->OutboxSize(), 1u);
  EXPECT_TRUE(server_.Stored(conv).empty());

  server_.drop_sends = false;
  server_.DropAndReconnect("alice");
  ASSERT_TRUE(bob_inbox.WaitFor(1, 0));
  EXPECT_EQ(bob_inbox.messages()[0].text, "lost once");
  server_.Flush();
  EXPECT_EQ(alice->OutboxSize(), 0u);
  EXPECT_EQ(server_.Stored(conv).size(), 1u);
}

TEST_F(ClientTest, DuplicateDeliveriesAreShownOnce) {
  auto alice = Connect(alice_credentials_);
  std::string conv;
  ASSERT_TRUE(alice->CreateConversation("", {"bob"}, &conv).ok());
  auto bob = Connect(bob_credentials_);  // subscribes at login
  Collector bob_inbox(bob.get());
  Message sent;
  ASSERT_TRUE(alice->Send(conv, "once", "", &sent).ok());
  ASSERT_TRUE(bob_inbox.WaitFor(1, 0));
  const std::string stored = server_.Stored(conv)[0].dump();
  server_.Inject(conv, stored);
  server_.Inject(conv, stored);
  ASSERT_TRUE(alice->Send(conv, "twice", "", &sent).ok());
  ASSERT_TRUE(bob_inbox.WaitFor(2, 0));
  server_.Flush();
  auto messages = bob_inbox.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0].text, "once");
  EXPECT_EQ(messages[1].text, "twice");
}

TEST_F(ClientTest, TamperedEnvelopesAreReportedNotDelivered) {
  auto alice = Connect(alice_credentials_);
  std::string conv;
  ASSERT_TRUE(alice->CreateConversation("", {"bob"}, &conv).ok());
  auto bob = Connect(bob_credentials_);
  Collector bob_inbox(bob.get());
  Message sent;
  ASSERT_TRUE(alice->Send(conv, "original", "", &sent).ok());
  ASSERT_TRUE(bob_inbox.WaitFor(1, 0));

  nlohmann::json tampered = server_.Stored(conv)[0];
  std::string body;
  ASSERT_TRUE(crypto::FromBase64(tampered["body"].get<std::string>(), &body));
  body[0] ^= 1;
  tampered["body"] = crypto::ToBase64(body);
  tampered["seq"] = 2;
  server_.Inject(conv, tampered.dump());

  nlohmann::json forged_sender = server_.Stored(conv)[0];
  forged_sender["seq"] = 3;
  forged_sender["from"] = "bob";  // signed by alice, claimed by bob
  server_.Inject(conv, forged_sender.dump());

  ASSERT_TRUE(bob_inbox.WaitFor(1, 2));
  server_.Flush();
  EXPECT_EQ(bob_inbox.messages().size(), 1u);
  auto errors = bob_inbox.errors();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].seq, 2u);
  EXPECT_EQ(errors[0].status.code(), Status::Code::kDenied);
  EXPECT_EQ(errors[1].seq, 3u);
  EXPECT_EQ(errors[1].sender, "bob");
}

TEST_F(ClientTest, RemovedMemberCannotReadTheNewEpoch) {
  Credentials carol_credentials = server_.AddDevice("carol");
  auto alice = Connect(alice_credentials_);
  std::string conv;
  ASSERT_TRUE(alice->CreateConversation("Trio", {"bob", "carol"}, &conv).ok());
  ASSERT_TRUE(alice->RemoveMember(conv, "carol").ok());
  std::vector<Conversation> convs;
  ASSERT_TRUE(alice->ListConversations(&convs).ok());
  ASSERT_EQ(convs.size(), 1u);
  EXPECT_EQ(convs[0].epoch, 2u);
  EXPECT_EQ(convs[0].title, "Trio");  // re-encrypted under epoch 2
  EXPECT_EQ(convs[0].members, (std::vector<std::string>{"alice", "bob"}));

  auto bob = Connect(bob_credentials_);
  Collector bob_inbox(bob.get());
  Message sent;
  ASSERT_TRUE(alice->Send(conv, "after carol", "", &sent).ok());
  EXPECT_EQ(sent.epoch, 2u);
  ASSERT_TRUE(bob_inbox.WaitFor(1, 0));
  EXPECT_EQ(bob_inbox.messages()[0].text, "after carol");
}

TEST_F(ClientTest, AddingWithoutHistoryStartsAnEpochAddingWithSharesTheKeys) {
  Credentials carol_credentials = server_.AddDevice("carol");
  Credentials dave_credentials = server_.AddDevice("dave");
  auto alice = Connect(alice_credentials_);
  std::string conv;
  ASSERT_TRUE(alice->CreateConversation("Club", {"bob"}, &conv).ok());
  Message sent;
  ASSERT_TRUE(alice->Send(conv, "early", "", &sent).ok());
  ASSERT_TRUE(alice->AddMember(conv, "carol", /*share_history=*/true).ok());
  ASSERT_TRUE(alice->AddMember(conv, "dave", /*share_history=*/false).ok());

  auto carol = Connect(carol_credentials);
  HistoryPage carol_page;
  ASSERT_TRUE(carol->History(conv, 0, 50, &carol_page).ok());
  ASSERT_EQ(carol_page.messages.size(), 1u);
  EXPECT_EQ(carol_page.messages[0].text, "early");

  auto dave = Connect(dave_credentials);
  HistoryPage dave_page;
  ASSERT_TRUE(dave->History(conv, 0, 50, &dave_page).ok());
  EXPECT_TRUE(dave_page.messages.empty());
  ASSERT_EQ(dave_page.errors.size(), 1u);  // the fake hands out every message
  std::vector<Conversation> convs;
  ASSERT_TRUE(dave->ListConversations(&convs).ok());
  EXPECT_EQ(convs[0].epoch, 2u);
  EXPECT_EQ(convs[0].title, "Club");
}

TEST_F(ClientTest, ALeaveMakesTheNextSenderRotate) {
  auto alice = Connect(alice_credentials_);
  auto bob = Connect(bob_credentials_);
  std::string conv;
  ASSERT_TRUE(alice->CreateConversation("", {"bob"}, &conv).ok());
  server_.Flush();
  ASSERT_TRUE(bob->Leave(conv).ok());
  server_.Flush();
  Message sent;
  Status status = alice->Send(conv, "alone now", "", &sent);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(sent.epoch, 2u);
  Message refused;
  EXPECT_EQ(bob->Send(conv, "still here?", "", &refused).code(), Status::Code::kNotFound);
}

TEST_F(ClientTest, RegistersADevice) {
  const std::string code = server_.AddInvite("sensor", "device");
  Registration registration;
  Status status = Register(FakeOptions(&server_), code, "", &registration);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(registration.user, "sensor");
  EXPECT_EQ(registration.role, "device");
  EXPECT_EQ(registration.credentials.auth_key.size(), 32u);
  std::unique_ptr<Client> client;
  ASSERT_TRUE(Client::Connect(FakeOptions(&server_), std::move(registration.credentials), &client)
                  .ok());
  EXPECT_EQ(client->user(), "sensor");
  EXPECT_EQ(Register(FakeOptions(&server_), "not-a-code", "", &registration).code(),
            Status::Code::kInvalid);
}

// foyer-cli died with SIGSEGV at exit when inbox events kept its dispatch
// thread busy: the Client closed the transport (freeing the Paho client)
// while that thread still made requests with it. Destroy clients while
// another user keeps adding them to conversations, writing in them and
// removing them.
TEST_F(ClientTest, DestroyingAClientUnderInboundTrafficLeavesTheTransportAlone) {
  std::unique_ptr<Client> bob = Connect(bob_credentials_);
  ASSERT_NE(bob, nullptr);
  std::atomic<bool> stop{false};
  std::thread traffic([&] {
    int round = 0;
    while (!stop) {
      std::string conv;
      if (!bob->CreateConversation("round " + std::to_string(round++), {"alice"}, &conv).ok()) {
        continue;
      }
      Message sent;
      bob->Send(conv, "busy", "", &sent);
      // Keep the lists short: alice hears conv_added, then conv_removed.
      bob->RemoveMember(conv, "alice");
      bob->Leave(conv);
    }
  });
  for (int i = 0; i < 60 && server_.late_calls == 0; ++i) {
    std::unique_ptr<Client> alice = Connect(alice_credentials_);
    if (alice == nullptr) break;  // Connect reported the failure
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + i % 7));
    alice.reset();
  }
  EXPECT_EQ(server_.late_calls, 0) << "the transport was used after its Disconnect began";
  stop = true;
  traffic.join();
}

}  // namespace
}  // namespace client
}  // namespace foyer
