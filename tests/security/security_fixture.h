// SecurityTest: the integration BrokerFixture (a real mosquitto with the real
// plugin) plus what the attack scenarios share: a household registered
// through foyer-cli, attackers' raw sessions (Paho MQTT 5, or WireClient for
// MQTT 3.1.1 and hand-made packets), envelopes that pass the server's header
// checks, and the server's own count of stored messages.
#ifndef FOYER_TESTS_SECURITY_SECURITY_FIXTURE_H_
#define FOYER_TESTS_SECURITY_SECURITY_FIXTURE_H_

#include <chrono>
#include <map>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "broker_fixture.h"
#include "foyer/protocol.h"
#include "household.h"
#include "raw_client.h"
#include "wire_client.h"

namespace foyer_test {

class SecurityTest : public BrokerFixture {
 protected:
  void SetUp() override;

  // Registers the admin, then each of `names` (invited by the admin).
  void JoinAll(const std::vector<std::string>& names);
  Household& house() { return *house_; }
  const CliUser& user(const std::string& name) { return house_->user(name); }
  // The MQTT password of `name` (Argon2id runs once per name).
  const std::string& Key(const std::string& name);

  // A connected Paho MQTT 5 session of `name` with client id name:suffix
  // (fails the test when refused).
  std::unique_ptr<RawClient> Raw(const std::string& name, const std::string& suffix);
  // A connected WireClient session of `name` (MQTT `version`).
  std::unique_ptr<WireClient> Wire(const std::string& name, const std::string& suffix,
                                   int version = kMqtt5);

  // An envelope that passes the server's header checks (the server never
  // holds the keys: a random epoch key and signing key will do).
  static foyer::protocol::Envelope MakeEnvelope(const std::string& conv, uint32_t epoch,
                                                const std::string& from,
                                                size_t text_bytes = 20);
  static std::string EnvelopeText(const std::string& conv, uint32_t epoch,
                                  const std::string& from) {
    return foyer::protocol::SerializeEnvelope(MakeEnvelope(conv, epoch, from));
  }

  // (number of stored messages, last seq) of `conv` as `reader` sees them
  // through the history request.
  std::pair<size_t, uint64_t> Stored(RawClient* reader, const std::string& conv);
  // The stored envelopes of `conv` as `reader` sees them.
  std::vector<nlohmann::json> History(RawClient* reader, const std::string& conv);

 private:
  std::unique_ptr<Household> house_;
  std::map<std::string, std::string> keys_;
};

// Messages received on `topic_prefix`... (prefix match) by a RawClient.
size_t CountTopic(const std::vector<ReceivedMessage>& messages, const std::string& prefix);

}  // namespace foyer_test

#endif  // FOYER_TESTS_SECURITY_SECURITY_FIXTURE_H_
