// The path of a request to an HTTP function, with real registry, keys,
// limiter and invoker; only the worker on the other side of the invoker is
// played by the test (a WorkerDispatcher that answers or holds the call).
#include "host/http/function_routes.h"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "host/app/app_loader.h"
#include "host/keys/keys_test_support.h"

namespace pyfn {
namespace {

constexpr const char* kMaster = "master-key-0123456789";

// The worker: answers every invocation with an http $return of status 201 and
// body "hi", or with `fail_with`; holds them while `hold` is set.
class Worker : public WorkerDispatcher {
 public:
  void Dispatch(const FunctionSpec& fn, OutgoingInvocation invocation,
                std::function<void(Status, rpc::InvocationResponse)> done) override {
    rpc::InvocationRequest request;
    EXPECT_TRUE(ParseOutgoing(invocation, &request));
    requests.push_back(request);
    if (hold) {
      held.push_back(std::move(done));
      return;
    }
    done(fail_with, Answer());
  }
  static rpc::InvocationResponse Answer() {
    rpc::InvocationResponse resp;
    resp.mutable_result()->set_status(rpc::StatusResult::Success);
    auto* http = resp.mutable_return_value()->mutable_http();
    http->set_status_code("201");
    http->mutable_body()->set_string("hi");
    return resp;
  }
  std::vector<rpc::InvocationRequest> requests;
  std::vector<std::function<void(Status, rpc::InvocationResponse)>> held;
  Status fail_with;
  bool hold = false;
};

FunctionSpec Function(const std::string& name, const std::string& http_trigger_fields) {
  FunctionSpec f;
  std::string text = R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",)" +
                     http_trigger_fields +
                     R"(}, {"type": "http", "direction": "out", "name": "$return"}]})";
  EXPECT_TRUE(ParseFunctionJson(name, "/app/" + name, text, &f).ok()) << text;
  return f;
}

class FunctionRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override { Build(-1, -1); }

  void Build(int max_concurrent, int max_outstanding) {
    std::vector<FunctionSpec> fns = {
        Function("items", R"("authLevel": "anonymous", "route": "items/{id:int}")"),
        Function("secret", R"("authLevel": "function")"),
        Function("off", R"("authLevel": "anonymous")"),
        Function("broken", R"("authLevel": "anonymous")")};
    fns[2].disabled = true;
    fns[3].load_status = Status::InvalidArgument("cannot import x");
    registry_ = std::make_unique<FunctionRegistry>("api");
    registry_->Replace(fns);
    keys_ = std::make_unique<KeyManager>(std::make_unique<MemorySecretsStore>(), kMaster, "");
    ASSERT_TRUE(keys_->Initialize().ok());
    keys_->SyncFunctions(registry_->Get()->functions);
    limiter_ = std::make_unique<RequestLimiter>(max_concurrent, max_outstanding);
    invoker_ = std::make_unique<FunctionInvoker>(registry_.get(), &worker_);
    FunctionRoutes::Parts p;
    p.registry = registry_.get();
    p.auth = keys_.get();
    p.limiter = limiter_.get();
    p.invoker = invoker_.get();
    p.home_page = [] { return TextResponse(200, "home"); };
    routes_ = std::make_unique<FunctionRoutes>(std::move(p));
  }

  // Starts `method target`; the answer lands in the returned slot when it comes.
  std::shared_ptr<std::optional<HttpResponse>> Start(
      const std::string& method, const std::string& target,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpRequest r;
    r.method = method;
    r.base_url = "http://h";
    r.SetTarget(target);
    r.headers = std::move(headers);
    auto slot = std::make_shared<std::optional<HttpResponse>>();
    routes_->Handle(std::move(r), [slot](HttpResponse resp) {
      EXPECT_FALSE(slot->has_value()) << "answered twice";
      *slot = std::move(resp);
    });
    return slot;
  }
  HttpResponse Call(const std::string& method, const std::string& target,
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    auto slot = Start(method, target, std::move(headers));
    EXPECT_TRUE(slot->has_value()) << target;
    return slot->value_or(EmptyResponse(0));
  }

