#include "outbox.h"

#include <thread>

#include <gtest/gtest.h>

namespace foyer {
namespace client {
namespace {

Outbox::Entry MakeEntry(const std::string& cmid) {
  Outbox::Entry entry;
  entry.conv = std::string(32, 'a');
  entry.cmid = cmid;
  entry.payload = "{}";
  return entry;
}

TEST(OutboxTest, AnEchoBeforeTheWaitIsNotLost) {
  Outbox outbox;
  outbox.Add(MakeEntry("one"));
  EXPECT_TRUE(outbox.Stamp("one", 7, 1000));
  Outbox::Result result = outbox.Wait("one", 10);
  EXPECT_EQ(result.state, Outbox::State::kStamped);
  EXPECT_EQ(result.seq, 7u);
  EXPECT_EQ(outbox.size(), 0u);
}

TEST(OutboxTest, TimeoutKeepsTheEntryUntilItsEcho) {
  Outbox outbox;
  outbox.Add(MakeEntry("one"));
  outbox.Add(MakeEntry("two"));
  EXPECT_EQ(outbox.Wait("one", 20).state, Outbox::State::kPending);
  ASSERT_EQ(outbox.Pending().size(), 2u);
  EXPECT_EQ(outbox.Pending()[0].cmid, "one");  // oldest first
  EXPECT_TRUE(outbox.Stamp("one", 3, 1));       // arrives late: leaves the outbox
  EXPECT_EQ(outbox.size(), 1u);
  EXPECT_FALSE(outbox.Stamp("one", 3, 1));      // a duplicate echo changes nothing
}

TEST(OutboxTest, WaitWakesOnStampFromAnotherThread) {
  Outbox outbox;
  outbox.Add(MakeEntry("one"));
  std::thread stamper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    outbox.Stamp("one", 9, 2);
  });
  Outbox::Result result = outbox.Wait("one", 5000);
  stamper.join();
  EXPECT_EQ(result.state, Outbox::State::kStamped);
  EXPECT_EQ(result.seq, 9u);
}

TEST(OutboxTest, RefusedEntriesLeave) {
  Outbox outbox;
  outbox.Add(MakeEntry("one"));
  outbox.Refuse("one", Status::Denied("0x87"));
  EXPECT_EQ(outbox.Wait("one", 10).state, Outbox::State::kRefused);
  EXPECT_EQ(outbox.size(), 0u);
}

}  // namespace
}  // namespace client
}  // namespace foyer
