// BlobSecretsStore over a FakeTransport that behaves like the Blob service
// (containers, blobs, ETags, conditional puts, listing), and KeyManager on
// top of it as two hosts sharing one account.
#include "host/keys/blob_secrets_store.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <set>

#include "host/common/thread_annotations.h"
#include "host/keys/keys.h"
#include "host/keys/keys_test_support.h"
#include "host/storage/fake_transport.h"
#include "host/triggers/storage_runtime.h"

namespace pyfn {
namespace {

constexpr char kEndpoint[] = "http://127.0.0.1:10000/devstoreaccount1/";
constexpr char kMaster[] = "master-key-0123456789";

// A Blob service in memory, answering a FakeTransport.
class FakeBlobService {
 public:
  struct Blob {
    std::string body;
    int version = 0;
    std::string etag() const { return "\"0x" + std::to_string(version) + "\""; }
  };

  explicit FakeBlobService(storage::FakeTransport* fake) {
    fake->SetHandler([this](const storage::HttpRequest& req, storage::HttpResponse* resp) {
      Handle(req, resp);
      return storage::Status::OK();
    });
  }

  bool Has(const std::string& path) {
    MutexLock l(mu_);
    return blobs_.count(path) > 0;
  }
  std::string Body(const std::string& path) {
    MutexLock l(mu_);
    return blobs_[path].body;
  }
  void Put(const std::string& path, const std::string& body) {
    MutexLock l(mu_);
    Blob& b = blobs_[path];
    b.body = body;
    ++b.version;
  }
  std::set<std::string> containers() {
    MutexLock l(mu_);
    return containers_;
  }
  // Runs once, just before the next PUT of a blob is answered (another
  // host's write racing ours).
  void BeforeNextPut(std::function<void()> f) {
    MutexLock l(mu_);
    before_put_ = std::move(f);
  }
  // Every request fails with 503 from now on (the service is unavailable).
  void GoDown() {
    MutexLock l(mu_);
    down_ = true;
  }

 private:
  static void Error(storage::HttpResponse* r, int status, const std::string& code) {
    r->status = status;
    r->headers.emplace_back("x-ms-error-code", code);
  }

  void Handle(const storage::HttpRequest& req, storage::HttpResponse* r) {
    std::string rest = req.url.substr(std::string(kEndpoint).size());
    std::string query;
    size_t q = rest.find('?');
    if (q != std::string::npos) {
      query = rest.substr(q + 1);
      rest.resize(q);
    }
    std::string container = rest.substr(0, rest.find('/'));
    std::string blob = rest.find('/') == std::string::npos ? "" : rest.substr(rest.find('/') + 1);
    std::function<void()> hook;
    if (req.method == "PUT" && !blob.empty()) {
      MutexLock l(mu_);
      hook.swap(before_put_);
    }
    if (hook) hook();
    MutexLock l(mu_);
    if (down_) return Error(r, 503, "ServerBusy");
    if (blob.empty() && query.find("restype=container") != std::string::npos &&
        query.find("comp=list") == std::string::npos) {
      if (req.method != "PUT") return Error(r, 400, "Unsupported");
      if (!containers_.insert(container).second) return Error(r, 409, "ContainerAlreadyExists");
      r->status = 201;
      return;
    }
    if (!containers_.count(container)) return Error(r, 404, "ContainerNotFound");
    if (blob.empty()) {  // List Blobs
      std::string prefix;
      size_t p = query.find("prefix=");
      if (p != std::string::npos) {
        prefix = query.substr(p + 7, query.find('&', p) - p - 7);
        for (size_t i; (i = prefix.find("%2F")) != std::string::npos;) prefix.replace(i, 3, "/");
      }
      r->status = 200;
      r->body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults><Blobs>";
      for (const auto& kv : blobs_) {
        if (kv.first.rfind(container + "/", 0) != 0) continue;
        std::string name = kv.first.substr(container.size() + 1);
        if (name.rfind(prefix, 0) == 0)
          r->body += "<Blob><Name>" + name + "</Name><Properties><Etag>" + kv.second.etag() +
                     "</Etag></Properties></Blob>";
      }
      r->body += "</Blobs><NextMarker /></EnumerationResults>";
      return;
    }
    std::string path = container + "/" + blob;
    auto it = blobs_.find(path);
    if (req.method == "GET") {
      if (it == blobs_.end()) return Error(r, 404, "BlobNotFound");
      r->status = 200;
      r->body = it->second.body;
      r->headers.emplace_back("etag", it->second.etag());
    } else if (req.method == "PUT") {
      const std::string* none = req.Header("If-None-Match");
      const std::string* match = req.Header("If-Match");
      if (none && *none == "*" && it != blobs_.end()) return Error(r, 409, "BlobAlreadyExists");
      if (match && (it == blobs_.end() || it->second.etag() != *match))
        return Error(r, 412, "ConditionNotMet");
      Blob& b = blobs_[path];
      b.body = req.body;
      ++b.version;
      r->status = 201;
      r->headers.emplace_back("etag", b.etag());
    } else if (req.method == "DELETE") {
      if (it == blobs_.end()) return Error(r, 404, "BlobNotFound");
      blobs_.erase(it);
      r->status = 202;
    }
  }

