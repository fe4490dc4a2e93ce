#include "foyer/cli/password.h"

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "foyer/crypto.h"

namespace foyer {
namespace cli {
namespace {

void TrimNewline(std::string* text) {
  while (!text->empty() && (text->back() == '\n' || text->back() == '\r')) text->pop_back();
}

bool Prompt(const std::string& question, std::string* answer) {
  std::cerr << question << std::flush;
  termios old_mode;
  const bool terminal = ::tcgetattr(STDIN_FILENO, &old_mode) == 0;
  if (terminal) {
    termios quiet = old_mode;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  const bool ok = static_cast<bool>(std::getline(std::cin, *answer));
  if (terminal) ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &old_mode);
  std::cerr << "\n";
  TrimNewline(answer);
  return ok;
}

}  // namespace

Status ReadPassword(const std::string& password_file, const std::string& user, bool confirm,
                    std::string* password) {
  if (!password_file.empty()) {
    std::ifstream in(password_file);
    if (!in) return Status::IOError("cannot read the password file " + password_file);
    std::stringstream text;
    text << in.rdbuf();
    *password = text.str();
    TrimNewline(password);
  } else if (const char* from_env = std::getenv("FOYER_PASSWORD")) {
    *password = from_env;
  } else if (::isatty(STDIN_FILENO)) {
    if (!Prompt("Password for " + user + ": ", password)) {
      return Status::Invalid("no password given");
    }
    if (confirm) {
      std::string again;
      bool ok = Prompt("Password again: ", &again);
      bool same = ok && again == *password;
      crypto::Wipe(&again);
      if (!same) {
        crypto::Wipe(password);
        return Status::Invalid("the passwords differ");
      }
    }
  } else {
    return Status::Invalid("a password is needed: use --password-file or FOYER_PASSWORD "
                           "(no prompt when stdin is not a terminal)");
  }
  if (password->empty()) return Status::Invalid("the password is empty");
  return Status::OK();
}

}  // namespace cli
}  // namespace foyer
