#include "requester.h"

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "foyer/client.h"

namespace foyer {
namespace client {
namespace {

TEST(RequesterTest, MatchesResponsesById) {
  std::vector<nlohmann::json> sent;
  Requester* self = nullptr;
  Requester requester([&](const std::string& payload) {
    nlohmann::json request = nlohmann::json::parse(payload);
    sent.push_back(request);
    // An unrelated response first, then the right one, from another thread.
    std::thread([self, request] {
      self->OnResponse(R"({"id":"someone-else","ok":true,"user":"mallory"})");
      self->OnResponse(nlohmann::json{{"id", request["id"]}, {"ok", true}, {"user", "alice"}}.dump());
    }).detach();
    return Status::OK();
  });
  self = &requester;
  nlohmann::json response;
  ASSERT_TRUE(requester.Call({{"op", "whoami"}}, 2000, &response).ok());
  EXPECT_EQ(response["user"], "alice");
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0]["op"], "whoami");
  EXPECT_TRUE(sent[0]["id"].is_string());
}

TEST(RequesterTest, EachRequestGetsAUniqueId) {
  std::vector<std::string> ids;
  Requester* self = nullptr;
  Requester requester([&](const std::string& payload) {
    std::string id = nlohmann::json::parse(payload)["id"];
    ids.push_back(id);
    self->OnResponse(nlohmann::json{{"id", id}, {"ok", true}}.dump());
    return Status::OK();
  });
  self = &requester;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(requester.Call({{"op", "users"}}, 1000, nullptr).ok());
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_NE(ids[0], ids[1]);
  EXPECT_NE(ids[1], ids[2]);
}

TEST(RequesterTest, ServerErrorsBecomeStatuses) {
  Requester* self = nullptr;
  Requester requester([&](const std::string& payload) {
    std::string id = nlohmann::json::parse(payload)["id"];
    self->OnResponse(nlohmann::json{{"id", id}, {"ok", false}, {"error", "denied"},
                                    {"message", "admins only"}}.dump());
    return Status::OK();
  });
  self = &requester;
  Status status = requester.Call({{"op", "invite"}}, 1000, nullptr);
  EXPECT_EQ(status.code(), Status::Code::kDenied);
  EXPECT_EQ(status.message(), "admins only");
}

TEST(RequesterTest, TimesOutAndIgnoresLateAnswers) {
  std::string id;
  Requester requester([&](const std::string& payload) {
    id = nlohmann::json::parse(payload)["id"];
    return Status::OK();
  });
  auto start = std::chrono::steady_clock::now();
  Status status = requester.Call({{"op", "whoami"}}, 200, nullptr);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(IsTimeout(status)) << status.ToString();
  EXPECT_GE(elapsed, std::chrono::milliseconds(190));
  EXPECT_LT(elapsed, std::chrono::seconds(2));
  EXPECT_FALSE(requester.OnResponse(nlohmann::json{{"id", id}, {"ok", true}}.dump()));
}

TEST(RequesterTest, PublishFailureIsReportedAtOnce) {
  Requester requester([](const std::string&) { return Status::IOError("not connected"); });
  Status status = requester.Call({{"op", "whoami"}}, 5000, nullptr);
  EXPECT_EQ(status.code(), Status::Code::kIOError);
  EXPECT_FALSE(IsTimeout(status));
}

TEST(RequesterTest, IgnoresGarbage) {
  Requester requester([](const std::string&) { return Status::OK(); });
  EXPECT_FALSE(requester.OnResponse("not json"));
  EXPECT_FALSE(requester.OnResponse("[1,2]"));
  EXPECT_FALSE(requester.OnResponse(R"({"id":5})"));
}

}  // namespace
}  // namespace client
}  // namespace foyer
