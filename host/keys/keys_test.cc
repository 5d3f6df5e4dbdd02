#include "host/keys/keys.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "host/app/app_loader.h"
#include "host/keys/keys_test_support.h"

namespace pyfn {
namespace {


class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = std::make_unique<MemorySecretsStore>();
    store_ = store.get();
    km_.reset(new KeyManager(std::move(store), "master-key-0123456789", ""));
    ASSERT_TRUE(km_->Initialize().ok());
    fns_ = {HttpFunctionWithLevel("a", "function"), HttpFunctionWithLevel("b", "function"),
            HttpFunctionWithLevel("adm", "admin"), HttpFunctionWithLevel("anon", "anonymous")};
    km_->SyncFunctions(fns_);
  }
  std::string FnKey(const std::string& fn) {
    FunctionSecrets s;
    EXPECT_TRUE(store_->ReadFunction(fn, &s).ok());
    return s.keys.at(0).value;
  }
  HttpResponse Admin(const std::string& method, const std::string& path, const std::string& body = "") {
    HttpRequest r = WithKey("master-key-0123456789");
    r.method = method;
    r.body = body;
    HttpResponse out;
    EXPECT_TRUE(km_->HandleAdmin(r, path, &out)) << path;
    return out;
  }
  MemorySecretsStore* store_;
  std::unique_ptr<KeyManager> km_;
  std::vector<FunctionSpec> fns_;
};

TEST(GenerateKeyTest, RandomBase64Url) {
  std::string a = GenerateKey(), b = GenerateKey();
  EXPECT_EQ(a.size(), 54u);
  EXPECT_NE(a, b);
  for (char c : a) EXPECT_TRUE(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
}

TEST(ConstantTimeEqualsTest, Basics) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST_F(KeysTest, FunctionLevel) {
  std::map<std::string, std::string> q;
  EXPECT_FALSE(km_->Authorize(fns_[0], WithKey(""), q));
  EXPECT_FALSE(km_->Authorize(fns_[0], WithKey("wrong"), q));
  EXPECT_FALSE(km_->Authorize(fns_[0], WithKey(FnKey("b")), q));
  EXPECT_TRUE(km_->Authorize(fns_[0], WithKey(FnKey("a")), q));
  EXPECT_TRUE(km_->Authorize(fns_[0], WithKey("master-key-0123456789"), q));
  q["code"] = FnKey("a");
  EXPECT_TRUE(km_->Authorize(fns_[0], WithKey(""), q));
  EXPECT_TRUE(km_->Authorize(fns_[3], WithKey(""), {}));
}

TEST_F(KeysTest, AdminLevelTakesOnlyTheMasterKey) {
  HostSecrets hs;
  ASSERT_TRUE(store_->ReadHost(&hs).ok());
  EXPECT_FALSE(km_->Authorize(fns_[2], WithKey(FnKey("adm")), {}));
  EXPECT_FALSE(km_->Authorize(fns_[2], WithKey(hs.function_keys.at(0).value), {}));
  EXPECT_TRUE(km_->Authorize(fns_[2], WithKey("master-key-0123456789"), {}));
  EXPECT_TRUE(km_->AuthorizeAdmin(WithKey("master-key-0123456789"), {}));
  EXPECT_FALSE(km_->AuthorizeAdmin(WithKey(hs.function_keys.at(0).value), {}));
}

TEST_F(KeysTest, AdminApiCrud) {
  EXPECT_EQ(Admin("PUT", "/admin/functions/a/keys/k", R"({"name":"k","value":"0123456789abcdefXYZ"})").status, 201);
  EXPECT_TRUE(km_->Authorize(fns_[0], WithKey("0123456789abcdefXYZ"), {}));
  EXPECT_FALSE(km_->Authorize(fns_[1], WithKey("0123456789abcdefXYZ"), {}));
  EXPECT_EQ(Admin("PUT", "/admin/functions/A/keys/k", R"({"value":"0123456789abcdefXYZ2"})").status, 200);
  auto list = nlohmann::json::parse(Admin("GET", "/admin/functions/a/keys").body);
  EXPECT_EQ(list["keys"].size(), 2u);
  EXPECT_EQ(Admin("DELETE", "/admin/functions/a/keys/k").status, 204);
  EXPECT_FALSE(km_->Authorize(fns_[0], WithKey("0123456789abcdefXYZ2"), {}));
  EXPECT_EQ(Admin("DELETE", "/admin/functions/a/keys/k").status, 404);
  EXPECT_EQ(Admin("GET", "/admin/functions/nope/keys").status, 404);
  EXPECT_EQ(Admin("PUT", "/admin/host/keys/x", R"({"value":"short"})").status, 400);
  EXPECT_EQ(Admin("DELETE", "/admin/host/keys/_master").status, 400);
  EXPECT_EQ(Admin("POST", "/admin/host/keys/gen").status, 201);
  EXPECT_EQ(Admin("POST", "/admin/host/keys/gen").status, 200);
  HttpResponse out;
  HttpRequest r = WithKey("x");
  EXPECT_FALSE(km_->HandleAdmin(r, "/admin/host/status", &out));
}

TEST_F(KeysTest, DeletedFunctionLosesItsKeys) {
  std::string b = FnKey("b");
  km_->SyncFunctions({fns_[0], fns_[2], fns_[3]});
  FunctionSecrets s;
  EXPECT_TRUE(store_->ReadFunction("b", &s).IsNotFound());
  EXPECT_FALSE(km_->Authorize(fns_[1], WithKey(b), {}));
  EXPECT_FALSE(km_->Authorize(fns_[0], WithKey(b), {}));
}

}  // namespace
}  // namespace pyfn
