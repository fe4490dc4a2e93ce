// The interactive part of `foyer-admin setup`: questions in the terminal,
// each with a default in brackets (Enter keeps it), and the next-steps text.
#ifndef FOYER_GATEWAY_ADMIN_SETUP_WIZARD_H_
#define FOYER_GATEWAY_ADMIN_SETUP_WIZARD_H_

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "foyer/status.h"
#include "setup_plan.h"

namespace foyer {
namespace admin {

class Prompter {
 public:
  // Reads a line without echo (passphrases); false at the end of input.
  using SecretReader = std::function<bool(std::string* line)>;
  // `secret`: how to read hidden answers; empty: like other lines.
  Prompter(std::istream* in, std::ostream* out, SecretReader secret = nullptr);

  // Asks until the answer is accepted by `check` (a non-OK Status is shown
  // and the question repeated). IOError at the end of input.
  Status Ask(const std::string& question, const std::string& default_answer, std::string* answer,
             const std::function<Status(const std::string&)>& check = nullptr);
  Status AskNumber(const std::string& question, int default_answer, int min, int max, int* answer);
  // "y" / "n".
  Status AskYesNo(const std::string& question, bool default_answer, bool* answer);
  // One of `choices` (by its text).
  Status AskChoice(const std::string& question, const std::vector<std::string>& choices,
                   const std::string& default_answer, std::string* answer);
  // Asked twice, hidden; at least `min_length` characters.
  Status AskNewSecret(const std::string& question, size_t min_length, std::string* answer);

  std::ostream& out() { return *out_; }

 private:
  bool ReadLine(std::string* line);
  std::istream* in_;
  std::ostream* out_;
  SecretReader secret_;
};

// A reader of hidden lines from the terminal on stdin (echo off meanwhile).
Prompter::SecretReader TerminalSecretReader();

// Asks every question of the wizard, starting from `plan`'s values (the
// detected or flag-given defaults) and updating it.
Status RunWizard(Prompter* prompter, SetupPlan* plan);

// What to do next: how to start, the first admin, the fibre box, the address
// for the family, trusting the CA on a phone.
void PrintNextSteps(const SetupPlan& plan, const SetupResult& result, std::ostream& out);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_SETUP_WIZARD_H_
