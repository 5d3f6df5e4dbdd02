// Authorization of HTTP requests by a function's authLevel. The host's one
// implementation is KeyManager (keys.h): x-functions-key header or code query
// parameter, master, host and function keys (spec B3).
#ifndef PYFN_HOST_AUTH_H_
#define PYFN_HOST_AUTH_H_

#include <map>
#include <string>

#include "host/app/function_model.h"
#include "host/http/http_message.h"

namespace pyfn {

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // True if `req` may call `fn`. `query` is the parsed query string. Must be
  // thread safe (called from every HTTP thread).
  virtual bool Authorize(const FunctionSpec& fn, const HttpRequest& req,
                         const std::map<std::string, std::string>& query) const = 0;
  // For admin endpoints that need the master key (host-keys).
  virtual bool AuthorizeAdmin(const HttpRequest& req,
                              const std::map<std::string, std::string>& query) const = 0;
  // For an extension's webhook (/runtime/webhooks/<extension>): the master key
  // or the system key `key_name` ("eventgrid_extension"), Azure's
  // AuthorizationLevel.System. Without system keys: the master key only.
  virtual bool AuthorizeSystem(const std::string& key_name, const HttpRequest& req,
                               const std::map<std::string, std::string>& query) const {
    (void)key_name;
    return AuthorizeAdmin(req, query);
  }
  // One line for the startup log describing the policy, or "" for none.
  virtual std::string StartupNotice(const std::vector<FunctionSpec>& functions) const = 0;
};

}  // namespace pyfn

#endif  // PYFN_HOST_AUTH_H_
