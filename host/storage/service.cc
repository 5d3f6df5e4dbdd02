#include "host/storage/service.h"

#include <ctime>

#include "host/storage/shared_key.h"

namespace pyfn {
namespace storage {

int64_t SystemNow() { return static_cast<int64_t>(std::time(nullptr)); }

ServiceClient::ServiceClient(StorageAccount account, std::string endpoint, HttpTransport* transport,
                             Clock clock, SigningScheme scheme)
    : account_(std::move(account)),
      endpoint_(std::move(endpoint)),
      transport_(transport),
      clock_(clock ? std::move(clock) : Clock(SystemNow)),
      scheme_(scheme) {}

std::string ServiceClient::Url(const std::string& path, const std::string& query) const {
  std::string url = endpoint_ + "/" + path;
  if (!query.empty()) url += "?" + query;
  return url;
}

std::string ServiceClient::Context(const std::string& operation,
                                   const std::string& resource) const {
  std::string c = "account " + account_.name + ": " + operation;
  if (!resource.empty()) c += " " + resource;
  return c;
}

Status ServiceClient::Call(const std::string& operation, const std::string& resource,
                           HttpRequest* req, HttpResponse* resp) const {
  if (endpoint_.empty()) {
    return Status::InvalidArgument(Context(operation, resource) +
                                   ": the connection string names no endpoint for this service");
  }
  AuthorizeRequest(account_, clock_(), req, scheme_);
  Status s = transport_->Send(*req, resp);
  if (!s.ok()) return s.WithContext(Context(operation, resource));
  if (resp->status >= 200 && resp->status < 300) return Status::OK();
  return ErrorFromResponse(Context(operation, resource), *resp);
}

}  // namespace storage
}  // namespace pyfn
