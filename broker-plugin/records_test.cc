// The stored forms of records.cc that are not JSON: the binary stored
// envelope (docs/storage.md) and the counters text.
#include "records.h"

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "foyer/crypto.h"
#include "foyer/protocol.h"

namespace foyer {
namespace plugin {
namespace {

class RecordsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { ASSERT_TRUE(crypto::Init()); }

  protocol::Envelope Stamped() {
    protocol::Envelope envelope = protocol::SealEnvelope(
        conv_, 7, "carol.b-2", crypto::RandomIdHex(), 1767225600000, crypto::Secret::Random(32),
        crypto::SignKeyPair::Generate(), R"({"type":"text","text":"hi"})");
    envelope.seq = 42;
    envelope.stime = 1767225600123;
    return envelope;
  }

  std::string conv_ = crypto::RandomIdHex();
};

TEST_F(RecordsTest, StoredEnvelopeRoundTrip) {
  protocol::Envelope envelope = Stamped();
  std::string stored = EncodeStoredEnvelope(envelope);
  EXPECT_EQ(stored[0], kStoredEnvelopeFormat);
  // The header, the sender, cmid, nonce, sig and body: no base64, no JSON.
  EXPECT_EQ(stored.size(), 22 + 9 + 16 + 24 + 64 + envelope.body.size());
  protocol::Envelope decoded;
  ASSERT_TRUE(DecodeStoredEnvelope(stored, conv_, 42, &decoded).ok());
  EXPECT_EQ(protocol::SerializeEnvelope(decoded), protocol::SerializeEnvelope(envelope));
  uint32_t epoch = 0;
  uint64_t stime = 0;
  ASSERT_TRUE(StoredEnvelopeHeader(stored, &epoch, &stime).ok());
  EXPECT_EQ(epoch, 7u);
  EXPECT_EQ(stime, 1767225600123u);
}

TEST_F(RecordsTest, StoredEnvelopeOfTheJsonFormatIsRead) {
  protocol::Envelope envelope = Stamped();
  std::string text = protocol::SerializeEnvelope(envelope);
  protocol::Envelope decoded;
  ASSERT_TRUE(DecodeStoredEnvelope(text, conv_, 42, &decoded).ok());
  EXPECT_EQ(protocol::SerializeEnvelope(decoded), text);
  uint32_t epoch = 0;
  uint64_t stime = 0;
  ASSERT_TRUE(StoredEnvelopeHeader(text, &epoch, &stime).ok());
  EXPECT_EQ(stime, 1767225600123u);
  // A JSON record under another seq or conversation is not this message.
  EXPECT_EQ(DecodeStoredEnvelope(text, conv_, 43, &decoded).code(), Status::Code::kCorruption);
  EXPECT_EQ(DecodeStoredEnvelope(text, crypto::RandomIdHex(), 42, &decoded).code(),
            Status::Code::kCorruption);
}

TEST_F(RecordsTest, DamagedStoredEnvelopesAreRefused) {
  std::string stored = EncodeStoredEnvelope(Stamped());
  std::string bad_name = stored;
  bad_name[22] = 'C';  // an upper-case letter in the sender's name
  std::string zero_epoch = stored;
  zero_epoch.replace(1, 4, std::string(4, '\0'));
  std::string long_name = stored;
  long_name[21] = static_cast<char>(200);
  std::string unknown_format = stored;
  unknown_format[0] = 9;
  for (const std::string& value :
       {std::string(), std::string("{"), std::string("{\"v\":1}"), stored.substr(0, 21),
        stored.substr(0, 22 + 9 + 16 + 24 + 64 + 15), bad_name, zero_epoch, long_name,
        unknown_format}) {
    protocol::Envelope decoded;
    EXPECT_EQ(DecodeStoredEnvelope(value, conv_, 42, &decoded).code(), Status::Code::kCorruption)
        << crypto::ToHex(value.substr(0, 24));
  }
  uint32_t epoch = 0;
  uint64_t stime = 0;
  EXPECT_FALSE(StoredEnvelopeHeader(unknown_format, &epoch, &stime).ok());
  EXPECT_FALSE(StoredEnvelopeHeader(stored.substr(0, 21), &epoch, &stime).ok());
}

TEST_F(RecordsTest, CountersTextIsWhatNlohmannWrites) {
  Counters counters;
  counters.next_seq = 18446744073709551615u;
  counters.count = 3;
  counters.bytes = 1200;
  std::string text = EncodeCounters(counters);
  EXPECT_EQ(text, nlohmann::json({{"next_seq", counters.next_seq},
                                  {"count", counters.count},
                                  {"bytes", counters.bytes}})
                      .dump());
  Counters decoded;
  ASSERT_TRUE(DecodeCounters(text, &decoded).ok());
  EXPECT_EQ(decoded.next_seq, counters.next_seq);
  EXPECT_EQ(decoded.bytes, 1200u);
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
