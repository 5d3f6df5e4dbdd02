#include "host/workers/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "host/common/thread_annotations.h"

namespace pyfn {
namespace {

int WaitFor(pid_t pid) {
  int st = 0;
  while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return st;
}

TEST(Subprocess, ForwardsLinesAndExitCode) {
  Mutex mu;
  std::vector<std::pair<int, std::string>> lines;
  std::unique_ptr<Subprocess> p;
  Subprocess::Options o;
  o.argv = {"/bin/sh", "-c", "echo out1; echo err1 >&2; printf tail; exit 3"};
  o.env = {"PATH=/usr/bin:/bin"};
  ASSERT_TRUE(Subprocess::Spawn(o,
                                [&](int s, const std::string& l) {
                                  MutexLock g(mu);
                                  lines.emplace_back(s, l);
                                },
                                &p)
                  .ok());
  int st = WaitFor(p->pid());
  EXPECT_EQ(DescribeWaitStatus(st), "exited with code 3");
  // Wait for the pump to see EOF.
  for (int i = 0; i < 100; ++i) {
    {
      MutexLock g(mu);
      if (lines.size() >= 3) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  p.reset();
  MutexLock g(mu);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_NE(std::find(lines.begin(), lines.end(), std::make_pair(1, std::string("out1"))),
            lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), std::make_pair(2, std::string("err1"))),
            lines.end());
  EXPECT_NE(std::find(lines.begin(), lines.end(), std::make_pair(1, std::string("tail"))),
            lines.end());
}

TEST(Subprocess, OwnProcessGroupAndSignal) {
  std::unique_ptr<Subprocess> p;
  Subprocess::Options o;
  o.argv = {"sleep", "30"};
  o.search_path = true;
  o.env = {"PATH=/usr/bin:/bin"};
  ASSERT_TRUE(Subprocess::Spawn(o, nullptr, &p).ok());
  EXPECT_EQ(::getpgid(p->pid()), p->pid());
  ASSERT_TRUE(p->SignalGroup(SIGKILL).ok());
  int st = WaitFor(p->pid());
  EXPECT_TRUE(WIFSIGNALED(st));
  EXPECT_NE(DescribeWaitStatus(st).find("signal 9"), std::string::npos);
}

TEST(Subprocess, MissingProgramFails) {
  std::unique_ptr<Subprocess> p;
  Subprocess::Options o;
  o.argv = {"/nonexistent/pyfn-worker"};
  Status s = Subprocess::Spawn(o, nullptr, &p);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/pyfn-worker"), std::string::npos);
}

TEST(Subprocess, RunsInTheWorkingDirectory) {
  Mutex mu;
  std::string seen;
  std::unique_ptr<Subprocess> p;
  Subprocess::Options o;
  o.argv = {"/bin/pwd"};
  o.working_directory = "/usr";
  ASSERT_TRUE(Subprocess::Spawn(o,
                                [&](int, const std::string& l) {
                                  MutexLock g(mu);
                                  seen = l;
                                },
                                &p)
                  .ok());
  WaitFor(p->pid());
  p.reset();  // joins the pump: every line was delivered
  EXPECT_EQ(seen, "/usr");
}

TEST(Subprocess, MissingWorkingDirectoryIsNamed) {
  std::unique_ptr<Subprocess> p;
  Subprocess::Options o;
  o.argv = {"/bin/true"};
  o.working_directory = "/nonexistent/app";
  Status s = Subprocess::Spawn(o, nullptr, &p);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/app"), std::string::npos) << s.message();
}

TEST(Subprocess, ReapChildren) {
  std::unique_ptr<Subprocess> p;
  Subprocess::Options o;
  o.argv = {"/bin/true"};
  ASSERT_TRUE(Subprocess::Spawn(o, nullptr, &p).ok());
  pid_t want = p->pid();
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    ReapChildren([&](pid_t pid, int st) {
      if (pid == want) seen = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    });
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace pyfn
