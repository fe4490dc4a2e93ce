// Tests of secret memory: how many mappings (VMAs) this process has.
#ifndef FOYER_COMMON_MAPPING_COUNT_TEST_UTIL_H_
#define FOYER_COMMON_MAPPING_COUNT_TEST_UTIL_H_

#include <cstddef>
#include <fstream>
#include <string>

namespace foyer {

// Lines of /proc/self/maps: one per mapping (VMA) of this process.
inline size_t MappingCount() {
  std::ifstream maps("/proc/self/maps");
  size_t count = 0;
  std::string line;
  while (std::getline(maps, line)) ++count;
  return count;
}

}  // namespace foyer

#endif  // FOYER_COMMON_MAPPING_COUNT_TEST_UTIL_H_
