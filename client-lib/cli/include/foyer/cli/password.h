// Where foyer-cli and foyer-admin find a person's password: --password-file,
// else the FOYER_PASSWORD environment variable, else a prompt without echo
// (on stderr) when stdin is a terminal. Never from a prompt when stdin is
// not a terminal.
#ifndef FOYER_CLI_SESSION_PASSWORD_H_
#define FOYER_CLI_SESSION_PASSWORD_H_

#include <string>

#include "foyer/status.h"

namespace foyer {
namespace cli {

// `confirm`: on a terminal, ask twice (registration). Invalid when no source
// is available.
Status ReadPassword(const std::string& password_file, const std::string& user, bool confirm,
                    std::string* password);

}  // namespace cli
}  // namespace foyer

#endif  // FOYER_CLI_SESSION_PASSWORD_H_
