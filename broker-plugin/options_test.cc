// plugin_opt_* parsing.
#include "options.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace foyer {
namespace plugin {
namespace {

TEST(OptionsTest, DefaultsAndValues) {
  PluginOptions options;
  ASSERT_TRUE(ParseOptions({{"data_dir", "/d"}}, &options).ok());
  EXPECT_EQ(options.data_dir, "/d");
  EXPECT_EQ(options.invite_ttl_s, 604800u);
  EXPECT_EQ(options.max_people, 25u);
  EXPECT_EQ(options.max_devices, 25u);
  EXPECT_EQ(options.sync_ms, 1000u);
  ASSERT_TRUE(ParseOptions({{"data_dir", "/d"}, {"invite_ttl", "3600"}, {"max_people", "5"},
                            {"max_devices", "0"}, {"sync_ms", "250"}, {"key_file", "/k"}},
                           &options)
                  .ok());
  EXPECT_EQ(options.invite_ttl_s, 3600u);
  EXPECT_EQ(options.max_people, 5u);
  EXPECT_EQ(options.max_devices, 0u);
  EXPECT_EQ(options.sync_ms, 250u);
  EXPECT_EQ(options.key_file, "/k");
}

TEST(OptionsTest, Refusals) {
  PluginOptions options;
  EXPECT_FALSE(ParseOptions({}, &options).ok());
  EXPECT_FALSE(ParseOptions({{"data_dir", "/d"}, {"typo", "1"}}, &options).ok());
  EXPECT_FALSE(ParseOptions({{"data_dir", "/d"}, {"max_people", "26"}}, &options).ok());
  EXPECT_FALSE(ParseOptions({{"data_dir", "/d"}, {"max_people", "-1"}}, &options).ok());
  EXPECT_FALSE(ParseOptions({{"data_dir", "/d"}, {"invite_ttl", "10"}}, &options).ok());
  EXPECT_FALSE(ParseOptions({{"data_dir", "/d"}, {"sync_ms", "1s"}}, &options).ok());
  EXPECT_FALSE(
      ParseOptions({{"data_dir", "/d"}, {"key_file", "/k"}, {"passphrase_file", "/p"}}, &options)
          .ok());
  Status status = ParseOptions({{"data_dir", "/d"}, {"typo", "1"}}, &options);
  EXPECT_NE(status.message().find("plugin_opt_typo"), std::string::npos);
}

// Writes `text` to a temporary file, removed at the end of the test.
class ConfigFile {
 public:
  explicit ConfigFile(const std::string& text) {
    char pattern[] = "/tmp/foyer-options-XXXXXX";
    int fd = ::mkstemp(pattern);
    ::close(fd);
    path_ = pattern;
    std::ofstream(path_) << text;
  }
  ~ConfigFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(OptionsTest, SharedConfigFileAndOverrides) {
  ConfigFile file(
      "# Foyer\ndata_dir = /var/lib/foyer\nmax_people = 10\ngateway_key_file = /run/g.key\n"
      "[gateway]\nport = 8443\nunknown_here = fine\n");
  PluginOptions options;
  Status status = ParseOptions({{"config", file.path()}}, &options);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(options.data_dir, "/var/lib/foyer");
  EXPECT_EQ(options.max_people, 10u);
  EXPECT_EQ(options.gateway_key_file, "/run/g.key");
  // plugin_opt_ lines override the file, whatever their order.
  ASSERT_TRUE(
      ParseOptions({{"max_people", "3"}, {"config", file.path()}, {"data_dir", "/d"}}, &options)
          .ok());
  EXPECT_EQ(options.max_people, 3u);
  EXPECT_EQ(options.data_dir, "/d");
}

TEST(OptionsTest, SharedConfigFileRefusals) {
  PluginOptions options;
  EXPECT_EQ(ParseOptions({{"config", "/nonexistent/foyer.conf"}}, &options).code(),
            Status::Code::kIOError);
  ConfigFile typo("data_dir = /d\nmax_peple = 3\n");
  Status status = ParseOptions({{"config", typo.path()}}, &options);
  EXPECT_NE(status.message().find("max_peple"), std::string::npos) << status.ToString();
  ConfigFile bad_number("data_dir = /d\nmax_people = many\n");
  EXPECT_FALSE(ParseOptions({{"config", bad_number.path()}}, &options).ok());
}

}  // namespace
}  // namespace plugin
}  // namespace foyer
