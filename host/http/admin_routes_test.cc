// The admin endpoints with a real KeyManager over in-memory secrets and a
// host state the test sets (no Host, no workers).
#include "host/http/admin_routes.h"

#include <gtest/gtest.h>

#include <memory>

#include "host/common/strings.h"
#include "host/keys/keys_test_support.h"

namespace pyfn {
namespace {

constexpr const char* kMaster = "master-key-0123456789";

// The state a host would report.
class FixedProbe : public HostProbe {
 public:
  HostStatus CurrentStatus() const override { return status; }
  bool Ready() const override { return ready; }
  std::string MetricsText() const override { return "pyfn_host_ready 1\n"; }

  HostStatus status;
  bool ready = false;
};

class AdminRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = std::make_unique<KeyManager>(std::make_unique<MemorySecretsStore>(), kMaster, "");
    ASSERT_TRUE(keys_->Initialize().ok());
    keys_->SyncFunctions({HttpFunctionWithLevel("hello")});
    routes_ = std::make_unique<AdminRoutes>(&probe_, keys_.get(), keys_.get());
  }

  // The answer to `method path` presenting `key` ("" for none).
  HttpResponse Call(const std::string& method, const std::string& path,
                    const std::string& key = "") {
    HttpRequest r = WithKey(key);
    r.method = method;
    r.SetTarget(path);
    std::string lower = AsciiLower(r.path);
    while (lower.size() > 1 && lower.back() == '/') lower.pop_back();
    EXPECT_TRUE(IsAdminPath(lower)) << path;
    int calls = 0;
    HttpResponse out;
    routes_->Handle(lower, r, [&](HttpResponse resp) {
      ++calls;
      out = std::move(resp);
    });
    EXPECT_EQ(calls, 1) << path;
    return out;
  }

  FixedProbe probe_;
  std::unique_ptr<KeyManager> keys_;
  std::unique_ptr<AdminRoutes> routes_;
};

TEST(AdminPathTest, AdminAndBelowOnly) {
  EXPECT_TRUE(IsAdminPath("/admin"));
  EXPECT_TRUE(IsAdminPath("/admin/host/status"));
  EXPECT_FALSE(IsAdminPath("/administrator"));
  EXPECT_FALSE(IsAdminPath("/api/admin"));
}

TEST(HostStatusJsonTest, NamesTheStateAsAzureDoes) {
  HostStatus s;
  s.state = HostStatus::State::kRunning;
  s.id = "box";
  s.uptime = std::chrono::milliseconds(1234);
  nlohmann::json j = HostStatusJson(s);
  EXPECT_EQ(j["state"], "Running");
  EXPECT_EQ(j["id"], "box");
  EXPECT_EQ(j["processUptime"], 1234);
  EXPECT_EQ(j["version"], PYFN_VERSION);
  EXPECT_EQ(j["versionDetails"], std::string("pyfn-host ") + PYFN_VERSION);
  EXPECT_FALSE(j.contains("errors"));
  s.state = HostStatus::State::kError;
  s.errors = {"cannot start"};
  j = HostStatusJson(s);
  EXPECT_EQ(j["state"], "Error");
  EXPECT_EQ(j["errors"], nlohmann::json::array({"cannot start"}));
  s.state = HostStatus::State::kStopping;
  EXPECT_EQ(HostStatusJson(s)["state"], "Stopping");
}

TEST_F(AdminRoutesTest, StatusIsAnonymousJson) {
  probe_.status.state = HostStatus::State::kInitializing;
  HttpResponse r = Call("GET", "/admin/host/status");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(nlohmann::json::parse(r.body)["state"], "Initializing");
  // Case and a trailing slash do not matter; HEAD is a GET.
  EXPECT_EQ(Call("HEAD", "/Admin/Host/Status/").status, 200);
  EXPECT_EQ(Call("POST", "/admin/host/status").status, 401);  // not an anonymous one
}

TEST_F(AdminRoutesTest, PingAnswers200OnlyWhileRunning) {
  EXPECT_EQ(Call("GET", "/admin/host/ping").status, 503);
  probe_.status.state = HostStatus::State::kRunning;
  EXPECT_EQ(Call("GET", "/admin/host/ping").status, 200);
  EXPECT_EQ(Call("POST", "/admin/host/ping").status, 200);
  probe_.status.state = HostStatus::State::kStopping;
  EXPECT_EQ(Call("POST", "/admin/host/ping").status, 503);
}

TEST_F(AdminRoutesTest, HealthProbes) {
  EXPECT_EQ(Call("GET", "/admin/health/live").status, 200);
  EXPECT_EQ(Call("GET", "/admin/health/ready").status, 503);
  probe_.ready = true;
  EXPECT_EQ(Call("GET", "/admin/health/ready").status, 200);
}

TEST_F(AdminRoutesTest, MetricsNeedTheMasterKey) {
  EXPECT_EQ(Call("GET", "/admin/metrics").status, 401);
  EXPECT_EQ(Call("GET", "/admin/metrics", "wrong").status, 401);
  HttpResponse r = Call("GET", "/admin/metrics", kMaster);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "pyfn_host_ready 1\n");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].second, "text/plain; version=0.0.4; charset=utf-8");
  // The code query parameter works as the header does.
  EXPECT_EQ(Call("GET", std::string("/admin/metrics?code=") + kMaster).status, 200);
}

TEST_F(AdminRoutesTest, TheKeyAdminApiAnswersWithTheMasterKey) {
  EXPECT_EQ(Call("GET", "/admin/host/keys").status, 401);
  HttpResponse r = Call("GET", "/admin/host/keys", kMaster);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(nlohmann::json::parse(r.body).contains("keys"));
  EXPECT_EQ(Call("GET", "/admin/functions/hello/keys", kMaster).status, 200);
  EXPECT_EQ(Call("GET", "/admin/functions/nope/keys", kMaster).status, 404);
}

TEST_F(AdminRoutesTest, UnknownAdminPathsAre404BehindTheKey) {
  EXPECT_EQ(Call("GET", "/admin/nothing").status, 401);
  EXPECT_EQ(Call("GET", "/admin/nothing", kMaster).status, 404);
  EXPECT_EQ(Call("GET", "/admin", kMaster).status, 404);
}

TEST_F(AdminRoutesTest, WithoutAKeyManagerOnlyTheKeyApiIsGone) {
  AdminRoutes no_keys(&probe_, keys_.get(), nullptr);
  HttpRequest r = WithKey(kMaster);
  r.SetTarget("/admin/host/keys");
  HttpResponse out;
  no_keys.Handle("/admin/host/keys", r, [&](HttpResponse resp) { out = std::move(resp); });
  EXPECT_EQ(out.status, 404);
}

TEST(MetricsEndpointTest, ServesMetricsWithoutAKey) {
  FixedProbe probe;
  MetricsEndpoint endpoint(&probe);
  auto call = [&](const std::string& method, const std::string& path) {
    HttpRequest r;
    r.method = method;
    r.SetTarget(path);
    HttpResponse out;
    endpoint.Handle(r, [&](HttpResponse resp) { out = std::move(resp); });
    return out;
  };
  HttpResponse r = call("GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "pyfn_host_ready 1\n");
  EXPECT_EQ(call("HEAD", "/metrics").status, 200);
  EXPECT_EQ(call("POST", "/metrics").status, 404);
  EXPECT_EQ(call("GET", "/other").status, 404);
}

}  // namespace
}  // namespace pyfn
