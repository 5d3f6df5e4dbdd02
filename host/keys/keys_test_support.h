// Test helpers shared by the key tests (keys_test.cc, blob_secrets_store_test.cc):
// an HTTP function of a given auth level, and a request presenting a key.
#ifndef PYFN_HOST_KEYS_TEST_SUPPORT_H_
#define PYFN_HOST_KEYS_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <string>

#include "host/app/app_loader.h"
#include "host/keys/keys.h"

namespace pyfn {

// An HTTP-triggered function `name` with authLevel `level`.
inline FunctionSpec HttpFunctionWithLevel(const std::string& name,
                                          const std::string& level = "function") {
  FunctionSpec f;
  std::string text = R"({"bindings": [{"type": "httpTrigger", "direction": "in", "name": "req",
      "authLevel": ")" + level + R"("}, {"type": "http", "direction": "out", "name": "$return"}]})";
  EXPECT_TRUE(ParseFunctionJson(name, "/app/" + name, text, &f).ok());
  return f;
}

// A GET presenting `key` in the x-functions-key header (no header when empty).
inline HttpRequest WithKey(const std::string& key) {
  HttpRequest r;
  r.method = "GET";
  r.base_url = "http://h";
  if (!key.empty()) r.headers.emplace_back("X-Functions-Key", key);
  return r;
}

}  // namespace pyfn

#endif  // PYFN_HOST_KEYS_TEST_SUPPORT_H_