  Worker worker_;
  std::unique_ptr<FunctionRegistry> registry_;
  std::unique_ptr<KeyManager> keys_;
  std::unique_ptr<RequestLimiter> limiter_;
  std::unique_ptr<FunctionInvoker> invoker_;
  std::unique_ptr<FunctionRoutes> routes_;
};

TEST_F(FunctionRoutesTest, InvokesTheRoutedFunctionAndAnswersWithItsHttpOutput) {
  HttpResponse r = Call("GET", "/api/items/42?x=1&x=2",
                        {{"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}});
  EXPECT_EQ(r.status, 201);
  EXPECT_EQ(r.body, "hi");
  ASSERT_EQ(worker_.requests.size(), 1u);
  const rpc::InvocationRequest& req = worker_.requests[0];
  EXPECT_EQ(req.function_id(), registry_->Get()->Find("items")->function_id);
  ASSERT_EQ(req.input_data_size(), 1);
  EXPECT_EQ(req.input_data(0).name(), "req");
  const rpc::RpcHttp& http = req.input_data(0).data().http();
  EXPECT_EQ(http.method(), "GET");
  EXPECT_EQ(http.url(), "http://h/api/items/42?x=1&x=2");
  EXPECT_EQ(http.params().at("id"), "42");
  EXPECT_EQ(http.query().at("x"), "1,2");
  // Without tracing the caller's traceparent is passed on as it came.
  EXPECT_EQ(req.trace_context().trace_parent(),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(req.trace_context().attributes().at("OperationName"), "items");
}

TEST_F(FunctionRoutesTest, ABadTraceparentStartsANewTrace) {
  Call("GET", "/api/items/1", {{"traceparent", "00-zz-bad"}});
  ASSERT_EQ(worker_.requests.size(), 1u);
  const std::string& tp = worker_.requests[0].trace_context().trace_parent();
  EXPECT_EQ(tp.size(), 55u) << tp;
  EXPECT_EQ(tp.rfind("00-", 0), 0u) << tp;
}

TEST_F(FunctionRoutesTest, TheServerSpansContextIsTheInvocationsParent) {
  HttpRequest r;
  r.method = "GET";
  r.SetTarget("/api/items/1");
  r.trace_parent = "00-11111111111111111111111111111111-2222222222222222-01";
  r.trace_state = "k=v";
  routes_->Handle(std::move(r), [](HttpResponse) {});
  ASSERT_EQ(worker_.requests.size(), 1u);
  EXPECT_EQ(worker_.requests[0].trace_context().trace_parent(),
            "00-11111111111111111111111111111111-2222222222222222-01");
  EXPECT_EQ(worker_.requests[0].trace_context().trace_state(), "k=v");
}

TEST_F(FunctionRoutesTest, NoRouteIs404AndTheRootIsTheHomePage) {
  EXPECT_EQ(Call("GET", "/api/items/abc").status, 404);  // {id:int}
  EXPECT_EQ(Call("GET", "/nothing").status, 404);
  HttpResponse home = Call("GET", "/");
  EXPECT_EQ(home.status, 200);
  EXPECT_EQ(home.body, "home");
  EXPECT_TRUE(worker_.requests.empty());
}

TEST_F(FunctionRoutesTest, ADisabledFunctionIsNotThere) {
  EXPECT_EQ(Call("GET", "/api/off").status, 404);
  EXPECT_TRUE(worker_.requests.empty());
}

TEST_F(FunctionRoutesTest, TheAuthLevelNeedsAKey) {
  EXPECT_EQ(Call("GET", "/api/secret").status, 401);
  EXPECT_EQ(Call("GET", "/api/secret", {{"x-functions-key", "wrong"}}).status, 401);
  EXPECT_EQ(Call("GET", "/api/secret", {{"x-functions-key", kMaster}}).status, 201);
  EXPECT_EQ(Call("GET", std::string("/api/secret?code=") + kMaster).status, 201);
}

TEST_F(FunctionRoutesTest, AFunctionThatFailedToLoadAnswers500) {
  EXPECT_EQ(Call("GET", "/api/broken").status, 500);
  EXPECT_TRUE(worker_.requests.empty());
}

TEST_F(FunctionRoutesTest, FailuresOfTheInvocation) {
  worker_.fail_with = Status::Unavailable("no worker ready");
  EXPECT_EQ(Call("GET", "/api/items/1").status, 503);
  worker_.fail_with = Status::Aborted("the worker died");
  EXPECT_EQ(Call("GET", "/api/items/1").status, 500);
}

TEST_F(FunctionRoutesTest, BeyondMaxOutstandingRequestsIs429) {
  Build(/*max_concurrent=*/1, /*max_outstanding=*/2);
  worker_.hold = true;
  auto first = Start("GET", "/api/items/1");
  auto second = Start("GET", "/api/items/2");  // waits for the first
  auto third = Start("GET", "/api/items/3");
  ASSERT_TRUE(third->has_value());
  EXPECT_EQ((*third)->status, 429);
  ASSERT_EQ((*third)->headers.size(), 1u);
  EXPECT_EQ((*third)->headers[0].first, "Retry-After");
  EXPECT_EQ(worker_.requests.size(), 1u);
  EXPECT_FALSE(first->has_value());
  auto done = std::move(worker_.held[0]);  // (Dispatch appends to held while it runs)
  done(Status::OK(), Worker::Answer());     // the first ends: the second starts
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->status, 201);
  ASSERT_EQ(worker_.requests.size(), 2u);
  EXPECT_EQ(worker_.requests[1].input_data(0).data().http().params().at("id"), "2");
  done = std::move(worker_.held[1]);
  done(Status::OK(), Worker::Answer());
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->status, 201);
  EXPECT_EQ(limiter_->running(), 0);
}

}  // namespace
}  // namespace pyfn
