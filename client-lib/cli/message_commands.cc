// foyer-cli: send, listen, history.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <mutex>

#include <nlohmann/json.hpp>

#include "cli.h"

namespace foyer {
namespace cli {
namespace {

std::string MessageLine(const client::Message& message) {
  nlohmann::ordered_json line;
  line["conv"] = message.conv;
  line["sender"] = message.sender;
  line["text"] = message.text;
  line["seq"] = message.seq;
  line["time"] = message.time;
  line["cmid"] = message.cmid;
  if (!message.reply_to.empty()) line["reply_to"] = message.reply_to;
  if (message.has_file) {
    line["file"] = {{"id", message.file.id},
                    {"name", message.file.name},
                    {"mime", message.file.mime},
                    {"size", message.file.size}};
  }
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void PrintError(const client::MessageError& error) {
  std::cerr << "foyer-cli: rejected";
  if (!error.conv.empty()) std::cerr << " in " << error.conv;
  if (error.seq > 0) std::cerr << " seq " << error.seq;
  if (!error.sender.empty()) std::cerr << " from " << error.sender;
  std::cerr << ": " << error.status.ToString() << std::endl;
}

}  // namespace

int RunSend(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string conv, reply_to;
  std::vector<std::string> words;
  po::options_description specific("send");
  specific.add_options()("conv", po::value<std::string>(&conv)->required()->value_name("ID"),
                         "conversation id")
      ("reply-to", po::value<std::string>(&reply_to)->value_name("CMID"), "message replied to")
      ("text", po::value<std::vector<std::string>>(&words), "the text (default: stdin)");
  po::positional_options_description positional;
  positional.add("text", -1);
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("send --conv ID [--reply-to CMID] [TEXT...]", &globals, specific, positional,
                 args, &values, &exit)) {
    return exit;
  }
  std::string text;
  if (words.empty()) {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    if (!text.empty() && text.back() == '\n') text.pop_back();
  } else {
    for (const auto& word : words) text += (text.empty() ? "" : " ") + word;
  }
  if (text.empty()) return UsageFail("nothing to send");
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  client::Message stamped;
  status = session.client->Send(conv, text, reply_to, &stamped);
  if (!status.ok()) return Fail(status);
  std::cout << stamped.seq << std::endl;
  return kExitOk;
}

int RunListen(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string conv;
  uint64_t count = 0;
  int timeout_seconds = 0;
  po::options_description specific("listen");
  specific.add_options()("conv", po::value<std::string>(&conv)->value_name("ID"),
                         "only this conversation (default: all)")
      ("count", po::value<uint64_t>(&count)->value_name("N"), "exit after N messages")
      ("timeout", po::value<int>(&timeout_seconds)->value_name("S"),
       "exit after S seconds (exit code 3 if --count was not reached)");
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("listen [--conv ID] [--count N] [--timeout S]", &globals, specific, {}, args,
                 &values, &exit, /*with_timeout=*/false)) {
    return exit;
  }
  std::mutex mutex;
  std::condition_variable printed_one;
  uint64_t printed = 0;
  client::Options options = BaseOptions(globals);
  options.on_message = [&](const client::Message& message) {
    if (!conv.empty() && message.conv != conv) return;
    std::lock_guard<std::mutex> lock(mutex);
    if (count > 0 && printed >= count) return;
    std::string line = MessageLine(message) + "\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fflush(stdout);
    ++printed;
    printed_one.notify_all();
  };
  options.on_error = [](const client::MessageError& error) { PrintError(error); };
  Session session;
  Status status = OpenSession(globals, options, &session);
  if (!status.ok()) return Fail(status);
  if (!conv.empty()) {
    std::vector<client::Conversation> convs;
    status = session.client->ListConversations(&convs);
    if (!status.ok()) return Fail(status);
    bool member = false;
    for (const auto& known : convs) member |= known.id == conv;
    if (!member) return Fail(Status::NotFound("not a member of conversation " + conv));
  }
  std::cerr << "ready" << std::endl;
  std::unique_lock<std::mutex> lock(mutex);
  auto done = [&] { return count > 0 && printed >= count; };
  if (timeout_seconds > 0) {
    printed_one.wait_for(lock, std::chrono::seconds(timeout_seconds), done);
  } else {
    printed_one.wait(lock, done);
  }
  const bool reached = count == 0 || printed >= count;
  lock.unlock();
  session.client.reset();  // no callback runs past this point
  return reached ? kExitOk : kExitTimeout;
}

int RunHistory(GlobalOptions globals, const std::vector<std::string>& args) {
  std::string conv;
  int limit = 50;
  po::options_description specific("history");
  specific.add_options()("conv", po::value<std::string>(&conv)->required()->value_name("ID"),
                         "conversation id")
      ("limit", po::value<int>(&limit)->value_name("N"), "how many of the newest (1-200, default 50)");
  po::variables_map values;
  int exit = kExitOk;
  if (!ParseArgs("history --conv ID [--limit N]", &globals, specific, {}, args, &values, &exit)) {
    return exit;
  }
  if (limit < 1 || limit > 200) return UsageFail("--limit must be 1-200");
  Session session;
  Status status = OpenSession(globals, BaseOptions(globals), &session);
  if (!status.ok()) return Fail(status);
  client::HistoryPage page;
  status = session.client->History(conv, 0, limit, &page);
  if (!status.ok()) return Fail(status);
  for (const auto& error : page.errors) PrintError(error);
  for (const auto& message : page.messages) std::cout << MessageLine(message) << "\n";
  std::cout << std::flush;
  return kExitOk;
}

}  // namespace cli
}  // namespace foyer
