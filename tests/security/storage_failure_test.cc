// Damaged storage: a full disk, a read-only data directory, damaged LevelDB
// files. Each ends in a clear error and a refusal (to start, or to accept a
// message), never in a silent loss: what was accepted before is still there
// once the damage is repaired, and a refused message is never delivered as
// if it had been stored. Mounting needs root: without it the disk tests are
// skipped (they say why).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "durability_util.h"
#include "killable_broker.h"

namespace foyer_test {
namespace {

namespace client = foyer::client;
namespace fs = std::filesystem;

// Fills the file system of `dir` until a write fails (ENOSPC).
void FillDisk(const std::string& dir) {
  int fd = open((dir + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0);
  std::string block(4096, 'f');
  while (write(fd, block.data(), block.size()) > 0) {
  }
  for (int i = 0; i < 64 && write(fd, block.data(), 1) > 0;) ++i;  // the last bytes
  close(fd);
}

std::unique_ptr<client::Client> Connect(const KillableBroker& broker,
                                        const DurabilityHousehold& household,
                                        const std::string& name) {
  client::Options options;
  options.server = broker.server_url();
  options.timeout_ms = 3000;
  options.client_suffix = "disk";
  std::unique_ptr<client::Client> result;
  foyer::Status status = client::Client::Connect(
      options, CopyCredentials(household.credentials.at(name)), &result);
  EXPECT_TRUE(status.ok()) << name << ": " << status.ToString();
  return result;
}

size_t HistorySize(client::Client* reader, const std::string& conv) {
  client::HistoryPage page;
  foyer::Status status = reader->History(conv, 0, 200, &page);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(page.errors.empty());
  return page.messages.size();
}

// A full disk is a transient failure, not a refusal: the plugin disconnects
// the sender instead of answering PUBACK 0x87 (which makes clients drop the
// message), so each message that could not be stored stays in the sender's
// outbox and is stored once space is freed and the broker restarted.
TEST(StorageFailureTest, DiskFullHoldsMessagesInTheOutboxAndLosesNothing) {
  KillableBroker broker;
  std::string why;
  if (!broker.MountSmallDataDir(16 << 20, &why)) GTEST_SKIP() << why;
  ASSERT_TRUE(broker.Start(&why)) << why;
  DurabilityHousehold household;
  ASSERT_NO_FATAL_FAILURE(SetUpHousehold(&broker, {"d1", "d2"}, &household));
  auto sender = Connect(broker, household, "d1");
  auto reader = Connect(broker, household, "d2");
  ASSERT_TRUE(sender && reader);
  size_t accepted = 0;
  for (int i = 0; i < 20; ++i) {
    client::Message stamped;
    ASSERT_TRUE(sender->Send(household.conv, "avant #" + std::to_string(i), "", &stamped).ok());
    ++accepted;
  }

  ASSERT_NO_FATAL_FAILURE(FillDisk(broker.data_dir()));
  // The store cannot write now: an error in the log, the sender is
  // disconnected, and the message waits in its outbox (never "refused").
  size_t held = 0;
  for (int i = 0; i < 200 && held < 3; ++i) {
    client::Message stamped;
    foyer::Status status =
        sender->Send(household.conv, std::string(4000, 'x') + std::to_string(i), "", &stamped);
    if (status.ok()) {
      ++accepted;
    } else {
      EXPECT_NE(status.code(), foyer::Status::Code::kDenied)
          << "a full disk refused a message for good: " << status.ToString();
      ++held;
    }
  }
  EXPECT_GE(held, 3u) << "a full disk never stopped a message";
  EXPECT_EQ(sender->OutboxSize(), held) << "a message that was not stored left the outbox";
  EXPECT_NE(broker.LogSinceStart().find("cannot store a message"), std::string::npos)
      << broker.LogSinceStart();
  EXPECT_TRUE(broker.running()) << "the broker died on a full disk";
  std::cout << "disk full: " << accepted << " messages stored, " << held
            << " held in the sender's outbox\n";
  reader.reset();

  // A restart on the full disk refuses, or starts without losing anything.
  broker.Kill();
  bool started_full = broker.Start(&why, std::chrono::seconds(10));
  if (!started_full) {
    EXPECT_NE(why.find("foyer: cannot start"), std::string::npos) << why;
  }
  std::cout << "restart on the full disk: " << (started_full ? "started" : "refused") << "\n";
  broker.Kill();
  // Recovery (docs/security.md): free space, start again. The sender, still
  // running, reconnects and sends its outbox; everything is there, once.
  fs::remove(broker.data_dir() + "/filler");
  ASSERT_TRUE(broker.Start(&why)) << why;
  for (int i = 0; i < 300 && sender->OutboxSize() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(sender->OutboxSize(), 0u) << "the held messages were not sent after the recovery";
  reader = Connect(broker, household, "d2");
  ASSERT_TRUE(reader);
  client::HistoryPage page;
  foyer::Status status = reader->History(household.conv, 0, 200, &page);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_TRUE(page.errors.empty());
  std::set<std::string> texts;
  for (const client::Message& message : page.messages) texts.insert(message.text);
  EXPECT_EQ(page.messages.size(), accepted + held);
  EXPECT_EQ(texts.size(), accepted + held) << "a message was stored twice";
  client::Message stamped;
  EXPECT_TRUE(reader->Send(household.conv, "après", "", &stamped).ok());
  EXPECT_EQ(stamped.seq, accepted + held + 1);
}

TEST(StorageFailureTest, ReadOnlyDataDirectoryRefusesToStart) {
  KillableBroker broker;
  std::string why;
  if (!broker.MountSmallDataDir(16 << 20, &why)) GTEST_SKIP() << why;
  ASSERT_TRUE(broker.Start(&why)) << why;
  DurabilityHousehold household;
  ASSERT_NO_FATAL_FAILURE(SetUpHousehold(&broker, {"d1"}, &household));
  ASSERT_EQ(broker.Stop(), 0);
  ASSERT_TRUE(broker.RemountDataDir(true, &why)) << why;
  EXPECT_FALSE(broker.Start(&why, std::chrono::seconds(10))) << "started on a read-only store";
  EXPECT_NE(why.find("foyer: cannot start"), std::string::npos) << why;
  EXPECT_NE(why.find("Read-only file system"), std::string::npos) << why;
  // Recovery: make it writable again; the household is intact.
  ASSERT_TRUE(broker.RemountDataDir(false, &why)) << why;
  ASSERT_TRUE(broker.Start(&why)) << why;
  auto device = Connect(broker, household, "d1");
  ASSERT_TRUE(device);
  EXPECT_EQ(HistorySize(device.get(), household.conv), 0u);
}

// Makes a store with messages, then stops the broker twice, so that the
// records sit in a LevelDB table file (.ldb), not only in the log.
void MakeStore(KillableBroker* broker, DurabilityHousehold* household) {
  std::string why;
  ASSERT_TRUE(broker->Start(&why)) << why;
  ASSERT_NO_FATAL_FAILURE(SetUpHousehold(broker, {"d1", "d2"}, household));
  auto sender = Connect(*broker, *household, "d1");
  ASSERT_TRUE(sender);
  for (int i = 0; i < 30; ++i) {
    client::Message stamped;
    ASSERT_TRUE(sender->Send(household->conv, "ligne " + std::to_string(i), "", &stamped).ok());
  }
  sender.reset();
  ASSERT_EQ(broker->Stop(), 0);
  ASSERT_TRUE(broker->Start(&why)) << why;
  ASSERT_EQ(broker->Stop(), 0);
}

std::vector<fs::path> DbFiles(const std::string& data_dir, const std::string& extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(data_dir + "/db")) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  return files;
}

// Flips bytes across the middle of `path`.
void Damage(const fs::path& path) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(0, std::ios::end);
  std::streamoff size = file.tellg();
  for (std::streamoff at = size / 8; at < size - 64; at += size / 8) {
    file.seekg(at);
    char byte = 0;
    file.read(&byte, 1);
    file.seekp(at);
    byte = static_cast<char>(byte ^ 0x5a);
    file.write(&byte, 1);
  }
}

// After damage: the broker refuses to start with a clear error, or starts
// and every read either returns all 30 messages or fails loudly.
void ExpectRefusalOrIntact(KillableBroker* broker, const DurabilityHousehold& household,
                           const std::string& what) {
  std::string why;
  if (!broker->Start(&why, std::chrono::seconds(10))) {
    EXPECT_NE(why.find("foyer: cannot start"), std::string::npos) << what << ": " << why;
    EXPECT_TRUE(why.find("orrupt") != std::string::npos ||
                why.find("checksum") != std::string::npos ||
                why.find("does not open") != std::string::npos ||
                why.find("CURRENT") != std::string::npos)
        << what << ": the refusal does not say the store is damaged: " << why;
    size_t reason = why.find("foyer: cannot start");
    std::cout << what << ": refused to start ("
              << (reason == std::string::npos ? why : why.substr(reason, why.find('\n', reason) - reason))
              << ")\n";
    return;
  }
  // It started: no silent loss is allowed.
  client::Options options;
  options.server = broker->server_url();
  options.timeout_ms = 3000;
  std::unique_ptr<client::Client> reader;
  foyer::Status status = client::Client::Connect(
      options, CopyCredentials(household.credentials.at("d2")), &reader);
  if (!status.ok()) {
    ADD_FAILURE() << what << ": the broker started but d2 cannot log in: " << status.ToString();
    return;
  }
  client::HistoryPage page;
  status = reader->History(household.conv, 0, 200, &page);
  if (status.ok()) {
    EXPECT_EQ(page.messages.size(), 30u) << what << ": messages were silently lost";
    std::cout << what << ": started, " << page.messages.size() << " of 30 messages read\n";
  } else {
    std::cout << what << ": started, history fails loudly (" << status.ToString() << ")\n";
    EXPECT_EQ(status.code(), foyer::Status::Code::kInternal) << what << status.ToString();
  }
}

TEST(StorageFailureTest, DamagedTableFileIsRefusedNotSilentlyLost) {
  KillableBroker broker;
  DurabilityHousehold household;
  ASSERT_NO_FATAL_FAILURE(MakeStore(&broker, &household));
  std::vector<fs::path> tables = DbFiles(broker.data_dir(), ".ldb");
  ASSERT_FALSE(tables.empty());
  for (const fs::path& table : tables) Damage(table);
  ExpectRefusalOrIntact(&broker, household, "damaged .ldb");
}

TEST(StorageFailureTest, MissingCurrentFileIsRefusedNotANewStore) {
  KillableBroker broker;
  DurabilityHousehold household;
  ASSERT_NO_FATAL_FAILURE(MakeStore(&broker, &household));
  fs::remove(broker.data_dir() + "/db/CURRENT");
  ExpectRefusalOrIntact(&broker, household, "CURRENT removed");
  EXPECT_EQ(broker.AdminInvite(), "") << "a new admin invite was made: the store was replaced";
}

TEST(StorageFailureTest, DamagedManifestIsRefused) {
  KillableBroker broker;
  DurabilityHousehold household;
  ASSERT_NO_FATAL_FAILURE(MakeStore(&broker, &household));
  for (const auto& entry : fs::directory_iterator(broker.data_dir() + "/db")) {
    if (entry.path().filename().string().rfind("MANIFEST-", 0) == 0) Damage(entry.path());
  }
  ExpectRefusalOrIntact(&broker, household, "damaged MANIFEST");
}

}  // namespace
}  // namespace foyer_test
