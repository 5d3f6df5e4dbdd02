// RpcFunctionMetadata -> FunctionSpec, with raw bindings and retry options as
// pyfn-worker sends them for a decorator app (azure.functions' JSON: upper
// case directions and auth levels, keys in the library's order).
#include "host/app/worker_metadata.h"

#include <gtest/gtest.h>

namespace pyfn {
namespace {

namespace rpc = ::AzureFunctionsRpcMessages;
using std::chrono::milliseconds;

rpc::RpcFunctionMetadata HttpMetadata() {
  rpc::RpcFunctionMetadata md;
  md.set_name("items");
  md.set_function_id("id-1");
  md.set_script_file("/app/function_app.py");
  md.set_entry_point("items");
  md.add_raw_bindings(
      R"({"direction": "OUT", "type": "queue", "name": "msg", "queueName": "q", )"
      R"("connection": "AzureWebJobsStorage"})");
  md.add_raw_bindings(
      R"({"direction": "IN", "type": "httpTrigger", "name": "req", "methods": ["GET"], )"
      R"("authLevel": "ANONYMOUS", "route": "items/{id}"})");
  md.add_raw_bindings(R"({"direction": "OUT", "type": "http", "name": "$return"})");
  return md;
}

TEST(WorkerMetadata, BindingsComeFromTheRawBindingsTheWorkerSends) {
  rpc::RpcFunctionMetadata md = HttpMetadata();
  FunctionSpec fn = FunctionSpecFromMetadata(md, "/app");
  ASSERT_TRUE(fn.load_status.ok()) << fn.load_status.message();
  EXPECT_EQ(fn.name, "items");
  EXPECT_EQ(fn.function_id, "id-1");
  EXPECT_EQ(fn.directory, "/app");  // none given: the script root
  EXPECT_EQ(fn.script_file, "/app/function_app.py");
  EXPECT_EQ(fn.entry_point, "items");
  EXPECT_TRUE(fn.worker_indexed);
  ASSERT_EQ(fn.bindings.size(), 3u);
  EXPECT_EQ(fn.bindings[0].direction, BindingDirection::kOut);
  EXPECT_EQ(fn.bindings[0].raw.value("queueName", ""), "q");
  ASSERT_NE(fn.trigger(), nullptr);
  EXPECT_EQ(fn.trigger()->name, "req");
  ASSERT_TRUE(fn.http.has_value());
  EXPECT_EQ(fn.http->route, "items/{id}");
  EXPECT_EQ(fn.http->methods, std::vector<std::string>{"GET"});
  EXPECT_EQ(fn.http->auth_level, "anonymous");
  ASSERT_NE(fn.HttpOutput(), nullptr);
  // The worker's exact text is what FunctionLoadRequest sends back.
  ASSERT_EQ(fn.raw_bindings.size(), 3u);
  EXPECT_EQ(fn.raw_bindings[1], md.raw_bindings(1));
  EXPECT_EQ(fn.retry.max_retry_count, 0);  // no retry options: no retries
}

TEST(WorkerMetadata, AGivenDirectoryIsKept) {
  rpc::RpcFunctionMetadata md = HttpMetadata();
  md.set_directory("/app/sub");
  EXPECT_EQ(FunctionSpecFromMetadata(md, "/app").directory, "/app/sub");
}

TEST(WorkerMetadata, BadRawBindingsFailTheFunctionNamingItsScript) {
  rpc::RpcFunctionMetadata md = HttpMetadata();
  md.add_raw_bindings("{not json");
  FunctionSpec fn = FunctionSpecFromMetadata(md, "/app");
  EXPECT_FALSE(fn.load_status.ok());
  EXPECT_EQ(fn.load_status.message(), "/app/function_app.py: raw binding 3 is not valid JSON");

  rpc::RpcFunctionMetadata two = HttpMetadata();
  two.add_raw_bindings(R"({"direction": "IN", "type": "timerTrigger", "name": "t"})");
  fn = FunctionSpecFromMetadata(two, "/app");
  EXPECT_NE(fn.load_status.message().find("two triggers"), std::string::npos)
      << fn.load_status.message();
  EXPECT_TRUE(fn.http.has_value());  // keeps its route: answers 500 there
}

TEST(WorkerMetadata, AFailedStatusFailsTheFunction) {
  rpc::RpcFunctionMetadata md = HttpMetadata();
  md.mutable_status()->set_status(rpc::StatusResult::Failure);
  md.mutable_status()->mutable_exception()->set_message("cannot import x");
  FunctionSpec fn = FunctionSpecFromMetadata(md, "/app");
  EXPECT_EQ(fn.load_status.message(), "/app/function_app.py: cannot import x");
}

TEST(WorkerMetadata, FixedDelayRetryOptions) {
  rpc::RpcFunctionMetadata md = HttpMetadata();
  auto* ro = md.mutable_retry_options();
  ro->set_retry_strategy(rpc::RpcRetryOptions::fixed_delay);
  ro->set_max_retry_count(3);
  ro->mutable_delay_interval()->set_seconds(10);
  ro->mutable_delay_interval()->set_nanos(500000000);
  FunctionSpec fn = FunctionSpecFromMetadata(md, "/app");
  EXPECT_TRUE(fn.retry.fixed_delay);
  EXPECT_EQ(fn.retry.max_retry_count, 3);
  EXPECT_EQ(fn.retry.delay, milliseconds(10500));
  EXPECT_EQ(fn.retry.DelayBefore(2), milliseconds(10500));
}

TEST(WorkerMetadata, ExponentialBackoffRetryOptions) {
  rpc::RpcFunctionMetadata md = HttpMetadata();
  auto* ro = md.mutable_retry_options();
  ro->set_retry_strategy(rpc::RpcRetryOptions::exponential_backoff);
  ro->set_max_retry_count(-1);
  ro->mutable_minimum_interval()->set_seconds(1);
  ro->mutable_maximum_interval()->set_seconds(60);
  FunctionSpec fn = FunctionSpecFromMetadata(md, "/app");
  EXPECT_FALSE(fn.retry.fixed_delay);
  EXPECT_EQ(fn.retry.max_retry_count, -1);
  EXPECT_EQ(fn.retry.delay, milliseconds(0));
  EXPECT_EQ(fn.retry.minimum, milliseconds(1000));
  EXPECT_EQ(fn.retry.maximum, milliseconds(60000));
  EXPECT_EQ(fn.retry.DelayBefore(3), milliseconds(4000));
  EXPECT_EQ(fn.retry.DelayBefore(10), milliseconds(60000));
}

TEST(WorkerMetadata, RetryOptionsWithoutIntervalsRetryAtOnce) {
  rpc::RpcRetryOptions ro;
  ro.set_max_retry_count(2);
  RetryPolicy p = RetryPolicyFromRpc(ro);
  EXPECT_FALSE(p.fixed_delay);  // exponential_backoff is the enum's zero
  EXPECT_EQ(p.max_retry_count, 2);
  EXPECT_EQ(p.DelayBefore(1), milliseconds(0));
}

}  // namespace
}  // namespace pyfn
