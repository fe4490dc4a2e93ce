// The wizard's questions.
#include "setup_wizard.h"

#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <sstream>

#include "foyer/crypto.h"

namespace foyer {
namespace admin {

namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::string item;
  std::istringstream stream(text);
  while (std::getline(stream, item, ',')) {
    item = Trim(item);
    if (!item.empty()) items.push_back(item);
  }
  return items;
}

std::string JoinList(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

Status AbsolutePath(const std::string& path) {
  return !path.empty() && path[0] == '/' ? Status::OK()
                                         : Status::Invalid("give an absolute path (/...)");
}

}  // namespace

Prompter::Prompter(std::istream* in, std::ostream* out, SecretReader secret)
    : in_(in), out_(out), secret_(std::move(secret)) {}

bool Prompter::ReadLine(std::string* line) { return static_cast<bool>(std::getline(*in_, *line)); }

Status Prompter::Ask(const std::string& question, const std::string& default_answer,
                     std::string* answer, const std::function<Status(const std::string&)>& check) {
  while (true) {
    *out_ << question;
    if (!default_answer.empty()) *out_ << " [" << default_answer << "]";
    *out_ << ": " << std::flush;
    std::string line;
    if (!ReadLine(&line)) return Status::IOError("setup stopped: no more answers");
    line = Trim(line);
    if (line.empty()) line = default_answer;
    Status status = line.empty() ? Status::Invalid("an answer is needed") : Status::OK();
    if (status.ok() && check) status = check(line);
    if (status.ok()) {
      *answer = line;
      return status;
    }
    *out_ << "  " << status.message() << "\n";
  }
}

Status Prompter::AskNumber(const std::string& question, int default_answer, int min, int max,
                           int* answer) {
  std::string text;
  Status status = Ask(question, std::to_string(default_answer), &text, [&](const std::string& s) {
    bool digits =
        !s.empty() && s.size() < 9 && s.find_first_not_of("0123456789") == std::string::npos;
    int value = digits ? std::stoi(s) : -1;
    return value >= min && value <= max ? Status::OK()
                                        : Status::Invalid("a number from " + std::to_string(min) +
                                                          " to " + std::to_string(max));
  });
  if (status.ok()) *answer = std::stoi(text);
  return status;
}

Status Prompter::AskYesNo(const std::string& question, bool default_answer, bool* answer) {
  std::string text;
  Status status =
      Ask(question + " (y/n)", default_answer ? "y" : "n", &text, [](const std::string& s) {
        return s == "y" || s == "n" || s == "yes" || s == "no" ? Status::OK()
                                                               : Status::Invalid("answer y or n");
      });
  if (status.ok()) *answer = text[0] == 'y';
  return status;
}

Status Prompter::AskChoice(const std::string& question, const std::vector<std::string>& choices,
                           const std::string& default_answer, std::string* answer) {
  return Ask(question + " (" + JoinList(choices) + ")", default_answer, answer,
             [&](const std::string& s) {
               return std::find(choices.begin(), choices.end(), s) != choices.end()
                          ? Status::OK()
                          : Status::Invalid("one of: " + JoinList(choices));
             });
}

Status Prompter::AskNewSecret(const std::string& question, size_t min_length, std::string* answer) {
  while (true) {
    std::string first;
    std::string second;
    *out_ << question << ": " << std::flush;
    bool read = secret_ ? secret_(&first) : ReadLine(&first);
    *out_ << (secret_ ? "\n" : "") << "Again: " << std::flush;
    read = read && (secret_ ? secret_(&second) : ReadLine(&second));
    if (secret_) *out_ << "\n";
    if (!read) return Status::IOError("setup stopped: no more answers");
    bool same = first == second;
    crypto::Wipe(&second);
    if (!same) {
      *out_ << "  The two entries differ.\n";
    } else if (first.size() < min_length) {
      *out_ << "  At least " << min_length << " characters, please.\n";
    } else {
      *answer = first;
      crypto::Wipe(&first);
      return Status::OK();
    }
    crypto::Wipe(&first);
  }
}

Prompter::SecretReader TerminalSecretReader() {
  return [](std::string* line) {
    termios saved{};
    bool terminal = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (terminal) {
      termios hidden = saved;
      hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
    }
    bool read = static_cast<bool>(std::getline(std::cin, *line));
    if (terminal) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    return read;
  };
}

Status RunWizard(Prompter* prompter, SetupPlan* plan) {
  std::ostream& out = prompter->out();
  out << "Foyer setup: a few questions (Enter keeps the value in brackets).\n\n";
  Status status =
      prompter->Ask("Name of the household", plan->household_name, &plan->household_name);
  if (status.ok()) {
    out << "\nThe first account is the admin, named \"admin\": the broker writes its one-time\n"
           "invite when it first starts (shown at the end).\n\n";
    status = prompter->Ask("Where the encrypted data lives", plan->data_dir, &plan->data_dir,
                           AbsolutePath);
  }
  if (status.ok()) {
    status = prompter->Ask("Where the configuration goes", plan->config_dir, &plan->config_dir,
                           AbsolutePath);
  }
  std::string master;
  if (status.ok()) {
    out << "\nThe master key unlocks the data. A key file lets the machine restart alone;\n"
           "a passphrase is not stored with the data (you keep it in a file the services\n"
           "read, e.g. on a USB stick, or type it into that file at each start).\n";
    status = prompter->AskChoice("Master key from", {"keyfile", "passphrase"},
                                 plan->use_passphrase ? "passphrase" : "keyfile", &master);
  }
  if (status.ok() && master == "passphrase") {
    plan->use_passphrase = true;
    if (plan->passphrase_file.empty()) plan->passphrase_file = plan->config_dir + "/passphrase";
    status = prompter->Ask("Passphrase file", plan->passphrase_file, &plan->passphrase_file,
                           AbsolutePath);
    if (status.ok()) status = prompter->AskNewSecret("Passphrase", 12, &plan->passphrase);
  } else if (status.ok()) {
    plan->use_passphrase = false;
    std::string key_file = plan->key_file.empty() ? plan->data_dir + "/master.key" : plan->key_file;
    status = prompter->Ask("Key file (made at first start if missing)", key_file, &plan->key_file,
                           AbsolutePath);
  }
  if (status.ok()) {
    out << "\nPorts (TLS on the home network; the plain ones listen on this machine only).\n";
    status = prompter->AskNumber("MQTT over TLS", plan->mqtts_port, 1, 65535, &plan->mqtts_port);
  }
  if (status.ok()) {
    status = prompter->AskNumber("Secure WebSockets (web client)", plan->wss_port, 1, 65535,
                                 &plan->wss_port);
  }
  if (status.ok()) {
    status = prompter->AskNumber("HTTPS (web client, admin API)", plan->https_port, 1, 65535,
                                 &plan->https_port);
  }
  std::string tls;
  if (status.ok()) {
    out << "\nTLS: Foyer can make a household certificate authority (you install its\n"
           "certificate once on each phone and computer) and a server certificate, or use\n"
           "certificate files you already have.\n";
    status = prompter->AskChoice("Certificates", {"generate", "files"},
                                 plan->generate_tls ? "generate" : "files", &tls);
  }
  if (status.ok() && tls == "generate") {
    plan->generate_tls = true;
    std::string names;
    status = prompter->Ask("Host names of this machine (comma-separated)",
                           JoinList(plan->dns_names), &names);
    if (status.ok()) plan->dns_names = SplitList(names);
    std::string addresses;
    if (status.ok()) {
      status = prompter->Ask("Its addresses on the home network", JoinList(plan->ip_addresses),
                             &addresses);
    }
    if (status.ok()) plan->ip_addresses = SplitList(addresses);
    bool named =
        std::count(plan->dns_names.begin(), plan->dns_names.end(), plan->public_host) +
            std::count(plan->ip_addresses.begin(), plan->ip_addresses.end(), plan->public_host) >
        0;
    if (!named) plan->public_host = DefaultPublicHost(plan->dns_names, plan->ip_addresses);
  } else if (status.ok()) {
    plan->generate_tls = false;
    status = prompter->Ask("Certificate file (PEM, with its chain)", plan->tls_cert,
                           &plan->tls_cert, AbsolutePath);
    if (status.ok()) {
      status = prompter->Ask("Its private key file", plan->tls_key, &plan->tls_key, AbsolutePath);
    }
    if (status.ok()) {
      status = prompter->Ask("CA certificate to give the family (- for none)",
                             plan->tls_ca.empty() ? "-" : plan->tls_ca, &plan->tls_ca);
      if (plan->tls_ca == "-") plan->tls_ca.clear();
    }
  }
  if (status.ok()) {
    status = prompter->Ask("Address to give the family", plan->public_host, &plan->public_host);
  }
  return status;
}

}  // namespace admin
}  // namespace foyer
