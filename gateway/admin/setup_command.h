// `foyer-admin setup`'s flags, turned into a plan (see setup_plan.h).
#ifndef FOYER_GATEWAY_ADMIN_SETUP_COMMAND_H_
#define FOYER_GATEWAY_ADMIN_SETUP_COMMAND_H_

#include <boost/program_options.hpp>

#include "command_line.h"
#include "host_names.h"
#include "setup_plan.h"

namespace foyer {
namespace admin {

boost::program_options::options_description SetupOptionsDescription();

// The plan the flags describe, with defaults for what they leave out
// (directories by whether we run as root, names from `detected`). Throws
// UsageError for contradictory flags.
SetupPlan PlanFromOptions(const boost::program_options::variables_map& values,
                          const EnvFunction& env, const HostNames& detected);

}  // namespace admin
}  // namespace foyer

#endif  // FOYER_GATEWAY_ADMIN_SETUP_COMMAND_H_
