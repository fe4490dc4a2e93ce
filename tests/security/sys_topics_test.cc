// Attack: reading or writing the broker's $SYS tree. Every $SYS filter
// (plain, shared, wildcard) is refused on both protocol versions, and a
// publish there is refused, while the same sessions' own subscriptions work.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "security_fixture.h"

namespace foyer_test {
namespace {

class SysTopicsTest : public SecurityTest {};

TEST_F(SysTopicsTest, SysIsNeitherReadableNorWritable) {
  ASSERT_NO_FATAL_FAILURE(JoinAll({"mallory"}));
  const std::vector<std::string> filters = {
      "$SYS/#", "$SYS/broker/clients/connected", "$SYS/broker/version", "$SYS/+/+",
      "$share/g/$SYS/#", "$SYS/broker/log/#"};
  for (int version : {kMqtt5, kMqtt311}) {
    auto mallory = Wire("mallory", "sys" + std::to_string(version), version);
    for (const std::string& filter : filters) {
      EXPECT_GE(mallory->Subscribe(filter), 0x80) << filter << " granted on MQTT " << version;
    }
    // Publishing on $SYS: refused (MQTT 5 PUBACK 0x87) or dropped (3.1.1).
    int reason = mallory->Publish("$SYS/broker/version", "mosquitto version 0", 1);
    if (version == kMqtt5) {
      EXPECT_GE(reason, 0x80);
    }
    // The legitimate subscription of the same session is granted.
    EXPECT_LT(mallory->Subscribe("foyer/u/mallory/inbox"), 0x80);
    EXPECT_LT(mallory->Subscribe("foyer/p/+"), 0x80);
    // A second session of mallory publishing her presence proves delivery.
    auto other = Wire("mallory", "p" + std::to_string(version), version);
    EXPECT_EQ(other->Publish("foyer/p/mallory", R"({"state":"online","time":1})", 1), 0);
    mallory->Pump(std::chrono::milliseconds(1500));
    bool presence = false;
    for (const WirePublish& message : mallory->Received()) {
      EXPECT_EQ(message.topic.rfind("$SYS", 0), std::string::npos) << message.topic;
      presence = presence || message.topic == "foyer/p/mallory";
    }
    EXPECT_TRUE(presence) << "the legitimate presence message did not arrive";
  }
}

}  // namespace
}  // namespace foyer_test
