// ServiceClient: what the blob, queue and table clients share. It builds URLs under
// one service endpoint, authorizes each request, sends it and turns a
// non-2xx answer or a network failure into a Status that names the account,
// the operation and the resource. Internal to the storage layer.
#ifndef PYFN_HOST_STORAGE_SERVICE_H_
#define PYFN_HOST_STORAGE_SERVICE_H_

#include <cstdint>
#include <functional>
#include <string>

#include "host/storage/connection_string.h"
#include "host/storage/http.h"
#include "host/storage/shared_key.h"

namespace pyfn {
namespace storage {

// Returns the current Unix time in seconds; tests pin it.
using Clock = std::function<int64_t()>;
int64_t SystemNow();

class ServiceClient {
 public:
  // transport must outlive this object. endpoint is account.blob_endpoint,
  // account.queue_endpoint or account.table_endpoint (with SigningScheme::kTable).
  ServiceClient(StorageAccount account, std::string endpoint, HttpTransport* transport,
                Clock clock, SigningScheme scheme = SigningScheme::kBlobQueue);

  const StorageAccount& account() const { return account_; }
  bool configured() const { return !endpoint_.empty(); }

  // endpoint + "/" + path (already encoded) + ("?" + query when not empty).
  std::string Url(const std::string& path, const std::string& query = "") const;

  // Authorizes and sends req. Returns OK for a 2xx answer; otherwise the
  // error, with context "account <name>: <operation> <resource>".
  Status Call(const std::string& operation, const std::string& resource, HttpRequest* req,
              HttpResponse* resp) const;

  // "account <name>: <operation> <resource>" for messages about answers the
  // caller could not use.
  std::string Context(const std::string& operation, const std::string& resource) const;

 private:
  const StorageAccount account_;
  const std::string endpoint_;
  HttpTransport* const transport_;
  const Clock clock_;
  const SigningScheme scheme_;
};

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_SERVICE_H_
