// Scenario 6: the broker refuses what a member's own session may not publish
// (a forged sender, an oversized envelope, malformed JSON, a wrong epoch, a
// post on the server's own topic) with an MQTT 5 PUBACK reason >= 0x80 and
// stores nothing; it refuses another user's client id and anonymous logins.
#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "household.h"
#include "raw_client.h"

namespace foyer_test {
namespace {

namespace protocol = foyer::protocol;
namespace crypto = foyer::crypto;

class RefusalsTest : public BrokerFixture {
 protected:
  // An envelope that passes the server's header checks (the server never
  // sees the keys: a random epoch key and signing key are enough).
  protocol::Envelope MakeEnvelope(const std::string& conv, uint32_t epoch,
                                  const std::string& from, size_t text_bytes = 20) {
    crypto::Secret epoch_key = crypto::Secret::Random(crypto::kKeyBytes);
    crypto::SignKeyPair signer = crypto::SignKeyPair::Generate();
    std::string plaintext =
        nlohmann::json{{"type", "text"}, {"text", std::string(text_bytes, 'x')}}.dump();
    uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                             std::chrono::system_clock::now().time_since_epoch())
                                             .count());
    return protocol::SealEnvelope(conv, epoch, from, crypto::RandomIdHex(), now, epoch_key,
                                  signer, plaintext);
  }

  // The number of stored messages and the last seq, from alice's view.
  std::pair<size_t, uint64_t> StoredMessages(RawClient* client, const std::string& conv) {
    nlohmann::json answer = client->Request({{"op", "history"}, {"conv", conv}, {"limit", 200}});
    EXPECT_TRUE(answer.is_object() && answer.value("ok", false)) << answer.dump();
    if (!answer.is_object() || !answer.contains("messages")) return {0, 0};
    const nlohmann::json& messages = answer["messages"];
    uint64_t last = messages.empty() ? 0 : messages.back().value("seq", 0u);
    return {messages.size(), last};
  }
};

