// Authorization of HTTP requests by a function's authLevel.
//
// Issue 8 brings keys (x-functions-key header / code query parameter, master,
// host and function keys). Until then AllowAllAuthorizer accepts every level
// and the host logs that once at startup.
#ifndef PYFN_HOST_AUTH_H_
#define PYFN_HOST_AUTH_H_

#include <map>
#include <string>

#include "function_model.h"
#include "rpc_http.h"

namespace pyfn {

class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // True if `req` may call `fn`. `query` is the parsed query string. Must be
  // thread safe (called from every HTTP thread).
  virtual bool Authorize(const FunctionSpec& fn, const HttpRequest& req,
                         const std::map<std::string, std::string>& query) const = 0;
  // For admin endpoints that need the master key (issue 8).
  virtual bool AuthorizeAdmin(const HttpRequest& req,
                              const std::map<std::string, std::string>& query) const = 0;
  // One line for the startup log describing the policy, or "" for none.
  virtual std::string StartupNotice(const std::vector<FunctionSpec>& functions) const = 0;
};

class AllowAllAuthorizer : public Authorizer {
 public:
  bool Authorize(const FunctionSpec&, const HttpRequest&,
                 const std::map<std::string, std::string>&) const override {
    return true;
  }
  bool AuthorizeAdmin(const HttpRequest&, const std::map<std::string, std::string>&) const override {
    return true;
  }
  std::string StartupNotice(const std::vector<FunctionSpec>& functions) const override;
};

}  // namespace pyfn

#endif  // PYFN_HOST_AUTH_H_
