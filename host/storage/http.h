// The storage layer's one network touch point: an HttpTransport sends one
// HTTP request and returns the answer. BeastTransport (beast_transport.h) is
// the real one, FakeTransport (fake_transport.h) the in-memory one for tests,
// and RetryingTransport wraps either with Azure's retry rules.
#ifndef PYFN_HOST_STORAGE_HTTP_H_
#define PYFN_HOST_STORAGE_HTTP_H_

#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "host/common/thread_annotations.h"
#include "host/storage/status.h"

namespace pyfn {
namespace storage {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";  // GET HEAD PUT POST DELETE
  std::string url;             // absolute and already percent-encoded
  HttpHeaders headers;         // sent as given; Content-Length is computed from body
  std::string body;

  // Value of the first header with this (case-insensitive) name, or nullptr.
  const std::string* Header(std::string_view name) const;
  // Replaces every header of this name with one "name: value".
  void SetHeader(const std::string& name, std::string value);
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;  // names lower-cased
  std::string body;

  const std::string* Header(std::string_view name) const;
  // Value of the header, or "" when absent.
  std::string HeaderOr(std::string_view name, const std::string& fallback = "") const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends req and fills *resp. Returns OK whenever an HTTP answer arrived,
  // whatever its status; NetworkError when none did (refused, DNS, TLS,
  // timeout). Must be safe to call from several threads at once.
  virtual Status Send(const HttpRequest& req, HttpResponse* resp) = 0;
};

struct RetryOptions {
  int max_attempts = 4;                        // first try included
  std::chrono::milliseconds base_delay{200};   // before the 2nd try
  std::chrono::milliseconds max_delay{10000};  // cap per wait
};

// True for the answers Azure's SDKs retry: 408, 429, 500, 502, 503, 504.
bool IsRetriableHttpStatus(int status);

// Retries transient failures (NetworkError, IsRetriableHttpStatus) with
// exponential backoff and jitter: wait n is uniform in
// [delay/2, delay] with delay = min(max_delay, base_delay * 2^(n-1)), and
// at least the server's Retry-After (seconds) when it sends one. The last
// answer or error is returned as is.
class RetryingTransport : public HttpTransport {
 public:
  using SleepFn = std::function<void(std::chrono::milliseconds)>;
  // inner must outlive this object. sleep defaults to
  // std::this_thread::sleep_for; tests pass a recorder.
  RetryingTransport(HttpTransport* inner, RetryOptions options, SleepFn sleep = nullptr,
                    uint64_t seed = 0);
  Status Send(const HttpRequest& req, HttpResponse* resp) override;

 private:
  std::chrono::milliseconds Backoff(int attempt, const HttpResponse* resp);

  HttpTransport* const inner_;
  const RetryOptions options_;
  SleepFn sleep_;
  pyfn::Mutex mu_;
  std::mt19937_64 rng_ PYFN_GUARDED_BY(mu_);
};

// Builds the Status for a non-2xx answer. The message is
// "<context>: <status> <ErrorCode>: <Message from the body>"; the code
// comes from x-ms-error-code or the body: <Code> of an XML <Error>, or
// "odata.error" of the Table service's JSON.
Status ErrorFromResponse(const std::string& context, const HttpResponse& resp);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_HTTP_H_
