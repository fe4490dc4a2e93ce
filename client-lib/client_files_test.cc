// Client::SendFile / FetchFile over the fake transport (docs/protocol.md §10):
// the receiver gets a file message and the exact bytes; an oversized file is
// refused before anything is sent; a damaged chunk is refused, never returned.
#include <gtest/gtest.h>

#include "fake_server.h"
#include "foyer/client.h"
#include "test_util.h"

namespace foyer {
namespace client {
namespace {

class ClientFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    alice_ = Connect(server_.AddDevice("alice", "admin"));
    bob_ = Connect(server_.AddDevice("bob"));
    ASSERT_TRUE(alice_->CreateConversation("Photos", {"bob"}, &conv_).ok());
    std::vector<Conversation> convs;
    for (int i = 0; i < 100 && convs.empty(); ++i) {
      server_.Flush();
      ASSERT_TRUE(bob_->ListConversations(&convs).ok());
    }
    ASSERT_EQ(convs.size(), 1u);
    server_.Flush();
  }

  std::unique_ptr<Client> Connect(const Credentials& credentials) {
    std::unique_ptr<Client> client;
    Status status = Client::Connect(FakeOptions(&server_, nullptr, 2000),
                                    CopyCredentials(credentials), &client);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return client;
  }

  FakeServer server_;
  std::unique_ptr<Client> alice_;
  std::unique_ptr<Client> bob_;
  std::string conv_;
};

TEST_F(ClientFilesTest, SentFileArrivesAndFetchesByteForByte) {
  Collector bob_inbox(bob_.get());
  std::string data(70000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  Message sent;
  Status status = alice_->SendFile(conv_, "plan.pdf", "application/pdf", data, "le plan", &sent);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(sent.seq, 1u);
  EXPECT_TRUE(sent.has_file);

  ASSERT_TRUE(bob_inbox.WaitFor(1, 0));
  Message received = bob_inbox.messages()[0];
  ASSERT_TRUE(received.has_file);
  EXPECT_EQ(received.text, "le plan");
  EXPECT_EQ(received.file.name, "plan.pdf");
  EXPECT_EQ(received.file.mime, "application/pdf");
  EXPECT_EQ(received.file.size, data.size());
  EXPECT_EQ(received.file.id, sent.file.id);

  std::string fetched;
  status = bob_->FetchFile(conv_, received.file, &fetched);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(fetched, data);

  // History gives the same reference.
  HistoryPage page;
  ASSERT_TRUE(bob_->History(conv_, 0, 10, &page).ok());
  ASSERT_EQ(page.messages.size(), 1u);
  EXPECT_TRUE(page.messages[0].has_file);
  EXPECT_EQ(page.messages[0].file.key, received.file.key);

  // A damaged chunk: refused, nothing returned.
  server_.CorruptFileChunk(received.file.id, 1);
  std::string damaged = "untouched";
  status = bob_->FetchFile(conv_, received.file, &damaged);
  EXPECT_EQ(status.code(), Status::Code::kDenied) << status.ToString();
  EXPECT_EQ(damaged, "untouched");
}

TEST_F(ClientFilesTest, OversizedFileIsRefusedBeforeAnythingIsSent) {
  Message sent;
  Status status = alice_->SendFile(conv_, "big.bin", "", std::string(100001, 'x'), "", &sent);
  EXPECT_EQ(status.code(), Status::Code::kLimit) << status.ToString();
  EXPECT_NE(status.message().find("100000"), std::string::npos);
  EXPECT_TRUE(server_.Stored(conv_).empty());
  // Bad arguments are refused locally.
  EXPECT_EQ(alice_->SendFile(conv_, "", "", "x", "", &sent).code(), Status::Code::kInvalid);
  EXPECT_EQ(alice_->SendFile("nothex", "a", "", "x", "", &sent).code(), Status::Code::kInvalid);
}

}  // namespace
}  // namespace client
}  // namespace foyer
