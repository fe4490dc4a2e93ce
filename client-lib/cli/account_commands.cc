// foyer-cli: register, invite, whoami, users, fingerprint, trust.
#include <iostream>

#include "cli.h"
#include "foyer/crypto.h"
#include "foyer/cli/password.h"

namespace foyer {
namespace cli {
int RunRegister(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string code;
  po::options_description specific("register");
  specific.add_options()("invite", po::value<std::string>(&code)->required()->value_name("CODE"),
                         "the invite code given by an admin");
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("register --invite CODE", &globals, specific, {}, args, &values, &exit)) return exit;
  client::Options options = BaseOptions(globals);
  client::Registration registration;
  Status status = client::Register(
      options, code,
      [&globals](const std::string& user, std::string* password) {
        return ReadPassword(globals.password_file, user, true, password);
      },
      &registration);
  if (!status.ok()) return Fail(status);
  Profile profile;
  profile.user = registration.user;
  profile.household = crypto::ToHex(registration.household);
  profile.role = registration.role;
  profile.server = options.server;
  profile.cacert = options.ca_file;
  if (registration.role == "device") {
    profile.auth_key = std::move(registration.credentials.auth_key);
    profile.kek = std::move(registration.credentials.kek);
  }
  status = SaveProfile(globals.home, profile);
  if (!status.ok()) return Fail(status);
  std::cout << "registered as " << registration.user << " (" << registration.role << ")"
            << std::endl;
  return kExitOk;
}

int RunInvite(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string name;
  uint64_t ttl = 0;
  po::options_description specific("invite");
  specific.add_options()("name", po::value<std::string>(&name)->required(), "the new user's name")
      ("device", "invite a device")("admin", "invite an admin")
      ("ttl", po::value<uint64_t>(&ttl)->value_name("SECONDS"), "validity (default 7 days)");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("invite NAME [--device|--admin] [--ttl S]", &globals, specific, positional, args,
             &values, &exit)) {
    return exit;
  }
  if (values.count("device") && values.count("admin")) {
    return UsageFail("--device and --admin exclude each other");
  }
  const std::string role = values.count("device") ? "device" : values.count("admin") ? "admin"
                                                                                     : "member";
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  client::InviteInfo invite;
  status = session.client->Invite(name, role, ttl, &invite);
  if (!status.ok()) return Fail(status);
  std::cout << invite.code << std::endl;
  return kExitOk;
}

int RunWhoami(GlobalOptions globals, const std::vector<std::string>& args) {
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("whoami", &globals, po::options_description("whoami"), {}, args, &values, &exit)) {
    return exit;
  }
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  client::Identity identity;
  status = session.client->Whoami(&identity);
  if (!status.ok()) return Fail(status);
  std::cout << identity.user << "\t" << identity.role << "\t" << identity.household << std::endl;
  return kExitOk;
}

int RunUsers(GlobalOptions globals, const std::vector<std::string>& args) {
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("users", &globals, po::options_description("users"), {}, args, &values, &exit)) {
    return exit;
  }
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  std::vector<client::UserInfo> users;
  status = session.client->Users(&users);
  if (!status.ok()) return Fail(status);
  for (const auto& user : users) {
    std::cout << user.name << "\t" << user.role << "\t" << user.fingerprint << "\t"
              << (user.pin == client::PinState::kChanged ? "CHANGED" : "pinned") << "\n";
  }
  std::cout << std::flush;
  return kExitOk;
}

int RunFingerprint(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string name;
  po::options_description specific("fingerprint");
  specific.add_options()("name", po::value<std::string>(&name), "whose (default: yours)");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("fingerprint [NAME]", &globals, specific, positional, args, &values, &exit)) {
    return exit;
  }
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  if (name.empty()) name = session.client->user();
  std::string fingerprint;
  client::PinState pin = client::PinState::kPinned;
  status = session.client->Fingerprint(name, &fingerprint, &pin);
  if (!status.ok()) return Fail(status);
  std::cout << fingerprint << std::endl;
  if (pin == client::PinState::kChanged) {
    std::cerr << "foyer-cli: warning: the keys of " << name
              << " changed since they were pinned; compare this fingerprint with " << name
              << " in person, then run: foyer-cli trust " << name << std::endl;
  }
  return kExitOk;
}

int RunTrust(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string name;
  po::options_description specific("trust");
  specific.add_options()("name", po::value<std::string>(&name)->required(), "whose keys");
  po::positional_options_description positional;
  positional.add("name", 1);
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("trust NAME", &globals, specific, positional, args, &values, &exit)) return exit;
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  status = session.client->Trust(name);
  if (!status.ok()) return Fail(status);
  std::string fingerprint;
  session.client->Fingerprint(name, &fingerprint);
  std::cout << "trusted " << name << ": " << fingerprint << std::endl;
  return kExitOk;
}

}  // namespace cli
}  // namespace foyer
