// CurlTransport: the real HttpTransport, on libcurl's easy interface.
//
// Connections are reused: finished easy handles go back to a pool and keep
// their connection cache, so consecutive requests to one endpoint share a
// keep-alive connection. Thread safe: each Send takes a handle of its own.
#ifndef PYFN_HOST_STORAGE_CURL_TRANSPORT_H_
#define PYFN_HOST_STORAGE_CURL_TRANSPORT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "http.h"

namespace pyfn {
namespace storage {

struct CurlOptions {
  std::chrono::milliseconds connect_timeout{5000};
  // Whole request, upload and download included. Uploads above the blob
  // client's block size go in blocks, so this bounds one block.
  std::chrono::milliseconds request_timeout{60000};
  // Idle handles (and so keep-alive connection caches) kept for reuse.
  size_t max_idle_handles = 16;
};

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(CurlOptions options = CurlOptions());
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // NetworkError carries libcurl's description ("Couldn't connect to server:
  // Failed to connect to 127.0.0.1 port 1: Connection refused", "Timeout was
  // reached: ... after 5000 ms").
  Status Send(const HttpRequest& req, HttpResponse* resp) override;

  // New TCP connections opened so far (libcurl's CURLINFO_NUM_CONNECTS,
  // summed): far below the request count when keep-alive works.
  uint64_t connections_opened() const { return connections_opened_.load(); }
  uint64_t requests_sent() const { return requests_sent_.load(); }

 private:
  void* Acquire();             // a CURL*, from the pool or new
  void Release(void* handle);  // back to the pool, or cleaned up when full

  const CurlOptions options_;
  std::mutex mu_;
  std::vector<void*> idle_;  // guarded by mu_
  std::atomic<uint64_t> connections_opened_{0};
  std::atomic<uint64_t> requests_sent_{0};
};

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_CURL_TRANSPORT_H_
