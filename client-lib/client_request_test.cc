// Client::Request: any op, the id added, the server's error as a Status.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_server.h"
#include "foyer/client.h"
#include "test_util.h"

namespace foyer {
namespace client {
namespace {

class ClientRequestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Status status = Client::Connect(FakeOptions(&server_, nullptr, 500),
                                    server_.AddDevice("alice", "admin"), &client_);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  FakeServer server_;
  std::unique_ptr<Client> client_;
};

TEST_F(ClientRequestTest, ReturnsTheWholeResponse) {
  nlohmann::json response;
  Status status = client_->Request({{"op", "whoami"}}, &response);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(response.value("ok", false), true);
  EXPECT_EQ(response.value("user", ""), "alice");
  EXPECT_EQ(response.value("role", ""), "admin");
  EXPECT_FALSE(response.value("id", "").empty());
  // A response is optional.
  EXPECT_TRUE(client_->Request({{"op", "whoami"}}, nullptr).ok());
}

TEST_F(ClientRequestTest, TheCallersIdIsReplaced) {
  nlohmann::json response;
  ASSERT_TRUE(client_->Request({{"op", "whoami"}, {"id", "mine"}}, &response).ok());
  EXPECT_NE(response.value("id", ""), "mine");
}

TEST_F(ClientRequestTest, TheServersErrorBecomesTheStatus) {
  nlohmann::json response = {{"untouched", true}};
  Status status = client_->Request({{"op", "conv_get"}, {"conv", "00ff"}}, &response);
  EXPECT_EQ(status.code(), Status::Code::kNotFound);
  EXPECT_EQ(status.message(), "no such conversation");
  EXPECT_EQ(response, nlohmann::json({{"untouched", true}}));
}

TEST_F(ClientRequestTest, ARequestWithoutAnOpIsNotSent) {
  EXPECT_EQ(client_->Request(nlohmann::json::array(), nullptr).code(), Status::Code::kInvalid);
  EXPECT_EQ(client_->Request({{"name", "x"}}, nullptr).code(), Status::Code::kInvalid);
  EXPECT_EQ(client_->Request({{"op", 3}}, nullptr).code(), Status::Code::kInvalid);
}

TEST_F(ClientRequestTest, NoAnswerIsATimeout) {
  server_.drop_responses = true;
  Status status = client_->Request({{"op", "whoami"}}, nullptr);
  EXPECT_TRUE(IsTimeout(status)) << status.ToString();
}

}  // namespace
}  // namespace client
}  // namespace foyer
