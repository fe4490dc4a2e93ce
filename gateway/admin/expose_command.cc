// `foyer-admin expose`: the command line over expose_mappings.h.
#include <string>
#include <vector>

#include "commands.h"
#include "expose_igd.h"
#include "expose_mappings.h"

namespace foyer {
namespace admin {

namespace po = boost::program_options;

int RunExpose(const std::vector<std::string>& args, Context& context) {
  po::options_description options;
  options.add_options()("remove", "remove the mappings that point at this machine")(
      "show", "only show the external address and the mappings")(
      "config-dir", po::value<std::string>()->value_name("DIR"),
      "read the TLS ports from DIR/mosquitto.conf and DIR/foyer.conf (default /etc/foyer)")(
      "ports", po::value<std::string>()->value_name("LIST"),
      "map these TCP ports instead (comma-separated, e.g. 8883,8884,8443)")(
      "lan-address", po::value<std::string>()->value_name("IPV4"),
      "forward to this address (default: this machine's address towards the router)")(
      "lease", po::value<uint32_t>()->default_value(0)->value_name("SECONDS"),
      "lease of new mappings (0: until removed; some routers want a finite one)")(
      "interface", po::value<std::string>()->value_name("NAME"),
      "network interface for the discovery (default: the system's choice)")(
      "wait-ms", po::value<int>()->default_value(2000)->value_name("MS"),
      "how long to wait for the router's answer to the discovery");
  po::variables_map values;
  if (!ParseOrHelp(args, "expose [--remove | --show] [--config-dir DIR | --ports LIST]", options,
                   {}, &values, context)) {
    return kExitOk;
  }
  if (values.count("remove") && values.count("show")) {
    throw UsageError("give at most one of --remove and --show");
  }
  if (values.count("ports") && values.count("config-dir")) {
    throw UsageError("give --ports or --config-dir, not both");
  }
  ExposeOptions expose;
  expose.action = values.count("remove")  ? ExposeAction::kRemove
                  : values.count("show") ? ExposeAction::kShow
                                          : ExposeAction::kAdd;
  Status status;
  if (values.count("ports")) {
    status = ParsePortList(values["ports"].as<std::string>(), &expose.ports);
    if (!status.ok()) throw UsageError(status.message());
  } else {
    std::string dir =
        values.count("config-dir") ? values["config-dir"].as<std::string>() : "/etc/foyer";
    status = ReadExposedPorts(dir, &expose.ports);
    if (!status.ok()) return ReportError(context, status);
  }
  if (values.count("lan-address")) expose.lan_address = values["lan-address"].as<std::string>();
  expose.lease_s = values["lease"].as<uint32_t>();
  DiscoverOptions discover;
  discover.wait_ms = values["wait-ms"].as<int>();
  if (discover.wait_ms < 100 || discover.wait_ms > 60000) {
    throw UsageError("--wait-ms must be between 100 and 60000");
  }
  if (values.count("interface")) discover.interface = values["interface"].as<std::string>();

  std::unique_ptr<Igd> igd;
  status = DiscoverIgd(discover, &igd);
  if (!status.ok()) return ReportError(context, status);
  status = Expose(expose, *igd, *context.out);
  if (!status.ok()) return ReportError(context, status);
  return kExitOk;
}

}  // namespace admin
}  // namespace foyer
