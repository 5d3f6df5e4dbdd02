#include "host/workers/invoker.h"

#include <gtest/gtest.h>

#include "host/app/app_loader.h"

namespace pyfn {
namespace {

class FakeDispatcher : public WorkerDispatcher {
 public:
  void Dispatch(const FunctionSpec& fn, OutgoingInvocation invocation,
                std::function<void(Status, rpc::InvocationResponse)> done) override {
    rpc::InvocationRequest request;
    EXPECT_TRUE(ParseOutgoing(invocation, &request));
    last = request;
    last_http = invocation.http;
    last_summary = invocation.http_summary;
    rpc::InvocationResponse resp;
    resp.set_invocation_id(request.invocation_id());
    if (fail_with.ok()) {
      resp.mutable_result()->set_status(ok ? rpc::StatusResult::Success : rpc::StatusResult::Failure);
      auto* out = resp.add_output_data();
      out->set_name("msg");
      out->mutable_data()->set_string("queued");
    }
    done(fail_with, resp);
  }
  rpc::InvocationRequest last;
  bool last_http = false;
  std::string last_summary;
  Status fail_with;
  bool ok = true;
};

class FakeQueue : public BindingExtension {
 public:
  std::vector<std::string> Types() const override { return {"queue"}; }
  void ReadInput(const BindingContext& ctx,
                 std::function<void(Status, rpc::TypedData)> done) override {
    urls.push_back(ctx.http ? ctx.http->url() : "<none>");
    rpc::TypedData d;
    d.set_string("from-" + ctx.binding->name);
    done(Status::OK(), d);
  }
  void WriteOutput(const BindingContext& ctx, const rpc::TypedData& value,
                   std::function<void(Status)> done) override {
    urls.push_back(ctx.http ? ctx.http->url() : "<none>");
    written.push_back(ctx.binding->name + "=" + value.string());
    done(Status::OK());
  }
  std::vector<std::string> written;
  std::vector<std::string> urls;  // the request each call saw (binding expressions)
};

FunctionRegistry* MakeRegistry() {
  auto* reg = new FunctionRegistry("api");
  FunctionSpec fn;
  EXPECT_TRUE(ParseFunctionJson("f", "/a/f", R"({"bindings": [
      {"type": "httpTrigger", "direction": "in", "name": "req"},
      {"type": "queue", "direction": "in", "name": "inq"},
      {"type": "queue", "direction": "out", "name": "msg"},
      {"type": "http", "direction": "out", "name": "$return"}]})", &fn).ok());
  FunctionSpec broken;
  broken.name = "broken";
  broken.load_status = Status::InvalidArgument("boom");
  std::vector<FunctionSpec> v{fn, broken};
  reg->Replace(v);
  return reg;
}

// The registry's "f" behind the fake worker, with the fake queue extension or
// without any.
struct InvokerOfF {
  explicit InvokerOfF(bool with_queue) : reg(MakeRegistry()), inv(reg.get(), &d) {
    if (with_queue) inv.AddBindingExtension(q);
  }
  InvocationOutcome Invoke(InvocationInput in) {
    in.function_name = "f";
    InvocationOutcome got;
    inv.Invoke(std::move(in), [&](InvocationOutcome o) { got = std::move(o); });
    return got;
  }
  std::unique_ptr<FunctionRegistry> reg;
  FakeDispatcher d;
  FunctionInvoker inv;
  std::shared_ptr<FakeQueue> q = std::make_shared<FakeQueue>();
};

TEST(FunctionInvoker, RunsExtensionsAroundTheWorker) {
  InvokerOfF t(true);
  InvocationInput in;
  in.reason = "test";
  InvocationOutcome got = t.Invoke(in);
  EXPECT_TRUE(got.succeeded()) << got.status.ToString();
  EXPECT_EQ(got.invocation_id.size(), 36u);
  EXPECT_EQ(t.d.last.function_id(), t.reg->Get()->Find("f")->function_id);
  ASSERT_EQ(t.d.last.input_data_size(), 1);
  EXPECT_EQ(t.d.last.input_data(0).name(), "inq");
  EXPECT_EQ(t.d.last.input_data(0).data().string(), "from-inq");
  EXPECT_FALSE(t.d.last.trace_context().trace_parent().empty());
  EXPECT_EQ(t.q->written, std::vector<std::string>{"msg=queued"});
  EXPECT_EQ(t.inv.in_flight(), 0);
}

// An HTTP trigger's value in wire form (rpc_http_wire.h).
std::string HttpTriggerWire() {
  rpc::ParameterBinding pb;
  pb.set_name("req");
  auto* http = pb.mutable_data()->mutable_http();
  http->set_method("GET");
  http->set_url("http://h/api/f?x=1");
  (*http->mutable_headers())["accept"] = "*/*";
  http->mutable_body()->set_bytes("");
  return pb.SerializeAsString();
}

TEST(FunctionInvoker, SendsATriggerInWireFormAsItIs) {
  InvokerOfF t(false);  // no extension: nothing needs the request
  InvocationInput in;
  in.trigger_wire = HttpTriggerWire();
  in.http_summary = "GET http://h/api/f?x=1";
  InvocationOutcome got = t.Invoke(in);
  EXPECT_TRUE(got.succeeded()) << got.status.ToString();
  ASSERT_EQ(t.d.last.input_data_size(), 1);
  EXPECT_EQ(t.d.last.input_data(0).SerializeAsString(), in.trigger_wire);
  EXPECT_TRUE(t.d.last_http);
  EXPECT_EQ(t.d.last_summary, "GET http://h/api/f?x=1");
}

TEST(FunctionInvoker, ExtensionsSeeTheRequestOfATriggerInWireForm) {
  InvokerOfF t(true);
  InvocationInput in;
  in.trigger_wire = HttpTriggerWire();
  InvocationOutcome got = t.Invoke(in);
  EXPECT_TRUE(got.succeeded()) << got.status.ToString();
  EXPECT_EQ(t.q->urls, (std::vector<std::string>{"http://h/api/f?x=1", "http://h/api/f?x=1"}));
  ASSERT_EQ(t.d.last.input_data_size(), 2);
  EXPECT_EQ(t.d.last.input_data(0).SerializeAsString(), in.trigger_wire);
  EXPECT_EQ(t.d.last.input_data(1).name(), "inq");
  EXPECT_TRUE(t.d.last_http);
  EXPECT_EQ(t.d.last_summary, "GET http://h/api/f?x=1");  // made from the message
}

TEST(FunctionInvoker, Failures) {
  std::unique_ptr<FunctionRegistry> reg(MakeRegistry());
  FakeDispatcher d;
  FunctionInvoker inv(reg.get(), &d);
  InvocationOutcome got;
  InvocationInput in;
  in.function_name = "nosuch";
  inv.Invoke(in, [&](InvocationOutcome o) { got = std::move(o); });
  EXPECT_TRUE(got.status.IsNotFound());
  in.function_name = "broken";
  inv.Invoke(in, [&](InvocationOutcome o) { got = std::move(o); });
  EXPECT_FALSE(got.status.ok());
  EXPECT_NE(got.status.message().find("failed to load"), std::string::npos);
  in.function_name = "f";
  d.ok = false;
  inv.Invoke(in, [&](InvocationOutcome o) { got = std::move(o); });
  EXPECT_TRUE(got.status.ok());
  EXPECT_FALSE(got.succeeded());
  d.fail_with = Status::Aborted("worker died");
  inv.Invoke(in, [&](InvocationOutcome o) { got = std::move(o); });
  EXPECT_TRUE(got.status.IsAborted());
  EXPECT_EQ(inv.in_flight(), 0);
}

TEST(FunctionInvoker, ObserverSeesEveryInvocationWithItsTrigger) {
  auto* reg = new FunctionRegistry("api");
  std::unique_ptr<FunctionRegistry> owned(reg);
  FunctionSpec q;
  ASSERT_TRUE(ParseFunctionJson("q", "/a/q", R"({"bindings": [
      {"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "items"}]})", &q).ok());
  reg->Replace({q});
  FakeDispatcher d;
  FunctionInvoker inv(reg, &d);
  std::vector<std::string> seen;
  inv.SetObserver([&](const std::string& fn, const std::string& trigger,
                      const InvocationOutcome& out, double seconds) {
    EXPECT_GE(seconds, 0);
    seen.push_back(fn + "/" + trigger + "/" + (out.succeeded() ? "ok" : "failed"));
  });
  InvocationInput in;
  in.function_name = "q";
  bool done = false;
  inv.Invoke(in, [&](InvocationOutcome) {
    EXPECT_EQ(seen.size(), 1u);  // before done
    done = true;
  });
  EXPECT_TRUE(done);
  d.ok = false;
  inv.Invoke(in, [](InvocationOutcome) {});
  in.function_name = "nosuch";
  inv.Invoke(in, [](InvocationOutcome) {});
  EXPECT_EQ(seen, (std::vector<std::string>{"q/queueTrigger/ok", "q/queueTrigger/failed",
                                            "nosuch//failed"}));
}

TEST(FunctionInvoker, KeepsIncomingTraceparent) {
  std::unique_ptr<FunctionRegistry> reg(MakeRegistry());
  FakeDispatcher d;
  FunctionInvoker inv(reg.get(), &d);
  InvocationInput in;
  in.function_name = "f";
  in.trace_context.set_trace_parent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  in.trace_context.set_trace_state("k=v");
  inv.Invoke(in, [](InvocationOutcome) {});
  EXPECT_EQ(d.last.trace_context().trace_parent(),
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  EXPECT_EQ(d.last.trace_context().trace_state(), "k=v");
}

}  // namespace
}  // namespace pyfn
