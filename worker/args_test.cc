#include "args.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

TEST(ArgsTest, ClassicSpelling) {
  WorkerArgs a;
  Status s = ParseWorkerArgs({"--host", "127.0.0.1", "--port", "5000", "--workerId", "w1",
                              "--requestId", "r1", "--grpcMaxMessageLength", "2147483647"},
                             &a);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(a.host, "127.0.0.1");
  EXPECT_EQ(a.port, 5000);
  EXPECT_EQ(a.worker_id, "w1");
  EXPECT_EQ(a.request_id, "r1");
  EXPECT_EQ(a.max_message_length, 2147483647);
  EXPECT_EQ(a.Target(), "127.0.0.1:5000");
}

TEST(ArgsTest, NewSpellingAlone) {
  WorkerArgs a;
  Status s = ParseWorkerArgs({"--functions-uri", "http://localhost:6000/", "--functions-worker-id",
                              "w2", "--functions-request-id=r2",
                              "--functions-grpc-max-message-length", "1000"},
                             &a);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(a.host, "localhost");
  EXPECT_EQ(a.port, 6000);
  EXPECT_EQ(a.worker_id, "w2");
  EXPECT_EQ(a.request_id, "r2");
  EXPECT_EQ(a.max_message_length, 1000);
}

TEST(ArgsTest, BothSpellingsTogetherNewWins) {
  WorkerArgs a;
  Status s = ParseWorkerArgs(
      {"--host", "127.0.0.1", "--port", "5000", "--workerId", "w", "--requestId", "r",
       "--grpcMaxMessageLength", "10", "--functions-uri", "http://127.0.0.1:5001/",
       "--functions-worker-id", "w", "--functions-request-id", "r",
       "--functions-grpc-max-message-length", "20"},
      &a);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(a.port, 5001);
  EXPECT_EQ(a.max_message_length, 20);
}

TEST(ArgsTest, Version) {
  WorkerArgs a;
  ASSERT_TRUE(ParseWorkerArgs({"--version"}, &a).ok());
  EXPECT_TRUE(a.version);
}

TEST(ArgsTest, UnknownArgumentIsAClearError) {
  WorkerArgs a;
  Status s = ParseWorkerArgs({"--port", "1", "--workerId", "w", "--bogus", "x"}, &a);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("--bogus"), std::string::npos);
  s = ParseWorkerArgs({"worker.py"}, &a);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("worker.py"), std::string::npos);
}

TEST(ArgsTest, MissingValueAndBadNumbers) {
  WorkerArgs a;
  EXPECT_FALSE(ParseWorkerArgs({"--port"}, &a).ok());
  EXPECT_FALSE(ParseWorkerArgs({"--port", "x", "--workerId", "w"}, &a).ok());
  EXPECT_FALSE(ParseWorkerArgs({"--port", "70000", "--workerId", "w"}, &a).ok());
  EXPECT_FALSE(ParseWorkerArgs({"--functions-uri", "http://h/", "--workerId", "w"}, &a).ok());
  EXPECT_FALSE(ParseWorkerArgs({"--host", "h", "--workerId", "w"}, &a).ok());
  EXPECT_FALSE(ParseWorkerArgs({"--host", "h", "--port", "1"}, &a).ok());
}

TEST(ArgsTest, Ipv6Uri) {
  std::string h;
  int p = 0;
  ASSERT_TRUE(ParseUri("http://[::1]:7000/", &h, &p).ok());
  EXPECT_EQ(h, "::1");
  EXPECT_EQ(p, 7000);
  WorkerArgs a;
  a.host = h;
  a.port = p;
  EXPECT_EQ(a.Target(), "[::1]:7000");
}

}  // namespace
}  // namespace pyfn
