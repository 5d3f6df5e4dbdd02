#include "host/keys/secrets_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace pyfn {
namespace {

TEST(SecretsFormatTest, RoundTripsAzureShape) {
  HostSecrets h;
  h.master.value = "m";
  h.function_keys.push_back({"default", "d"});
  HostSecrets back;
  ASSERT_TRUE(ParseHostSecrets(FormatHostSecrets(h, "host"), "host.json", &back).ok());
  EXPECT_EQ(back.master.value, "m");
  ASSERT_EQ(back.function_keys.size(), 1u);
  EXPECT_EQ(back.function_keys[0].name, "default");
}

TEST(SecretsFormatTest, EncryptedKeysAreSkipped) {
  FunctionSecrets f;
  ASSERT_TRUE(ParseFunctionSecrets(
      R"({"keys": [{"name": "a", "value": "x", "encrypted": true}, {"name": "b", "value": "y", "encrypted": false}]})",
      "f.json", &f).ok());
  ASSERT_EQ(f.keys.size(), 1u);
  EXPECT_EQ(f.keys[0].name, "b");
  EXPECT_FALSE(ParseFunctionSecrets("[", "f.json", &f).ok());
  HostSecrets h;
  EXPECT_FALSE(ParseHostSecrets("{}", "host.json", &h).ok());
}

TEST(SecretsFileStemTest, SafeNames) {
  EXPECT_EQ(SecretsFileStem("MyFunc"), "myfunc");
  EXPECT_EQ(SecretsFileStem("host"), "_host");
  EXPECT_EQ(SecretsFileStem("../x"), "_.._x");
  EXPECT_EQ(SecretsFileStem(SecretsFileStem("a/b")), SecretsFileStem("a/b"));
}

TEST(FileSecretsStoreTest, WritesMode0600AndLists) {
  std::string dir = testing::TempDir() + "/secrets_" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  FileSecretsStore s(dir + "/nested", "h");
  HostSecrets h;
  EXPECT_TRUE(s.ReadHost(&h).IsNotFound());
  h.master.value = "mmmm";
  ASSERT_TRUE(s.WriteHost(h).ok());
  FunctionSecrets f;
  f.keys.push_back({"default", "v"});
  ASSERT_TRUE(s.WriteFunction("Fn", f).ok());
  struct stat st;
  ASSERT_EQ(::stat((dir + "/nested/host.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir + "/nested").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_EQ(s.ListFunctions(), std::vector<std::string>{"fn"});
  ASSERT_TRUE(s.DeleteFunction("FN").ok());
  EXPECT_TRUE(s.ListFunctions().empty());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace pyfn
