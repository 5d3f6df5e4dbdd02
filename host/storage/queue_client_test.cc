#include "host/storage/queue_client.h"

#include <gtest/gtest.h>

#include "host/storage/encoding.h"
#include "host/storage/fake_transport.h"
#include "host/storage/xml.h"

namespace pyfn {
namespace storage {
namespace {

const char kTwoMessages[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList>"
    "<QueueMessage><MessageId>id-1</MessageId>"
    "<InsertionTime>Fri, 09 Oct 2009 21:04:30 GMT</InsertionTime>"
    "<ExpirationTime>Fri, 16 Oct 2009 21:04:30 GMT</ExpirationTime>"
    "<PopReceipt>AgAAAAMAAAA=</PopReceipt>"
    "<TimeNextVisible>Fri, 09 Oct 2009 23:29:20 GMT</TimeNextVisible>"
    "<DequeueCount>2</DequeueCount><MessageText>aGVsbG8=</MessageText></QueueMessage>"
    "<QueueMessage><MessageId>id-2</MessageId><PopReceipt>p2</PopReceipt>"
    "<DequeueCount>1</DequeueCount><MessageText>not base64!</MessageText></QueueMessage>"
    "</QueueMessagesList>";

class QueueClientTest : public ::testing::Test {
 protected:
  QueueClientTest()
      : client_(DevelopmentStorageAccount("127.0.0.1", 10000, 10001), &fake_, QueueClientOptions(),
                [] { return int64_t{784111777}; }) {}
  FakeTransport fake_;
  QueueClient client_;
};

TEST_F(QueueClientTest, PutMessageEncodesBase64WithTtlAndVisibility) {
  fake_.Enqueue(201,
                "<QueueMessagesList><QueueMessage><MessageId>m1</MessageId>"
                "<PopReceipt>r1</PopReceipt></QueueMessage></QueueMessagesList>");
  PutMessageOptions o;
  o.ttl_seconds = -1;
  o.visibility_timeout_seconds = 5;
  QueueMessage sent;
  ASSERT_TRUE(client_.PutMessage("orders", "{\"id\": 1} <&>", o, &sent).ok());
  EXPECT_EQ(sent.id, "m1");
  EXPECT_EQ(sent.pop_receipt, "r1");
  HttpRequest req = fake_.last_request();
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.url,
            "http://127.0.0.1:10001/devstoreaccount1/orders/messages?visibilitytimeout=5"
            "&messagettl=-1");
  XmlElement doc;
  ASSERT_TRUE(ParseXml(req.body, &doc).ok());
  EXPECT_EQ(doc.ChildText("MessageText"), Base64Encode("{\"id\": 1} <&>"));
}

TEST_F(QueueClientTest, PlainEncodingEscapesXml) {
  QueueClient plain(DevelopmentStorageAccount("127.0.0.1", 10000, 10001), &fake_,
                    QueueClientOptions{MessageEncoding::kNone});
  fake_.Enqueue(201);
  ASSERT_TRUE(plain.PutMessage("q", "a<b>&c").ok());
  EXPECT_EQ(fake_.last_request().body,
            "<QueueMessage><MessageText>a&lt;b&gt;&amp;c</MessageText></QueueMessage>");
  EXPECT_EQ(fake_.last_request().url, "http://127.0.0.1:10001/devstoreaccount1/q/messages");
}

TEST_F(QueueClientTest, GetMessagesParsesEveryField) {
  fake_.Enqueue(200, kTwoMessages);
  std::vector<QueueMessage> msgs;
  ASSERT_TRUE(client_.GetMessages("orders", 16, 30, &msgs).ok());
  EXPECT_EQ(fake_.last_request().url,
            "http://127.0.0.1:10001/devstoreaccount1/orders/messages?numofmessages=16"
            "&visibilitytimeout=30");
  ASSERT_EQ(msgs.size(), 2u);
  const QueueMessage& m = msgs[0];
  EXPECT_EQ(m.id, "id-1");
  EXPECT_EQ(m.pop_receipt, "AgAAAAMAAAA=");
  EXPECT_EQ(m.dequeue_count, 2);
  EXPECT_EQ(m.insertion_time, "Fri, 09 Oct 2009 21:04:30 GMT");
  EXPECT_EQ(m.insertion_time_unix, 1255122270);
  EXPECT_EQ(m.expiration_time_unix, 1255122270 + 7 * 86400);
  EXPECT_EQ(m.time_next_visible, "Fri, 09 Oct 2009 23:29:20 GMT");
  std::string body;
  ASSERT_TRUE(client_.DecodeBody(m, &body).ok());
  EXPECT_EQ(body, "hello");
  Status s = client_.DecodeBody(msgs[1], &body);
  EXPECT_TRUE(s.IsInvalidArgument());
  EXPECT_NE(s.message().find("id-2"), std::string::npos);
}

TEST_F(QueueClientTest, EmptyQueueGivesNoMessages) {
  fake_.Enqueue(200, "<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList />");
  std::vector<QueueMessage> msgs;
  ASSERT_TRUE(client_.GetMessages("q", 1, 0, &msgs).ok());
  EXPECT_TRUE(msgs.empty());
  EXPECT_FALSE(client_.GetMessages("q", 33, 0, &msgs).ok());
}

TEST_F(QueueClientTest, DeleteAndUpdateUseThePopReceipt) {
  fake_.Enqueue(204);
  ASSERT_TRUE(client_.DeleteMessage("q", "id-1", "Ag+/=").ok());
  EXPECT_EQ(fake_.last_request().method, "DELETE");
  EXPECT_EQ(fake_.last_request().url,
            "http://127.0.0.1:10001/devstoreaccount1/q/messages/id-1?popreceipt=Ag%2B%2F%3D");
  fake_.Enqueue(
      204, "",
      {{"x-ms-popreceipt", "new"}, {"x-ms-time-next-visible", "Fri, 09 Oct 2009 21:04:40 GMT"}});
  QueueMessage m;
  m.id = "id-1";
  m.pop_receipt = "old";
  ASSERT_TRUE(client_.UpdateVisibility("q", &m, 10).ok());
  EXPECT_EQ(m.pop_receipt, "new");
  EXPECT_EQ(m.time_next_visible_unix, 1255122280);
  EXPECT_EQ(fake_.last_request().method, "PUT");
  EXPECT_EQ(fake_.last_request().url,
            "http://127.0.0.1:10001/devstoreaccount1/q/messages/id-1?popreceipt=old"
            "&visibilitytimeout=10");
}

TEST_F(QueueClientTest, StalePopReceiptIsNotFound) {
  fake_.Enqueue(404,
                "<Error><Code>MessageNotFound</Code><Message>The specified message does "
                "not exist.</Message></Error>");
  Status s = client_.DeleteMessage("q", "id-1", "p");
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.message(),
            "account devstoreaccount1: DeleteMessage q id-1: 404 MessageNotFound: The specified "
            "message does not exist.");
}

TEST_F(QueueClientTest, CreateQueueIsIdempotent) {
  fake_.Enqueue(201);
  fake_.Enqueue(204);
  fake_.Enqueue(409, "", {{"x-ms-error-code", "QueueAlreadyExists"}});
  bool created = false;
  ASSERT_TRUE(client_.CreateQueue("q", &created).ok());
  EXPECT_TRUE(created);
  ASSERT_TRUE(client_.CreateQueue("q", &created).ok());
  EXPECT_FALSE(created);
  ASSERT_TRUE(client_.CreateQueue("q", &created).ok());
  EXPECT_FALSE(created);
}

TEST_F(QueueClientTest, ApproximateCount) {
  fake_.Enqueue(200, "", {{"x-ms-approximate-messages-count", "7"}});
  int64_t n = 0;
  ASSERT_TRUE(client_.GetApproximateMessageCount("q", &n).ok());
  EXPECT_EQ(n, 7);
  EXPECT_EQ(fake_.last_request().url, "http://127.0.0.1:10001/devstoreaccount1/q?comp=metadata");
}

TEST_F(QueueClientTest, WrongKeyIsAuthFailedNamingTheAccount) {
  fake_.Enqueue(403,
                "<Error><Code>AuthenticationFailed</Code><Message>Server failed to "
                "authenticate the request.</Message></Error>");
  Status s = client_.PutMessage("q", "x");
  EXPECT_TRUE(s.IsAuthFailed());
  EXPECT_NE(s.message().find("account devstoreaccount1: PutMessage q: 403 AuthenticationFailed"),
            std::string::npos);
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
