#include "host/storage/http.h"

#include <gtest/gtest.h>

#include "host/storage/fake_transport.h"

namespace pyfn {
namespace storage {
namespace {

class RetryTest : public ::testing::Test {
 protected:
  RetryTest()
      : retrying_(
            &fake_,
            RetryOptions{4, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)},
            [this](std::chrono::milliseconds d) { waits_.push_back(d.count()); }, 42) {}
  FakeTransport fake_;
  std::vector<int64_t> waits_;
  RetryingTransport retrying_;
};

TEST_F(RetryTest, RetriesTransientAnswersWithGrowingJitteredWaits) {
  fake_.Enqueue(503);
  fake_.EnqueueNetworkError("timed out");
  fake_.Enqueue(500);
  fake_.Enqueue(201, "done");
  HttpRequest req;
  HttpResponse resp;
  ASSERT_TRUE(retrying_.Send(req, &resp).ok());
  EXPECT_EQ(resp.status, 201);
  EXPECT_EQ(resp.body, "done");
  ASSERT_EQ(waits_.size(), 3u);
  EXPECT_GE(waits_[0], 50);
  EXPECT_LE(waits_[0], 100);
  EXPECT_GE(waits_[1], 100);
  EXPECT_LE(waits_[1], 200);
  EXPECT_GE(waits_[2], 200);
  EXPECT_LE(waits_[2], 400);
}

TEST_F(RetryTest, GivesUpAfterMaxAttemptsWithTheLastAnswer) {
  for (int i = 0; i < 5; ++i) fake_.Enqueue(429);
  HttpRequest req;
  HttpResponse resp;
  ASSERT_TRUE(retrying_.Send(req, &resp).ok());
  EXPECT_EQ(resp.status, 429);
  EXPECT_EQ(fake_.requests().size(), 4u);
}

TEST_F(RetryTest, DoesNotRetryClientErrors) {
  fake_.Enqueue(404);
  fake_.Enqueue(200);
  HttpRequest req;
  HttpResponse resp;
  ASSERT_TRUE(retrying_.Send(req, &resp).ok());
  EXPECT_EQ(resp.status, 404);
  EXPECT_TRUE(waits_.empty());
}

TEST_F(RetryTest, HonoursRetryAfterUpToTheCap) {
  fake_.Enqueue(503, "", {{"Retry-After", "30"}});
  fake_.Enqueue(200);
  HttpRequest req;
  HttpResponse resp;
  ASSERT_TRUE(retrying_.Send(req, &resp).ok());
  ASSERT_EQ(waits_.size(), 1u);
  EXPECT_EQ(waits_[0], 1000);
}

TEST_F(RetryTest, NetworkErrorAfterAllAttemptsIsReturned) {
  for (int i = 0; i < 4; ++i) {
    fake_.EnqueueNetworkError("connect to 127.0.0.1:10000: connection refused");
  }
  HttpRequest req;
  HttpResponse resp;
  Status s = retrying_.Send(req, &resp);
  EXPECT_TRUE(s.IsNetworkError());
  EXPECT_TRUE(s.IsTransient());
}

TEST(ErrorFromResponseTest, UsesHeaderCodeAndBodyMessage) {
  HttpResponse resp;
  resp.status = 404;
  resp.headers = {{"x-ms-error-code", "BlobNotFound"}};
  resp.body =
      "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code>"
      "<Message>The specified blob does not exist.\nRequestId:abc\nTime:2024</Message></Error>";
  Status s = ErrorFromResponse("account a: GetBlob c/b", resp);
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_EQ(s.http_status(), 404);
  EXPECT_EQ(s.error_code(), "BlobNotFound");
  EXPECT_EQ(s.message(),
            "account a: GetBlob c/b: 404 BlobNotFound: The specified blob does not exist.");
}

TEST(ErrorFromResponseTest, CodeFromBodyWhenNoHeaderAndMappings) {
  HttpResponse resp;
  resp.status = 403;
  resp.body = "<Error><Code>AuthenticationFailed</Code><Message>Server failed.</Message></Error>";
  Status s = ErrorFromResponse("ctx", resp);
  EXPECT_TRUE(s.IsAuthFailed());
  EXPECT_EQ(s.error_code(), "AuthenticationFailed");
  resp = HttpResponse();
  resp.status = 409;
  EXPECT_TRUE(ErrorFromResponse("ctx", resp).IsConflict());
  resp.status = 412;
  EXPECT_TRUE(ErrorFromResponse("ctx", resp).IsPreconditionFailed());
  resp.status = 503;
  EXPECT_TRUE(ErrorFromResponse("ctx", resp).IsTransient());
  EXPECT_EQ(ErrorFromResponse("ctx", resp).message(), "ctx: 503");
}

}  // namespace
}  // namespace storage
}  // namespace pyfn
