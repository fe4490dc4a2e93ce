// Scenario: files (protocol.md §10). Alice sends a file with foyer-cli, Bob
// sees it in his history and fetches it byte for byte; Carol, not a member,
// is refused both through foyer-cli and with raw file_get requests; a file
// over the server's limit is refused cleanly; the data directory never holds
// the file's plaintext nor its name.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "household.h"
#include "raw_client.h"

namespace foyer_test {
namespace {

constexpr int kMaxFileBytes = 300000;

class FilesTest : public BrokerFixture {
 protected:
  void SetUp() override {
    Prepare();
    SetPluginOption("max_file_bytes", std::to_string(kMaxFileBytes));
    StartBroker();
  }

  std::string WriteFile(const std::string& name, const std::string& content) {
    std::string path = temp_dir() + "/" + name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  // Fails for each file of the data directory that contains `needle`.
  int ExpectNowhereOnDisk(const std::vector<std::string>& needles) {
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir())) {
      if (!entry.is_regular_file()) continue;
      ++files;
      std::string content = ReadFile(entry.path().string());
      for (const std::string& needle : needles) {
        EXPECT_EQ(content.find(needle), std::string::npos)
            << entry.path() << " holds the file's plaintext or name";
      }
    }
    return files;
  }
};

TEST_F(FilesTest, SendFetchRefuse) {
  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  for (const char* name : {"alice", "bob", "carol"}) ASSERT_NO_FATAL_FAILURE(house.Join(name));
  const CliUser& alice = house.user("alice");
  const CliUser& bob = house.user("bob");
  const CliUser& carol = house.user("carol");
  std::string conv = alice.CreateConversation("Photos", {"bob"});
  ASSERT_EQ(conv.size(), 32u);

  // ~200 KB (4 chunks), every line distinct and recognisable.
  std::string content;
  for (int i = 0; content.size() < 200000; ++i) {
    content += "Photo de famille, ligne secrete numero " + std::to_string(i) + "\n";
  }
  content.push_back('\0');  // binary-safe
  content += "\xff\xfe fin";
  const std::string name = "Anniversaire-Mamie-2026.bin";
  std::string path = WriteFile(name, content);

  ProcessResult sent = alice.Run({"send-file", "--conv", conv, "--caption", "pour toi", path});
  ASSERT_EQ(sent.exit_code, 0) << Describe(sent);
  std::string seq_text = sent.out.substr(0, sent.out.find('\t'));
  std::string file_id = sent.out.substr(sent.out.find('\t') + 1, 32);
  EXPECT_EQ(seq_text, "1") << Describe(sent);
  EXPECT_EQ(file_id.size(), 32u);

  // Bob's history shows the file as a readable line.
  std::vector<nlohmann::json> history = bob.History(conv);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0]["text"], "pour toi");
  ASSERT_TRUE(history[0].contains("file")) << history[0].dump();
  EXPECT_EQ(history[0]["file"]["name"], name);
  EXPECT_EQ(history[0]["file"]["size"], content.size());
  EXPECT_EQ(history[0]["file"]["id"], file_id);
  EXPECT_EQ(history[0]["file"]["mime"], "application/octet-stream");
  EXPECT_FALSE(history[0]["file"].contains("key")) << "the key is not printed";

  // Bob fetches it, byte for byte; a second fetch does not overwrite without --force.
  std::string out = temp_dir() + "/fetched.bin";
  ProcessResult fetched = bob.Run({"fetch-file", "--conv", conv, "--seq", "1", "-o", out});
  ASSERT_EQ(fetched.exit_code, 0) << Describe(fetched);
  EXPECT_EQ(ReadFile(out), content);
  ProcessResult again = bob.Run({"fetch-file", "--conv", conv, "--seq", "1", "-o", out});
  EXPECT_EQ(again.exit_code, 1) << Describe(again);

  // Carol is not a member: foyer-cli is refused ...
  ProcessResult spied = carol.Run({"fetch-file", "--conv", conv, "--seq", "1", "-o",
                                   temp_dir() + "/carol.bin"});
  EXPECT_EQ(spied.exit_code, 1) << Describe(spied);
  EXPECT_NE(spied.err.find("denied"), std::string::npos) << Describe(spied);
  EXPECT_FALSE(std::filesystem::exists(temp_dir() + "/carol.bin"));
  // ... and so are raw requests, even knowing the file id, through any conversation.
  RawClient raw(server_uri(), "carol:raw");
  ASSERT_EQ(raw.Connect("carol", house.AuthKeyHex("carol")), 0);
  nlohmann::json got = raw.Request(
      {{"id", "1"}, {"op", "file_get"}, {"conv", conv}, {"file", file_id}, {"index", 0}});
  EXPECT_EQ(got["ok"], false) << got.dump();
  EXPECT_EQ(got["error"], "denied") << got.dump();
  std::string own = carol.CreateConversation("Moi", {"admin"});
  got = raw.Request(
      {{"id", "2"}, {"op", "file_get"}, {"conv", own}, {"file", file_id}, {"index", 0}});
  EXPECT_EQ(got["error"], "not_found") << got.dump();
  got = raw.Request({{"id", "3"}, {"op", "file_begin"}, {"conv", conv}, {"size", 10}});
  EXPECT_EQ(got["error"], "denied") << got.dump();

  // Over the limit: refused before upload, with the limit in the message.
  std::string big = WriteFile("big.bin", std::string(kMaxFileBytes + 1, 'x'));
  ProcessResult refused = alice.Run({"send-file", "--conv", conv, big});
  EXPECT_EQ(refused.exit_code, 1) << Describe(refused);
  EXPECT_NE(refused.err.find("limit"), std::string::npos) << Describe(refused);
  EXPECT_NE(refused.err.find(std::to_string(kMaxFileBytes)), std::string::npos)
      << Describe(refused);
  EXPECT_EQ(bob.History(conv).size(), 1u) << "the refused file was announced";

  // Exactly at the limit is fine.
  std::string edge = WriteFile("edge.bin", std::string(kMaxFileBytes, 'y'));
  ProcessResult edge_sent = alice.Run({"send-file", "--conv", conv, edge});
  EXPECT_EQ(edge_sent.exit_code, 0) << Describe(edge_sent);

  // Neither the plaintext nor the name lies on disk, running or stopped.
  std::vector<std::string> needles = {"ligne secrete numero", "Photo de famille", name,
                                      "Anniversaire", "pour toi"};
  EXPECT_GT(ExpectNowhereOnDisk(needles), 0);
  ASSERT_NO_FATAL_FAILURE(StopBroker());
  EXPECT_GT(ExpectNowhereOnDisk(needles), 0);
}

}  // namespace
}  // namespace foyer_test
