// A fresh temporary directory for one test (the test removes it).
#ifndef FOYER_GATEWAY_ADMIN_TEST_DIR_H_
#define FOYER_GATEWAY_ADMIN_TEST_DIR_H_

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

namespace foyer {
namespace admin {

inline std::string MakeTestDir(const std::string& tag) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                        "/foyer-admin-" + tag + "-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp " << pattern;
    return "/nonexistent";
  }
  return buffer.data();
}

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_TEST_DIR_H_
