// plugin_opt_* parsing.
#include "options.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace plugin
}  // namespace foyer
