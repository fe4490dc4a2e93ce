#include "security_fixture.h"

#include <gtest/gtest.h>

#include "foyer/crypto.h"

namespace foyer_test {

namespace crypto = foyer::crypto;
namespace protocol = foyer::protocol;

void SecurityTest::SetUp() {
  BrokerFixture::SetUp();
  if (HasFatalFailure()) return;
  house_ = std::make_unique<Household>(server_url(), temp_dir(), admin_invite());
}

void SecurityTest::JoinAll(const std::vector<std::string>& names) {
  ASSERT_NO_FATAL_FAILURE(house_->RegisterAdmin());
  for (const std::string& name : names) ASSERT_NO_FATAL_FAILURE(house_->Join(name));
}

const std::string& SecurityTest::Key(const std::string& name) {
  auto it = keys_.find(name);
  if (it == keys_.end()) it = keys_.emplace(name, house_->AuthKeyHex(name)).first;
  return it->second;
}

std::unique_ptr<RawClient> SecurityTest::Raw(const std::string& name, const std::string& suffix) {
  auto client = std::make_unique<RawClient>(server_uri(), name + ":" + suffix);
  std::string error;
  EXPECT_EQ(client->Connect(name, Key(name), &error), 0)
      << name << ":" << suffix << " " << error;
  return client;
}

std::unique_ptr<WireClient> SecurityTest::Wire(const std::string& name,
                                               const std::string& suffix, int version) {
  auto client = std::make_unique<WireClient>(mqtt_port());
  EXPECT_TRUE(client->ok()) << "cannot open a socket to the broker";
  ConnectPacket connect;
  connect.version = version;
  connect.client_id = name + ":" + suffix;
  connect.user = name;
  connect.password = Key(name);
  EXPECT_EQ(client->Connect(connect), 0) << connect.client_id << " (MQTT " << version << ")";
  return client;
}

protocol::Envelope SecurityTest::MakeEnvelope(const std::string& conv, uint32_t epoch,
                                              const std::string& from, size_t text_bytes) {
  crypto::Secret epoch_key = crypto::Secret::Random(crypto::kKeyBytes);
  crypto::SignKeyPair signer = crypto::SignKeyPair::Generate();
  std::string plaintext =
      nlohmann::json{{"type", "text"}, {"text", std::string(text_bytes, 'x')}}.dump();
  uint64_t now = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  return protocol::SealEnvelope(conv, epoch, from, crypto::RandomIdHex(), now, epoch_key, signer,
                                plaintext);
}

std::vector<nlohmann::json> SecurityTest::History(RawClient* reader, const std::string& conv) {
  nlohmann::json answer = reader->Request({{"op", "history"}, {"conv", conv}, {"limit", 200}});
  EXPECT_TRUE(answer.is_object() && answer.value("ok", false)) << answer.dump();
  std::vector<nlohmann::json> messages;
  if (answer.is_object() && answer.contains("messages") && answer["messages"].is_array()) {
    for (const nlohmann::json& message : answer["messages"]) messages.push_back(message);
  }
  return messages;
}

std::pair<size_t, uint64_t> SecurityTest::Stored(RawClient* reader, const std::string& conv) {
  std::vector<nlohmann::json> messages = History(reader, conv);
  uint64_t last = messages.empty() ? 0 : messages.back().value("seq", uint64_t{0});
  return {messages.size(), last};
}

size_t CountTopic(const std::vector<ReceivedMessage>& messages, const std::string& prefix) {
  size_t count = 0;
  for (const ReceivedMessage& message : messages) {
    if (message.topic.compare(0, prefix.size(), prefix) == 0) ++count;
  }
  return count;
}

}  // namespace foyer_test
