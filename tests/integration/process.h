// Child processes for the integration tests: run a program with extra
// environment variables, capture its output, wait with a deadline, and always
// kill it when the handle goes away (the child also dies with the test
// process: PR_SET_PDEATHSIG).
#ifndef FOYER_TESTS_INTEGRATION_PROCESS_H_
#define FOYER_TESTS_INTEGRATION_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace foyer_test {

struct ProcessOptions {
  // argv[0] is the program's path.
  std::vector<std::string> argv;
  // Set (or override) in the child's environment. Every other FOYER_*
  // variable of the test's environment is removed.
  std::map<std::string, std::string> env;
  // When non-empty, stdout and stderr go (appended) to this file instead of
  // being captured.
  std::string output_file;
};

struct ProcessResult {
  int exit_code = -1;      // -1 when killed by a signal or timed out
  bool timed_out = false;
  std::string out;         // captured stdout
  std::string err;         // captured stderr
};

class Process {
 public:
  Process() = default;
  ~Process();  // kills (SIGKILL) a child still running, and reaps it
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Starts the child. Returns false (and `error`) when fork or exec fails.
  bool Start(const ProcessOptions& options, std::string* error);
  pid_t pid() const { return pid_; }
  bool running();

  // Waits until stderr contains `text`; false on timeout or exit.
  bool WaitForStderr(const std::string& text, std::chrono::milliseconds timeout);
  // Waits for the exit; on timeout kills the child and sets timed_out.
  ProcessResult Wait(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after `grace`. Returns the exit status.
  ProcessResult Stop(std::chrono::milliseconds grace);

  std::string Stdout();
  std::string Stderr();

 private:
  void ReadOutput(int out_fd, int err_fd);
  bool Reap(bool block);

  pid_t pid_ = -1;
  int status_ = 0;
  bool exited_ = false;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string out_;
  std::string err_;
  bool output_closed_ = false;
};

// Runs a program to its end (or kills it after `timeout`).
ProcessResult RunProcess(const ProcessOptions& options, std::chrono::milliseconds timeout);

// The argv that runs one of our programs (`argv[0]` built for the target),
// and the one that runs mosquitto: unchanged natively; under emulation
// (scripts/cross-arm64) prefixed by FOYER_TEST_LAUNCHER and
// FOYER_MOSQUITTO_LAUNCHER (CMake cache variables, see CMakeLists.txt).
std::vector<std::string> TargetCommand(std::vector<std::string> argv);
std::vector<std::string> MosquittoCommand(std::vector<std::string> argv);

}  // namespace foyer_test

#endif  // FOYER_TESTS_INTEGRATION_PROCESS_H_
