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

TEST_F(KeysTest, FunctionsLeftOutByHostJsonKeepTheirKeys) {
  std::string b = FnKey("b");
  // "b" is in the app but host.json "functions" leaves it out: its secrets stay.
  km_->SyncFunctions({fns_[0], fns_[2], fns_[3]}, {"b"});
  FunctionSecrets s;
  ASSERT_TRUE(store_->ReadFunction("b", &s).ok());
  EXPECT_EQ(s.keys.at(0).value, b);
  EXPECT_EQ(Admin("GET", "/admin/functions/b/keys").status, 404);  // not served here
}

TEST_F(KeysTest, ReadOnlyKeysRefuseEveryChangeWithAReason) {
  km_->set_read_only("the function keys come from a read-only directory (test)");
  struct Case {
    const char* method;
    const char* path;
    const char* body;
  };
  for (const Case& c : {Case{"PUT", "/admin/host/keys/k", R"({"value":"0123456789abcdefXYZ"})"},
                        Case{"POST", "/admin/host/keys/k", ""},
                        Case{"DELETE", "/admin/host/keys/default", ""},
                        Case{"POST", "/admin/host/systemkeys/s", ""},
                        Case{"PUT", "/admin/functions/a/keys/k", R"({"value":"0123456789abcdefXYZ"})"},
                        Case{"POST", "/admin/functions/A/keys/k", ""},
                        Case{"DELETE", "/admin/functions/a/keys/default", ""}}) {
    HttpResponse r = Admin(c.method, c.path, c.body);
    EXPECT_EQ(r.status, 403) << c.method << " " << c.path;
    auto body = nlohmann::json::parse(r.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << r.body;
    EXPECT_EQ(body["code"], "KeysReadOnly");
    EXPECT_EQ(body["error"], "the function keys come from a read-only directory (test)");
  }
  // Nothing changed; reading still works; unknown functions are still 404.
  EXPECT_EQ(Admin("GET", "/admin/host/keys").status, 200);
  EXPECT_EQ(Admin("GET", "/admin/functions/a/keys/default").status, 200);
  EXPECT_EQ(Admin("GET", "/admin/host/keys/k").status, 404);
  EXPECT_EQ(Admin("POST", "/admin/functions/nope/keys/k").status, 404);
  EXPECT_EQ(Admin("PATCH", "/admin/host/keys/k").status, 405);
  EXPECT_TRUE(km_->Authorize(fns_[0], WithKey(FnKey("a")), {}));
}

// A store that refuses every write, like a Kubernetes Secret mounted read-only.
// Keys the environment gives (PYFN_MASTER_KEY, PYFN_FUNCTION_KEY) cannot be
// changed through the API (the next start would undo it); every other key can.
TEST(EnvironmentKeys, OnlyTheKeysFromTheEnvironmentAreReadOnly) {
  KeyManager km(std::make_unique<MemorySecretsStore>(), "env-master-0123456789",
                "env-host-key-0123456789");
  ASSERT_TRUE(km.Initialize().ok());
  std::vector<FunctionSpec> fns = {HttpFunctionWithLevel("a", "function")};
  km.SyncFunctions(fns);
  auto admin = [&](const char* method, const char* path, const char* body) {
    HttpRequest r = WithKey("env-master-0123456789");
    r.method = method;
    r.body = body;
    HttpResponse out;
    EXPECT_TRUE(km.HandleAdmin(r, path, &out)) << path;
    return out;
  };
  HttpResponse r = admin("PUT", "/admin/host/keys/_master", R"({"value":"0123456789abcdefXYZ"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("PYFN_MASTER_KEY"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("KeysReadOnly"), std::string::npos) << r.body;
  r = admin("DELETE", "/admin/host/keys/default", "");
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("PYFN_FUNCTION_KEY"), std::string::npos) << r.body;
  EXPECT_EQ(admin("PUT", "/admin/host/keys/extra", R"({"value":"extra-key-0123456789abcdef"})").status,
            201);
  EXPECT_EQ(admin("POST", "/admin/functions/a/keys/mine", "").status, 201);
  EXPECT_TRUE(km.Authorize(fns[0], WithKey("extra-key-0123456789abcdef"), {}));
  EXPECT_TRUE(km.Authorize(fns[0], WithKey("env-host-key-0123456789"), {}));
}

class ReadOnlyStore : public MemorySecretsStore {
 public:
  Status WriteHost(const HostSecrets& s) override {
    ++writes;
    return Status::IOError("read-only file system");
  }
  Status WriteFunction(const std::string&, const FunctionSecrets&) override {
    ++writes;
    return Status::IOError("read-only file system");
  }
  Status DeleteFunction(const std::string&) override {
    ++writes;
    return Status::IOError("read-only file system");
  }
  int writes = 0;
};

TEST(ReadOnlyKeys, SyncFunctionsNeverWritesAReadOnlyStore) {
  auto store = std::make_unique<ReadOnlyStore>();
  HostSecrets hs;
  hs.master.value = "mounted-master-key-0123456789";
  hs.function_keys.push_back({"default", "mounted-host-key-0123456789"});
  ASSERT_TRUE(store->MemorySecretsStore::WriteHost(hs).ok());
  FunctionSecrets fs;
  fs.keys.push_back({"default", "mounted-a-key-0123456789"});
  ASSERT_TRUE(store->MemorySecretsStore::WriteFunction("a", fs).ok());
  ASSERT_TRUE(store->MemorySecretsStore::WriteFunction("gone", fs).ok());
  ReadOnlyStore* raw = store.get();
  KeyManager km(std::move(store), "", "");
  ASSERT_TRUE(km.Initialize().ok());
  km.set_read_only("read-only secrets directory");
  km.SyncFunctions({HttpFunctionWithLevel("a"), HttpFunctionWithLevel("b")});
  EXPECT_EQ(raw->writes, 0);  // no key created for b, "gone" not deleted
  EXPECT_TRUE(km.Authorize(HttpFunctionWithLevel("a"), WithKey("mounted-a-key-0123456789"), {}));
  EXPECT_TRUE(km.Authorize(HttpFunctionWithLevel("b"), WithKey("mounted-host-key-0123456789"), {}));
  EXPECT_FALSE(km.Authorize(HttpFunctionWithLevel("b"), WithKey("mounted-a-key-0123456789"), {}));
  HttpRequest r = WithKey("mounted-master-key-0123456789");
  r.method = "DELETE";
  HttpResponse out;
  ASSERT_TRUE(km.HandleAdmin(r, "/admin/functions/a/keys/default", &out));
  EXPECT_EQ(out.status, 403);
  EXPECT_EQ(raw->writes, 0);
}

// Extension webhooks (Azure's AuthorizationLevel.System): the master key or
// the system key of that extension; host and function keys do not open them.
TEST_F(KeysTest, SystemKeyIsCreatedOnceAndOpensOnlyItsWebhook) {
  std::map<std::string, std::string> q;
  EXPECT_FALSE(km_->AuthorizeSystem("eventgrid_extension", WithKey("anything"), q));
  ASSERT_TRUE(km_->EnsureSystemKey("eventgrid_extension").ok());
  HostSecrets hs;
  ASSERT_TRUE(store_->ReadHost(&hs).ok());
  ASSERT_EQ(hs.system_keys.size(), 1u);
  EXPECT_EQ(hs.system_keys[0].name, "eventgrid_extension");
  const std::string value = hs.system_keys[0].value;
  ASSERT_TRUE(km_->EnsureSystemKey("EventGrid_Extension").ok());  // exists: unchanged
  ASSERT_TRUE(store_->ReadHost(&hs).ok());
  ASSERT_EQ(hs.system_keys.size(), 1u);
  EXPECT_EQ(hs.system_keys[0].value, value);
  EXPECT_TRUE(km_->AuthorizeSystem("eventgrid_extension", WithKey(value), q));
  EXPECT_TRUE(km_->AuthorizeSystem("EVENTGRID_EXTENSION", WithKey(value), q));
  EXPECT_TRUE(km_->AuthorizeSystem("eventgrid_extension", WithKey("master-key-0123456789"), q));
  EXPECT_FALSE(km_->AuthorizeSystem("other_extension", WithKey(value), q));
  EXPECT_FALSE(km_->AuthorizeSystem("eventgrid_extension", WithKey(FnKey("a")), q));
  EXPECT_FALSE(km_->AuthorizeSystem("eventgrid_extension", WithKey(""), q));
  HttpResponse r = Admin("GET", "/admin/host/systemkeys/eventgrid_extension");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(value), std::string::npos);
  // A value set through the admin API replaces it.
  r = Admin("PUT", "/admin/host/systemkeys/eventgrid_extension",
            R"({"name": "eventgrid_extension", "value": "new-system-key-0123456789"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(km_->AuthorizeSystem("eventgrid_extension", WithKey("new-system-key-0123456789"), q));
  EXPECT_FALSE(km_->AuthorizeSystem("eventgrid_extension", WithKey(value), q));
}

TEST(ReadOnlyKeys, AMissingSystemKeyIsNotCreated) {
  auto store = std::make_unique<ReadOnlyStore>();
  HostSecrets hs;
  hs.master.value = "mounted-master-key-0123456789";
  ASSERT_TRUE(store->MemorySecretsStore::WriteHost(hs).ok());
  ReadOnlyStore* raw = store.get();
  KeyManager km(std::move(store), "", "");
  ASSERT_TRUE(km.Initialize().ok());
  km.set_read_only("read-only secrets directory");
  Status s = km.EnsureSystemKey("eventgrid_extension");
  EXPECT_TRUE(s.IsNotFound());
  EXPECT_NE(s.message().find("eventgrid_extension"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("read-only secrets directory"), std::string::npos) << s.message();
  EXPECT_EQ(raw->writes, 0);
  EXPECT_TRUE(km.AuthorizeSystem("eventgrid_extension", WithKey("mounted-master-key-0123456789"), {}));
}

}  // namespace
}  // namespace pyfn
