// A client with many epoch keys, and failures on the threads a client does
// not let an exception leave: the transport's (Paho's) thread and the
// dispatch thread. An exception there used to end the process through
// std::terminate; now the application hears of it through OnError.
#include <fstream>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "client_impl.h"
#include "fake_server.h"
#include "foyer/client.h"
#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "mapping_count_test_util.h"
#include "test_util.h"

namespace foyer {
namespace client {
namespace {

// 50,000 epoch keys in the client's own state (conversation -> ConvState,
// epoch -> key): 500 conversations of 100 epochs. With one sodium_malloc
// region per key, the 16,378th key threw std::bad_alloc on this machine
// (vm.max_map_count 65530, 4 mappings per region).
TEST(ClientMemoryTest, HoldsFiftyThousandEpochKeys) {
  ASSERT_TRUE(crypto::Init());
  constexpr int kConversations = 500;
  constexpr uint32_t kEpochs = 100;
  const size_t maps_before = MappingCount();
  std::map<std::string, ConvState> convs;
  std::vector<std::string> ids;
  for (int c = 0; c < kConversations; ++c) {
    ids.push_back(crypto::RandomIdHex());
    ConvState& state = convs[ids.back()];
    for (uint32_t epoch = 1; epoch <= kEpochs; ++epoch) {
      state.keys.emplace(epoch, crypto::Secret::Random(crypto::kKeyBytes));
    }
    state.epoch = kEpochs;
  }
  EXPECT_EQ(crypto::SecretMemory().slots_in_use, size_t{kConversations} * kEpochs);
  EXPECT_LT(MappingCount() - maps_before, 1000u);

  // Seal and open a message under the very first and the very last key.
  const crypto::SignKeyPair alice = crypto::SignKeyPair::Generate();
  const std::pair<const std::string*, uint32_t> ends[] = {{&ids.front(), 1},
                                                           {&ids.back(), kEpochs}};
  for (const auto& end : ends) {
    const std::string& conv = *end.first;
    const crypto::Secret& key = convs.at(conv).keys.at(end.second);
    protocol::Envelope envelope = protocol::SealEnvelope(
        conv, end.second, "alice", crypto::RandomIdHex(), 1, key, alice, R"({"type":"text","text":"hi"})");
    std::string plaintext;
    Status status = protocol::OpenEnvelope(envelope, alice.public_key, key, &plaintext);
    ASSERT_TRUE(status.ok()) << status.ToString();
    EXPECT_EQ(plaintext, R"({"type":"text","text":"hi"})");
    const crypto::Secret& other = convs.at(ids[kConversations / 2]).keys.at(end.second);
    EXPECT_FALSE(protocol::OpenEnvelope(envelope, alice.public_key, other, &plaintext).ok());
  }
  convs.clear();
  EXPECT_EQ(crypto::SecretMemory().slots_in_use, 0u);
}

// A transport over the fake server whose Subscribe can be made to throw
// std::bad_alloc, as an allocation inside Paho or the client would.
class FailingTransport : public Transport {
 public:
  FailingTransport(std::unique_ptr<Transport> inner, std::atomic<bool>* fail)
      : inner_(std::move(inner)), fail_(fail) {}
  void SetHandlers(MessageHandler on_message, ConnectedHandler on_connected,
                   LostHandler on_lost) override {
    inner_->SetHandlers(std::move(on_message), std::move(on_connected), std::move(on_lost));
  }
  Status Connect(const TransportOptions& options) override { return inner_->Connect(options); }
  void Disconnect() override { inner_->Disconnect(); }
  bool IsConnected() const override { return inner_->IsConnected(); }
  Status Publish(const std::string& topic, const std::string& payload,
                 DoneHandler done) override {
    return inner_->Publish(topic, payload, std::move(done));
  }
  Status Subscribe(const std::vector<std::string>& filters, DoneHandler done) override {
    if (*fail_) throw std::bad_alloc();
    return inner_->Subscribe(filters, std::move(done));
  }
  Status Unsubscribe(const std::vector<std::string>& filters, DoneHandler done) override {
    return inner_->Unsubscribe(filters, std::move(done));
  }

 private:
  std::unique_ptr<Transport> inner_;
  std::atomic<bool>* fail_;
};

class ClientFailureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_credentials_ = server_.AddDevice("alice", "admin");
    bob_credentials_ = server_.AddDevice("bob");
  }

  std::unique_ptr<Client> Connect(const Credentials& credentials, Options options) {
    std::unique_ptr<Client> client;
    Status status = Client::Connect(options, CopyCredentials(credentials), &client);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return client;
  }

  FakeServer server_;
  Credentials alice_credentials_;
  Credentials bob_credentials_;
};

TEST_F(ClientFailureTest, OutOfMemoryWhileDeliveringIsReportedAndTheClientGoesOn) {
  auto alice = Connect(alice_credentials_, FakeOptions(&server_));
  std::string conv;
  ASSERT_TRUE(alice->CreateConversation("", {"bob"}, &conv).ok());
  server_.Flush();
  auto bob = Connect(bob_credentials_, FakeOptions(&server_));
  Collector inbox(bob.get());
  std::atomic<int> calls{0};
  bob->OnMessage([&inbox, &calls](const Message& message) {
    if (calls++ == 0) throw std::bad_alloc();  // on the dispatch thread
    inbox.Record(message);
  });

  Message first, second;
  ASSERT_TRUE(alice->Send(conv, "first", "", &first).ok());
  ASSERT_TRUE(alice->Send(conv, "second", "", &second).ok());
  ASSERT_TRUE(inbox.WaitFor(1, 1));
  const std::vector<MessageError> errors = inbox.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].conv, conv);
  EXPECT_EQ(errors[0].seq, first.seq);
  EXPECT_EQ(errors[0].sender, "alice");
  EXPECT_EQ(errors[0].status.code(), Status::Code::kInternal);
  EXPECT_NE(errors[0].status.message().find("out of memory"), std::string::npos)
      << errors[0].status.ToString();
  ASSERT_EQ(inbox.messages().size(), 1u);
  EXPECT_EQ(inbox.messages()[0].text, "second");

  // The message that failed can be fetched again.
  HistoryPage page;
  ASSERT_TRUE(bob->History(conv, 0, 10, &page).ok());
  ASSERT_EQ(page.messages.size(), 2u);
  EXPECT_EQ(page.messages[0].text, "first");
}

TEST_F(ClientFailureTest, OutOfMemoryOnTheTransportThreadIsReportedAndTheClientGoesOn) {
  std::atomic<bool> fail{false};
  Options options = FakeOptions(&server_);
  FakeServer* server = &server_;
  options.transport_factory = [server, &fail] {
    return std::make_unique<FailingTransport>(server->Factory()(), &fail);
  };
  auto bob = Connect(bob_credentials_, options);
  Collector inbox(bob.get());

  // After a reconnect the client subscribes again from the transport's
  // thread (the fake server's, as Paho's): make that throw.
  fail = true;
  server_.DropAndReconnect("bob");
  ASSERT_TRUE(inbox.WaitFor(0, 1));
  const std::vector<MessageError> errors = inbox.errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].status.code(), Status::Code::kInternal);
  EXPECT_NE(errors[0].status.message().find("subscribing again after a reconnect failed: out of memory"),
            std::string::npos)
      << errors[0].status.ToString();

  // Still alive and usable.
  fail = false;
  Identity identity;
  ASSERT_TRUE(bob->Whoami(&identity).ok());
  EXPECT_EQ(identity.user, "bob");
}

}  // namespace
}  // namespace client
}  // namespace foyer
