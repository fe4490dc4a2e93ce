#include "process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "launchers.h"

extern char** environ;

namespace foyer_test {
namespace {

std::vector<std::string> ChildEnvironment(const std::map<std::string, std::string>& extra) {
  std::vector<std::string> env;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string item(*entry);
    std::string name = item.substr(0, item.find('='));
    if (name.rfind("FOYER_", 0) == 0 || extra.count(name) > 0) continue;
    env.push_back(item);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

ProcessResult ResultFromStatus(int status) {
  ProcessResult result;
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace

Process::~Process() {
  if (pid_ > 0 && !exited_) {
    kill(pid_, SIGKILL);
    Reap(true);
  }
  if (reader_.joinable()) reader_.join();
}

bool Process::Start(const ProcessOptions& options, std::string* error) {
  // Everything the child needs is prepared before fork (no allocation after).
  std::vector<std::string> env = ChildEnvironment(options.env);
  std::vector<char*> argv;
  for (const std::string& arg : options.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const std::string& item : env) envp.push_back(const_cast<char*>(item.c_str()));
  envp.push_back(nullptr);

  int out_pipe[2] = {-1, -1};
  int err_pipe[2] = {-1, -1};
  int exec_pipe[2] = {-1, -1};  // carries errno when exec fails
  int file_fd = -1;
  if (options.output_file.empty()) {
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
      *error = std::string("pipe: ") + strerror(errno);
      return false;
    }
  } else {
    file_fd = open(options.output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (file_fd < 0) {
      *error = options.output_file + ": " + strerror(errno);
      return false;
    }
  }
  if (pipe2(exec_pipe, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + strerror(errno);
    return false;
  }
  int dev_null = open("/dev/null", O_RDONLY | O_CLOEXEC);
  pid_t parent = getpid();

  pid_t pid = fork();
  if (pid < 0) {
    *error = std::string("fork: ") + strerror(errno);
    return false;
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);
    dup2(dev_null, 0);
    dup2(file_fd >= 0 ? file_fd : out_pipe[1], 1);
    dup2(file_fd >= 0 ? file_fd : err_pipe[1], 2);
    execve(argv[0], argv.data(), envp.data());
    int code = errno;
    (void)!write(exec_pipe[1], &code, sizeof(code));
    _exit(127);
  }

  pid_ = pid;
  close(dev_null);
  close(exec_pipe[1]);
  int exec_errno = 0;
  ssize_t got = read(exec_pipe[0], &exec_errno, sizeof(exec_errno));
  close(exec_pipe[0]);
  if (file_fd >= 0) close(file_fd);
  if (out_pipe[1] >= 0) close(out_pipe[1]);
  if (err_pipe[1] >= 0) close(err_pipe[1]);
  if (got == static_cast<ssize_t>(sizeof(exec_errno))) {
    *error = options.argv[0] + ": " + strerror(exec_errno);
    if (out_pipe[0] >= 0) close(out_pipe[0]);
    if (err_pipe[0] >= 0) close(err_pipe[0]);
    Reap(true);
    return false;
  }
  if (options.output_file.empty()) {
    reader_ = std::thread(&Process::ReadOutput, this, out_pipe[0], err_pipe[0]);
  } else {
    output_closed_ = true;
  }
  return true;
}

void Process::ReadOutput(int out_fd, int err_fd) {
  pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_count = 2;
  char buffer[4096];
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      std::lock_guard<std::mutex> lock(mutex_);
      (i == 0 ? out_ : err_).append(buffer, static_cast<size_t>(n));
      changed_.notify_all();
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  output_closed_ = true;
  changed_.notify_all();
}

bool Process::Reap(bool block) {
  if (pid_ <= 0 || exited_) return true;
  int status = 0;
  pid_t done;
  do {
    done = waitpid(pid_, &status, block ? 0 : WNOHANG);
  } while (done < 0 && errno == EINTR);
  if (done == pid_ || done < 0) {
    status_ = status;
    exited_ = true;
  }
  return exited_;
}

bool Process::running() { return pid_ > 0 && !Reap(false); }

bool Process::WaitForStderr(const std::string& text, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return err_.find(text) != std::string::npos || output_closed_;
  }) && err_.find(text) != std::string::npos;
}

ProcessResult Process::Wait(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  bool timed_out = false;
  while (!Reap(false)) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(pid_, SIGKILL);
      Reap(true);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (reader_.joinable()) reader_.join();
  ProcessResult result = ResultFromStatus(status_);
  if (timed_out) result.exit_code = -1;
  result.timed_out = timed_out;
  result.out = Stdout();
  result.err = Stderr();
  return result;
}

ProcessResult Process::Stop(std::chrono::milliseconds grace) {
  if (pid_ > 0 && !Reap(false)) kill(pid_, SIGTERM);
  ProcessResult result = Wait(grace);
  result.timed_out = false;  // a kill after the grace period is still a stop
  return result;
}

std::string Process::Stdout() {
  std::lock_guard<std::mutex> lock(mutex_);
  return out_;
}

std::string Process::Stderr() {
  std::lock_guard<std::mutex> lock(mutex_);
  return err_;
}

ProcessResult RunProcess(const ProcessOptions& options, std::chrono::milliseconds timeout) {
  Process process;
  std::string error;
  if (!process.Start(options, &error)) {
    ProcessResult result;
    result.err = error;
    return result;
  }
  return process.Wait(timeout);
}

namespace {

std::vector<std::string> Prefixed(const std::vector<std::string>& launcher,
                                  std::vector<std::string> argv) {
  argv.insert(argv.begin(), launcher.begin(), launcher.end());
  return argv;
}

}  // namespace

std::vector<std::string> TargetCommand(std::vector<std::string> argv) {
  return Prefixed(kTestLauncher, std::move(argv));
}

std::vector<std::string> MosquittoCommand(std::vector<std::string> argv) {
  return Prefixed(kMosquittoLauncher, std::move(argv));
}

}  // namespace foyer_test