  Mutex mu_;
  std::set<std::string> containers_ PYFN_GUARDED_BY(mu_);
  std::map<std::string, Blob> blobs_ PYFN_GUARDED_BY(mu_);  // "container/blob"
  std::function<void()> before_put_ PYFN_GUARDED_BY(mu_);
  bool down_ PYFN_GUARDED_BY(mu_) = false;
};


class BlobSecretsTest : public ::testing::Test {
 protected:
  BlobSecretsTest()
      : service_(&fake_),
        client_(storage::DevelopmentStorageAccount("127.0.0.1", 10000, 10001), &fake_) {}

  std::unique_ptr<BlobSecretsStore> Store(const std::string& host = "host-a") {
    BlobSecretsLocation where{"AzureWebJobsStorage", kSecretsContainer, "myapp", true};
    return std::make_unique<BlobSecretsStore>(&client_, where, host);
  }
  // One host: a KeyManager on its own store, functions synced.
  std::unique_ptr<KeyManager> Host(const std::string& host = "host-a") {
    auto km = std::make_unique<KeyManager>(Store(host), "", "");
    EXPECT_TRUE(km->Initialize().ok());
    km->SyncFunctions(fns_);
    return km;
  }
  static HttpResponse Admin(KeyManager* km, const std::string& method, const std::string& path,
                            const std::string& body = "") {
    HttpRequest r = WithKey(kMaster);
    r.method = method;
    r.body = body;
    HttpResponse out;
    EXPECT_TRUE(km->HandleAdmin(r, path, &out)) << path;
    return out;
  }
  nlohmann::json Json(const std::string& path) {
    return nlohmann::json::parse(service_.Body(path), nullptr, false);
  }