TEST_F(RefusalsTest, BadEnvelopesAreRefusedAndNotStored) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  ASSERT_NO_FATAL_FAILURE(house.Join("alice"));
  ASSERT_NO_FATAL_FAILURE(house.Join("bob"));
  const CliUser& alice = house.user("alice");
  const CliUser& bob = house.user("bob");
  std::string conv = alice.CreateConversation("Refus", {"bob"});
  ASSERT_EQ(conv.size(), 32u);
  ASSERT_EQ(alice.Send(conv, "Une vraie ligne"), 1u);

  RawClient alice_raw(server_uri(), "alice:raw");
  std::string error;
  ASSERT_EQ(alice_raw.Connect("alice", house.AuthKeyHex("alice"), &error), 0) << error;
  RawClient bob_raw(server_uri(), "bob:watch");
  ASSERT_EQ(bob_raw.Connect("bob", house.AuthKeyHex("bob"), &error), 0) << error;
  ASSERT_LT(bob_raw.Subscribe("foyer/c/" + conv + "/m"), 0x80);
  std::pair<size_t, uint64_t> stored_before = StoredMessages(&alice_raw, conv);
  ASSERT_EQ(stored_before.first, 1u);
  ASSERT_EQ(stored_before.second, 1u);

  const std::string send_topic = protocol::SendTopic(conv);
  struct Attempt {
    std::string what;
    std::string topic;
    std::string payload;
    bool retained;
  };
  protocol::Envelope oversized_body = MakeEnvelope(conv, 1, "alice", 0);
  oversized_body.body = crypto::RandomBytes(protocol::kMaxBodyBytes + 1);
  nlohmann::json padded = protocol::EnvelopeToJson(MakeEnvelope(conv, 1, "alice"));
  padded["pad"] = std::string(protocol::kMaxEnvelopeBytes, 'p');
  std::string other_conv = crypto::RandomIdHex();
  std::vector<Attempt> attempts = {
      {"forged sender (from=bob on alice's session)", send_topic,
       protocol::SerializeEnvelope(MakeEnvelope(conv, 1, "bob")), false},
      {"oversized body", send_topic, protocol::SerializeEnvelope(oversized_body), false},
      {"oversized payload", send_topic, padded.dump(), false},
      {"malformed JSON", send_topic, R"({"v":1,"conv":")" + conv + R"(","epoch":1,)", false},
      {"not an object", send_topic, "[1,2,3]", false},
      {"wrong epoch (2)", send_topic, protocol::SerializeEnvelope(MakeEnvelope(conv, 2, "alice")),
       false},
      {"wrong epoch (0)", send_topic, protocol::SerializeEnvelope(MakeEnvelope(conv, 0, "alice")),
       false},
      {"conv field differs from the topic", send_topic,
       protocol::SerializeEnvelope(MakeEnvelope(other_conv, 1, "alice")), false},
      {"retained envelope", send_topic,
       protocol::SerializeEnvelope(MakeEnvelope(conv, 1, "alice")), true},
      {"published on the server's /m topic", protocol::MessageTopic(conv),
       protocol::SerializeEnvelope(MakeEnvelope(conv, 1, "alice")), false},
      {"conversation that does not exist", protocol::SendTopic(other_conv),
       protocol::SerializeEnvelope(MakeEnvelope(other_conv, 1, "alice")), false},
  };
  for (const Attempt& attempt : attempts) {
    ASSERT_TRUE(alice_raw.connected()) << "alice's session was dropped before: " << attempt.what;
    int reason = alice_raw.Publish(attempt.topic, attempt.payload, 1, attempt.retained);
    EXPECT_GE(reason, 0x80) << attempt.what << " was accepted (PUBACK reason " << reason << ")";
  }

  // Nothing was stored or delivered.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(bob_raw.ReceivedCount(), 0u) << "bob received a refused envelope on "
                                         << bob_raw.Received()[0].topic;
  std::pair<size_t, uint64_t> stored_after = StoredMessages(&alice_raw, conv);
  EXPECT_EQ(stored_after, stored_before);
  std::vector<nlohmann::json> bob_history = bob.History(conv);
  ASSERT_EQ(bob_history.size(), 1u);
  EXPECT_EQ(bob_history[0].value("text", ""), "Une vraie ligne");

  // Control: the same session's well-formed envelope is accepted and stored
  // as seq 2, so the refusals above were the server's checks at work.
  EXPECT_EQ(alice_raw.Publish(send_topic,
                              protocol::SerializeEnvelope(MakeEnvelope(conv, 1, "alice"))),
            0);
  EXPECT_TRUE(bob_raw.WaitForMessages(1, std::chrono::seconds(5)));
  std::pair<size_t, uint64_t> stored_control = StoredMessages(&alice_raw, conv);
  EXPECT_EQ(stored_control.first, 2u);
  EXPECT_EQ(stored_control.second, 2u);
}

TEST_F(RefusalsTest, ForeignClientIdAndAnonymousLoginsAreRefused) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  ASSERT_NO_FATAL_FAILURE(house.Join("alice"));
  ASSERT_NO_FATAL_FAILURE(house.Join("bob"));
  std::string alice_key = house.AuthKeyHex("alice");

  // alice's own client ids work.
  for (const std::string& client_id : {std::string("alice"), std::string("alice:phone-1")}) {
    RawClient client(server_uri(), client_id);
    std::string error;
    EXPECT_EQ(client.Connect("alice", alice_key, &error), 0) << client_id << ": " << error;
  }
  // bob's client ids with alice's credentials do not.
  for (const std::string& client_id : {std::string("bob"), std::string("bob:laptop")}) {
    RawClient client(server_uri(), client_id);
    EXPECT_NE(client.Connect("alice", alice_key), 0) << "alice connected as " << client_id;
    EXPECT_FALSE(client.connected());
  }
  RawClient anonymous(server_uri(), "anonymous");
  EXPECT_NE(anonymous.Connect("", ""), 0) << "an anonymous client connected";
  EXPECT_FALSE(anonymous.connected());
}

}  // namespace
}  // namespace foyer_test
