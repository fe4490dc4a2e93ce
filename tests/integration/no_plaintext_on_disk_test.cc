// Scenario 7: after people registered and talked, no file of the data
// directory holds a user name, the conversation title, a message's text or a
// login secret, in any letter case.
#include <algorithm>
#include <cctype>
#include <filesystem>

#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "foyer/crypto.h"
#include "household.h"

namespace foyer_test {
namespace {

std::string AsciiLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

class NoPlaintextOnDiskTest : public BrokerFixture {
 protected:
  // Fails for every file of the data directory that contains `needle`
  // (compared without regard to ASCII letter case). Returns the files read.
  int ExpectNowhereOnDisk(const std::vector<std::string>& needles) {
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(data_dir())) {
      if (!entry.is_regular_file()) continue;
      ++files;
      std::string content = ReadFile(entry.path().string());
      EXPECT_EQ(content.size(), std::filesystem::file_size(entry.path()))
          << "could not read all of " << entry.path();
      std::string lowered = AsciiLower(content);
      for (const std::string& needle : needles) {
        EXPECT_EQ(lowered.find(AsciiLower(needle)), std::string::npos)
            << entry.path() << " contains a plaintext secret or name (" << needle.size()
            << " bytes)";
      }
    }
    return files;
  }
};

TEST_F(NoPlaintextOnDiskTest, DataDirectoryHoldsNoNameTitleOrText) {
  // Names of five letters or more: a three-letter one could show up by
  // chance in a few hundred kilobytes of ciphertext.
  const std::vector<std::string> names = {"alice", "bernard", "carol"};
  const std::string title = u8"Vacances à Biarritz chez Mamie";
  const std::vector<std::string> lines = {
      u8"Le code du portail est 4711, ne le dis à personne",
      u8"Réservation du gîte confirmée pour le 14 juillet 🏖️",
      "Rendez-vous chez le notaire jeudi matin",
  };

  Household house(server_url(), temp_dir(), admin_invite());
  ASSERT_NO_FATAL_FAILURE(house.RegisterAdmin());
  for (const std::string& name : names) ASSERT_NO_FATAL_FAILURE(house.Join(name));
  const CliUser& alice = house.user("alice");
  const CliUser& bernard = house.user("bernard");
  std::string conv = alice.CreateConversation(title, {"bernard", "carol"});
  ASSERT_EQ(conv.size(), 32u);
  EXPECT_EQ(alice.Send(conv, lines[0]), 1u);
  EXPECT_EQ(bernard.Send(conv, lines[1]), 2u);
  EXPECT_EQ(alice.Send(conv, lines[2]), 3u);
  std::vector<nlohmann::json> history = bernard.History(conv);
  ASSERT_EQ(history.size(), 3u) << "the conversation did not happen";

  std::vector<std::string> needles = names;
  needles.push_back(Household::kAdminName);
  needles.push_back(title);
  needles.push_back("Biarritz");
  needles.insert(needles.end(), lines.begin(), lines.end());
  needles.push_back("portail");
  needles.push_back("notaire");
  for (const std::string& name : {std::string("alice"), std::string("bernard")}) {
    std::string auth_key_hex = house.AuthKeyHex(name);
    std::string auth_key;
    ASSERT_TRUE(foyer::crypto::FromHex(auth_key_hex, &auth_key));
    needles.push_back(auth_key_hex);
    needles.push_back(auth_key);
    needles.push_back(Household::PasswordOf(name));
  }

  // While the broker runs, and once it has stopped and flushed everything.
  EXPECT_GT(ExpectNowhereOnDisk(needles), 0) << "the data directory is empty";
  ASSERT_NO_FATAL_FAILURE(StopBroker());
  EXPECT_GT(ExpectNowhereOnDisk(needles), 0);
}

}  // namespace
}  // namespace foyer_test
