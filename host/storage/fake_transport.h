// FakeTransport: an in-memory HttpTransport for unit tests. It records every
// request and answers from a handler, or else from a queue of canned answers.
#ifndef PYFN_HOST_STORAGE_FAKE_TRANSPORT_H_
#define PYFN_HOST_STORAGE_FAKE_TRANSPORT_H_

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "host/common/thread_annotations.h"
#include "host/storage/http.h"

namespace pyfn {
namespace storage {

class FakeTransport : public HttpTransport {
 public:
  using Handler = std::function<Status(const HttpRequest&, HttpResponse*)>;

  // When set, every request goes to the handler (queued answers are unused).
  void SetHandler(Handler handler);
  // Queues one answer; answers are given in order, one per request.
  void Enqueue(int status, std::string body = "", HttpHeaders headers = {});
  // Queues a "no answer" (NetworkError with this message).
  void EnqueueNetworkError(std::string message);

  // Answers from the handler, else the next queued answer, else a
  // NetworkError saying the fake had nothing queued.
  Status Send(const HttpRequest& req, HttpResponse* resp) override;

  std::vector<HttpRequest> requests() const;
  HttpRequest last_request() const;

 private:
  struct Canned {
    bool network_error = false;
    std::string error;
    HttpResponse response;
  };
  mutable pyfn::Mutex mu_;
  Handler handler_ PYFN_GUARDED_BY(mu_);
  std::deque<Canned> queue_ PYFN_GUARDED_BY(mu_);
  std::vector<HttpRequest> requests_ PYFN_GUARDED_BY(mu_);
};

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_FAKE_TRANSPORT_H_
