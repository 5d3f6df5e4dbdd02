#include "host/app/process_environment.h"

#include <gtest/gtest.h>

#include <string>

namespace pyfn {
namespace {

using namespace std::string_literals;

TEST(ParseEnvironBlock, ReadsNulSeparatedEntries) {
  Environment env = ParseEnvironBlock("A=1\0B=x=y\0EMPTY=\0"s);
  EXPECT_EQ(env.size(), 3u);
  EXPECT_EQ(env["A"], "1");
  EXPECT_EQ(env["B"], "x=y");
  EXPECT_EQ(env["EMPTY"], "");
}

TEST(ParseEnvironBlock, SkipsEntriesWithoutNameAndKeepsTheFirstOfRepeatedNames) {
  Environment env = ParseEnvironBlock("NOEQUALS\0=nameless\0A=first\0A=second\0LAST=no-nul"s);
  EXPECT_EQ(env.size(), 2u);
  EXPECT_EQ(env["A"], "first");
  EXPECT_EQ(env["LAST"], "no-nul");
  EXPECT_TRUE(ParseEnvironBlock("").empty());
}

TEST(RestoreLoaderVariables, AddsOnlyTheLoaderVariablesTheEnvironmentLacks) {
  Environment original = ParseEnvironBlock(
      "LD_LIBRARY_PATH=/home/site/wwwroot/lib\0LD_PRELOAD=libjemalloc.so.2\0"
      "GCONV_PATH=/tmp/evil\0HOME=/home/app\0"s);
  Environment env{{"HOME", "/home/app"}, {"PATH", "/usr/bin"}};
  RestoreLoaderVariables(original, &env);
  EXPECT_EQ(env["LD_LIBRARY_PATH"], "/home/site/wwwroot/lib");
  EXPECT_EQ(env["LD_PRELOAD"], "libjemalloc.so.2");
  EXPECT_EQ(env.count("GCONV_PATH"), 0u);  // not one the workers get back
  EXPECT_EQ(env.size(), 4u);
}

TEST(RestoreLoaderVariables, KeepsWhatTheEnvironmentAlreadySays) {
  Environment env{{"LD_LIBRARY_PATH", "/kept"}};
  RestoreLoaderVariables(Environment{{"LD_LIBRARY_PATH", "/original"}}, &env);
  EXPECT_EQ(env["LD_LIBRARY_PATH"], "/kept");
}

TEST(ProcessEnvironment, IsEnvironPlusTheLoaderVariablesOfTheOriginalBlock) {
  ::setenv("PYFN_PROCESS_ENVIRONMENT_TEST", "a=b", 1);
  ::unsetenv("LD_PRELOAD");
  Environment env = ProcessEnvironment("LD_PRELOAD=libx.so\0PYFN_PROCESS_ENVIRONMENT_TEST=old\0"s);
  EXPECT_EQ(env["PYFN_PROCESS_ENVIRONMENT_TEST"], "a=b");  // environ wins
  EXPECT_EQ(env["LD_PRELOAD"], "libx.so");
  EXPECT_EQ(ProcessEnvironment({}).count("LD_PRELOAD"), 0u);
  ::unsetenv("PYFN_PROCESS_ENVIRONMENT_TEST");
}

TEST(SecureExecutionEnvironBlock, IsEmptyOutsideSecureExecution) {
  char arg0[] = "pyfn-host";
  char* argv[] = {arg0, nullptr};
  EXPECT_TRUE(SecureExecutionEnvironBlock(1, argv).empty());
}

}  // namespace
}  // namespace pyfn
