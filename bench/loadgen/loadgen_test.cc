// Unit tests of the harness's pure parts: percentiles, the cmid round trip
// that latency measurement depends on, envelope sizes, and the SVG chart.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "envelope_pool.h"
#include "foyer/crypto.h"
#include "foyer/protocol.h"
#include "household.h"
#include "report.h"
#include "stats.h"
#include "svg_chart.h"

namespace foyer {
namespace bench {
namespace {

TEST(Stats, NearestRankPercentiles) {
  std::vector<int64_t> values;
  for (int64_t v = 100; v >= 1; --v) values.push_back(v);
  EXPECT_EQ(Percentile(values, 50), 50);
  EXPECT_EQ(Percentile(values, 99), 99);
  EXPECT_EQ(Percentile(values, 100), 100);
  EXPECT_EQ(Percentile(std::vector<int64_t>{}, 99), 0);
  const Spread spread = SpreadOf({3.0, 1.0, 2.0, 10.0});
  EXPECT_DOUBLE_EQ(spread.median, 2.5);
  EXPECT_DOUBLE_EQ(spread.min, 1.0);
  EXPECT_DOUBLE_EQ(spread.max, 10.0);
}

class PoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(crypto::Init());
    MakeStandaloneHousehold(3, &household_);
  }
  Household household_;
};

TEST_F(PoolTest, CmidCarriesFlowAndIndex) {
  EnvelopePool pool(household_, 4, 200, 7);
  for (size_t flow = 0; flow < 3; ++flow) {
    for (uint64_t index = 0; index < 4; ++index) {
      uint32_t decoded_flow = 99;
      uint64_t decoded_index = 99;
      ASSERT_TRUE(DecodeCmid(pool.Payload(flow, index), &decoded_flow, &decoded_index));
      EXPECT_EQ(decoded_flow, flow);
      EXPECT_EQ(decoded_index, index);
    }
  }
  uint32_t flow = 0;
  uint64_t index = 0;
  EXPECT_FALSE(DecodeCmid("{\"cmid\":\"zz\"}", &flow, &index));
  EXPECT_FALSE(DecodeCmid("not an envelope", &flow, &index));
}

TEST_F(PoolTest, EnvelopesAreRealAndHaveTheBodySize) {
  EnvelopePool pool(household_, 1, 200, 1);
  protocol::Envelope envelope;
  ASSERT_TRUE(protocol::ParseEnvelope(pool.Payload(1, 0), &envelope).ok());
  EXPECT_EQ(envelope.body.size(), 200u);
  EXPECT_EQ(envelope.from, household_.accounts[household_.Publisher(1)].name);
  std::string plaintext;
  const Account& sender = household_.accounts[household_.Publisher(1)];
  ASSERT_TRUE(protocol::OpenEnvelope(envelope, sender.sign.public_key, household_.keys[1], &plaintext)
                  .ok());
  EXPECT_EQ(plaintext, PlaintextOfBody(200));
}

TEST_F(PoolTest, FlowsPairPublishersWithTheNextUser) {
  EXPECT_EQ(household_.Publisher(2), 2u);
  EXPECT_EQ(household_.Subscriber(2), 0u);
  EXPECT_NE(PublishTopic(household_, 0, BrokerKind::kFoyer), DeliveryTopic(household_, 0));
  EXPECT_EQ(PublishTopic(household_, 0, BrokerKind::kStock), DeliveryTopic(household_, 0));
}

TEST(SvgChart, OneLinePerNonEmptySeries) {
  std::map<std::string, std::vector<int64_t>> series = {
      {"foyer", {200000, 300000, 5000000}}, {"stock-a", {150000, 250000}}, {"empty", {}}};
  const std::string svg = LatencyCdfSvg(series, "a <title>");
  EXPECT_EQ(svg.rfind("<svg", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  size_t lines = 0;
  for (size_t at = svg.find("<polyline"); at != std::string::npos; at = svg.find("<polyline", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 2u);
  EXPECT_NE(svg.find("a &lt;title&gt;"), std::string::npos);
  EXPECT_EQ(svg.find("empty"), std::string::npos);
}

}  // namespace
}  // namespace bench
}  // namespace foyer

// A missed target is printed with why it is missed and what would close it;
// a met one is not.
TEST(Report, MissedFiguresSayWhy) {
  foyer::bench::Summary summary;
  foyer::bench::Figure missed;
  missed.number = 1;
  missed.name = "Broker CPU per message";
  missed.met = false;
  foyer::bench::Figure met;
  met.number = 8;
  met.name = "Disk per stored message";
  met.met = true;
  summary.figures = {missed, met};
  std::string table = foyer::bench::TextTable(summary);
  EXPECT_EQ(table.find("why missed:"), table.rfind("why missed:"));  // exactly once
  ASSERT_NE(table.find("why missed:"), std::string::npos);
  EXPECT_NE(table.find("Would close it"), std::string::npos);
  EXPECT_LT(table.find("why missed:"), table.find("Disk per stored message"));
}
