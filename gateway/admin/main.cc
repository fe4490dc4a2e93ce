// foyer-admin: the household admin's text interface (see command_line.h).
#include <sys/resource.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "command_line.h"
#include "foyer/crypto.h"

int main(int argc, char** argv) {
  // foyer-admin handles the master key during restore: no core dumps.
  rlimit no_core{0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  if (!foyer::crypto::Init()) {
    std::cerr << "foyer-admin: cannot initialise the crypto library\n";
    return foyer::admin::kExitError;
  }
  std::vector<std::string> args(argv + 1, argv + argc);
  return foyer::admin::Run(args, std::cin, std::cout, std::cerr,
                           [](const char* name) { return std::getenv(name); });
}