  storage::FakeTransport fake_;
  FakeBlobService service_;
  storage::BlobClient client_;
  std::vector<FunctionSpec> fns_ = {HttpFunctionWithLevel("Alpha"), HttpFunctionWithLevel("beta")};
};

TEST(SecretsSlotNameTest, AzureSiteSlotNameElseHostId) {
  EXPECT_EQ(SecretsSlotName({}, "my-host-id"), "my-host-id");
  EXPECT_EQ(SecretsSlotName({{"WEBSITE_SITE_NAME", "MyApp"}}, "id"), "myapp");
  EXPECT_EQ(SecretsSlotName({{"WEBSITE_SITE_NAME", "MyApp"}, {"WEBSITE_SLOT_NAME", "Staging"}}, "id"),
            "myapp-staging");
  EXPECT_EQ(
      SecretsSlotName({{"WEBSITE_SITE_NAME", "MyApp"}, {"WEBSITE_SLOT_NAME", "Production"}}, "id"),
      "myapp");
}

TEST_F(BlobSecretsTest, AzureLayoutAndTheContainerIsCreatedOnTheFirstWrite) {
  auto km = Host();
  EXPECT_EQ(service_.containers(), std::set<std::string>{"azure-webjobs-secrets"});
  nlohmann::json host = Json("azure-webjobs-secrets/myapp/host.json");
  ASSERT_TRUE(host.is_object()) << service_.Body("azure-webjobs-secrets/myapp/host.json");
  EXPECT_EQ(host["masterKey"]["name"], "master");
  EXPECT_EQ(host["masterKey"]["encrypted"], false);
  EXPECT_EQ(host["functionKeys"][0]["name"], "default");
  EXPECT_EQ(host["hostName"], "host-a");
  // The same JSON as the files, the same file stems.
  HostSecrets parsed;
  EXPECT_TRUE(ParseHostSecrets(service_.Body("azure-webjobs-secrets/myapp/host.json"), "h",
                               &parsed).ok());
  EXPECT_EQ(Json("azure-webjobs-secrets/myapp/alpha.json")["keys"][0]["name"], "default");
  EXPECT_TRUE(service_.Has("azure-webjobs-secrets/myapp/beta.json"));
  EXPECT_EQ(Store()->ListFunctions(), (std::vector<std::string>{"alpha", "beta"}));
}

TEST_F(BlobSecretsTest, WritesAreConditionalOnTheETagLastSeen) {
  auto a = Store("a"), b = Store("b");
  HostSecrets h;
  EXPECT_TRUE(a->ReadHost(&h).IsNotFound());
  EXPECT_TRUE(b->ReadHost(&h).IsNotFound());
  h.master.value = "from-a-0123456789";
  ASSERT_TRUE(a->WriteHost(h).ok());
  EXPECT_EQ(*fake_.last_request().Header("If-None-Match"), "*");
  h.master.value = "from-b-0123456789";
  Status s = b->WriteHost(h);  // b saw no blob; a created it meanwhile
  EXPECT_TRUE(s.IsAborted()) << s.ToString();
  ASSERT_TRUE(b->ReadHost(&h).ok());
  EXPECT_EQ(h.master.value, "from-a-0123456789");
  h.master.value = "from-b-0123456789";
  ASSERT_TRUE(b->WriteHost(h).ok());
  EXPECT_EQ(*fake_.last_request().Header("If-Match"), "\"0x1\"");
  EXPECT_TRUE(a->WriteHost(h).IsAborted());  // a's ETag is stale now
}

TEST_F(BlobSecretsTest, AKeySetOnOneHostSurvivesARestartAndOpensAnotherHost) {
  auto a = Host("a");
  auto b = Host("b");  // started before the key exists
  const std::string key = "my-own-key-value-0123456789";
  HttpResponse r = Admin(a.get(), "PUT", "/admin/functions/Alpha/keys/mine",
                         R"({"name": "mine", "value": ")" + key + R"("})");
  EXPECT_EQ(r.status, 201);
  nlohmann::json stored = Json("azure-webjobs-secrets/myapp/alpha.json");
  EXPECT_EQ(stored["keys"][1]["name"], "mine");
  EXPECT_TRUE(a->Authorize(fns_[0], WithKey(key), {}));
  EXPECT_FALSE(a->Authorize(fns_[1], WithKey(key), {}));
  // b reloads on the miss.
  EXPECT_TRUE(b->Authorize(fns_[0], WithKey(key), {}));
  // A restart reads it back; the host keys are the same everywhere.
  a.reset();
  auto a2 = Host("a");
  EXPECT_TRUE(a2->Authorize(fns_[0], WithKey(key), {}));
  EXPECT_TRUE(a2->AuthorizeAdmin(WithKey(Json("azure-webjobs-secrets/myapp/host.json")
                                              ["masterKey"]["value"]), {}));
}

TEST_F(BlobSecretsTest, ReloadsAfterAMissAreThrottled) {
  auto a = Host("a");
  auto b = Host("b");
  EXPECT_FALSE(b->Authorize(fns_[0], WithKey("nothing-like-a-key-0123"), {}));  // reloads
  Admin(a.get(), "PUT", "/admin/host/keys/k1", R"({"name": "k1", "value": "host-key-one-0123456789"})");
  // The reload for Alpha was just spent; beta's is not.
  EXPECT_FALSE(b->Authorize(fns_[0], WithKey("host-key-one-0123456789"), {}));
  EXPECT_TRUE(b->Authorize(fns_[1], WithKey("host-key-one-0123456789"), {}));
  Admin(a.get(), "PUT", "/admin/host/keys/k2", R"({"name": "k2", "value": "host-key-two-0123456789"})");
  EXPECT_FALSE(b->Authorize(fns_[1], WithKey("host-key-two-0123456789"), {}));
  b->set_reload_interval(std::chrono::milliseconds(0));
  EXPECT_TRUE(b->Authorize(fns_[1], WithKey("host-key-two-0123456789"), {}));
}

TEST_F(BlobSecretsTest, ChangesOnTwoHostsDoNotOverwriteEachOther) {
  auto a = Host("a");
  auto b = Host("b");
  EXPECT_EQ(Admin(a.get(), "PUT", "/admin/host/keys/ka", R"({"value": "key-from-host-a-0123"})").status, 201);
  EXPECT_EQ(Admin(b.get(), "PUT", "/admin/host/keys/kb", R"({"value": "key-from-host-b-0123"})").status, 201);
  nlohmann::json host = Json("azure-webjobs-secrets/myapp/host.json");
  std::set<std::string> names;
  for (const auto& k : host["functionKeys"]) names.insert(k["name"].get<std::string>());
  EXPECT_EQ(names, (std::set<std::string>{"default", "ka", "kb"}));
  // GET on a lists what b added.
  EXPECT_NE(Admin(a.get(), "GET", "/admin/host/keys").body.find("key-from-host-b-0123"),
            std::string::npos);
}

TEST_F(BlobSecretsTest, AChangeRacedByAnotherHostIsRetried) {
  auto a = Host("a");
  auto b = Host("b");
  service_.BeforeNextPut([&] {
    // b writes between a's read and a's write.
    Admin(b.get(), "PUT", "/admin/functions/beta/keys/kb", R"({"value": "key-from-host-b-0123"})");
  });
  EXPECT_EQ(Admin(a.get(), "PUT", "/admin/functions/beta/keys/ka",
                  R"({"value": "key-from-host-a-0123"})").status, 201);
  nlohmann::json beta = Json("azure-webjobs-secrets/myapp/beta.json");
  ASSERT_EQ(beta["keys"].size(), 3u) << beta.dump();
  EXPECT_EQ(beta["keys"][1]["name"], "kb");
  EXPECT_EQ(beta["keys"][2]["name"], "ka");
}

TEST_F(BlobSecretsTest, HostsStartingTogetherShareOneMasterKey) {
  auto store = Store("b");
  auto* raw = store.get();
  HostSecrets none;
  EXPECT_TRUE(raw->ReadHost(&none).IsNotFound());
  KeyManager b(std::move(store), "", "");
  service_.BeforeNextPut([&] { Host("a"); });  // a creates the keys while b creates its own
  ASSERT_TRUE(b.Initialize().ok());
  std::string master = Json("azure-webjobs-secrets/myapp/host.json")["masterKey"]["value"];
  EXPECT_TRUE(b.AuthorizeAdmin(WithKey(master), {}));
}

TEST_F(BlobSecretsTest, SecretsOfUnknownFunctionsAreKept) {
  service_.Put("azure-webjobs-secrets/myapp/other.json", R"({"keys": []})");
  auto a = Host();
  EXPECT_TRUE(service_.Has("azure-webjobs-secrets/myapp/other.json"));
}

TEST_F(BlobSecretsTest, StorageDownAtStartFailsNamingTheSettingNotTheKey) {
  service_.GoDown();
  KeyManager km(Store(), kMaster, "");
  Status s = km.Initialize();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("AzureWebJobsStorage"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("GetBlob azure-webjobs-secrets/myapp/host.json"), std::string::npos);
  EXPECT_EQ(s.message().find(kMaster), std::string::npos);
}

TEST_F(BlobSecretsTest, AdminChangesFailWhenStorageIsDown) {
  auto a = Host();
  service_.GoDown();
  EXPECT_EQ(Admin(a.get(), "POST", "/admin/host/keys/new").status, 500);
  EXPECT_EQ(Admin(a.get(), "GET", "/admin/host/keys").status, 200);  // from memory
}

TEST(OpenBlobSecretsStoreTest, ConnectionStringContainerSasUriOrAClearError) {
  storage::FakeTransport fake;
  {
    StorageRuntime rt({{"AzureWebJobsStorage", "UseDevelopmentStorage=true"},
                       {"AzureFunctionsWebHost__hostid", "My-Host"}},
                      nlohmann::json::object(), "/app", &fake);
    std::unique_ptr<SecretsStore> s;
    ASSERT_TRUE(OpenBlobSecretsStore(&rt, "h", &s).ok());
    EXPECT_EQ(s->Describe(),
              "blob storage (AzureWebJobsStorage), account devstoreaccount1, "
              "azure-webjobs-secrets/my-host/");
    EXPECT_TRUE(s->shared());
  }
  {
    StorageRuntime rt({{"AzureWebJobsStorage", "UseDevelopmentStorage=true"},
                       {"AzureWebJobsSecretStorageSas",
                        "http://127.0.0.1:10000/devstoreaccount1/keys?sv=2021&sp=rwl&sig=SIGNATURE"},
                       {"WEBSITE_SITE_NAME", "Site"}},
                      nlohmann::json::object(), "/app", &fake);
    std::unique_ptr<SecretsStore> s;
    ASSERT_TRUE(OpenBlobSecretsStore(&rt, "h", &s).ok());
    EXPECT_EQ(s->Describe(),
              "blob storage (AzureWebJobsSecretStorageSas), account devstoreaccount1, keys/site/");
    // The SAS authorizes; a missing container is not created (a container SAS cannot).
    fake.SetHandler([](const storage::HttpRequest& req, storage::HttpResponse* r) {
      r->status = 404;
      r->headers.emplace_back("x-ms-error-code", "ContainerNotFound");
      return storage::Status::OK();
    });
    HostSecrets h;
    Status w = s->WriteHost(h);
    EXPECT_TRUE(w.IsNotFound());
    EXPECT_NE(w.message().find("AzureWebJobsSecretStorageSas: the container 'keys' does not exist"),
              std::string::npos)
        << w.message();
    EXPECT_EQ(w.message().find("SIGNATURE"), std::string::npos);
    for (const auto& req : fake.requests()) {
      EXPECT_NE(req.url.find("sig=SIGNATURE"), std::string::npos) << req.url;
      EXPECT_EQ(req.url.find("restype=container"), std::string::npos) << req.url;
    }
  }
  {
    StorageRuntime rt({}, nlohmann::json::object(), "/app", &fake);
    std::unique_ptr<SecretsStore> s;
    Status st = OpenBlobSecretsStore(&rt, "h", &s);
    EXPECT_TRUE(st.IsInvalidArgument());
    EXPECT_NE(st.message().find("AzureWebJobsStorage"), std::string::npos);
    EXPECT_NE(st.message().find("AzureWebJobsSecretStorageSas"), std::string::npos);
  }
  {
    StorageRuntime rt({{"AzureWebJobsSecretStorageSas", "https://acct.blob.core.windows.net/c"}},
                      nlohmann::json::object(), "/app", &fake);
    std::unique_ptr<SecretsStore> s;
    Status st = OpenBlobSecretsStore(&rt, "h", &s);
    EXPECT_TRUE(st.IsInvalidArgument());
    EXPECT_NE(st.message().find("'AzureWebJobsSecretStorageSas' is malformed"), std::string::npos)
        << st.message();
  }
}

}  // namespace
}  // namespace pyfn
