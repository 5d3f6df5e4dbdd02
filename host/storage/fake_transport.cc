#include "host/storage/fake_transport.h"

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {

void FakeTransport::SetHandler(Handler handler) {
  MutexLock lock(mu_);
  handler_ = std::move(handler);
}

void FakeTransport::Enqueue(int status, std::string body, HttpHeaders headers) {
  Canned c;
  c.response.status = status;
  c.response.body = std::move(body);
  for (auto& h : headers) c.response.headers.emplace_back(ToLower(h.first), std::move(h.second));
  MutexLock lock(mu_);
  queue_.push_back(std::move(c));
}

void FakeTransport::EnqueueNetworkError(std::string message) {
  Canned c;
  c.network_error = true;
  c.error = std::move(message);
  MutexLock lock(mu_);
  queue_.push_back(std::move(c));
}

Status FakeTransport::Send(const HttpRequest& req, HttpResponse* resp) {
  Handler handler;
  {
    MutexLock lock(mu_);
    requests_.push_back(req);
    handler = handler_;
    if (!handler) {
      if (queue_.empty()) return Status::NetworkError("fake transport: no answer queued");
      Canned c = std::move(queue_.front());
      queue_.pop_front();
      if (c.network_error) return Status::NetworkError(c.error);
      *resp = std::move(c.response);
      return Status::OK();
    }
  }
  return handler(req, resp);
}

std::vector<HttpRequest> FakeTransport::requests() const {
  MutexLock lock(mu_);
  return requests_;
}

HttpRequest FakeTransport::last_request() const {
  MutexLock lock(mu_);
  return requests_.empty() ? HttpRequest() : requests_.back();
}

}  // namespace storage
}  // namespace pyfn
