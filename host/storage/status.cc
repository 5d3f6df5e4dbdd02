#include "host/storage/status.h"

namespace pyfn {
namespace storage {

Status Status::FromHttp(int http_status, std::string error_code, std::string msg) {
  Code code;
  if (http_status == 404) {
    code = Code::kNotFound;
  } else if (http_status == 409) {
    code = Code::kConflict;
  } else if (http_status == 412) {
    code = Code::kPreconditionFailed;
  } else if (http_status == 403 || http_status == 401) {
    code = Code::kAuthFailed;
  } else if (http_status >= 500 || http_status == 429 || http_status == 408) {
    code = Code::kServiceError;
  } else {
    code = Code::kRequestFailed;
  }
  Status s(code, std::move(msg));
  s.http_status_ = http_status;
  s.error_code_ = std::move(error_code);
  return s;
}

bool Status::IsTransient() const {
  return code_ == Code::kNetworkError || code_ == Code::kServiceError;
}

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk:
      return "OK";
    case Code::kNotFound:
      name = "NotFound";
      break;
    case Code::kInvalidArgument:
      name = "InvalidArgument";
      break;
    case Code::kConflict:
      name = "Conflict";
      break;
    case Code::kPreconditionFailed:
      name = "PreconditionFailed";
      break;
    case Code::kAuthFailed:
      name = "AuthFailed";
      break;
    case Code::kNetworkError:
      name = "NetworkError";
      break;
    case Code::kServiceError:
      name = "ServiceError";
      break;
    case Code::kRequestFailed:
      name = "RequestFailed";
      break;
    case Code::kCorrupt:
      name = "Corrupt";
      break;
  }
  return std::string(name) + ": " + msg_;
}

Status Status::WithContext(const std::string& prefix) const {
  if (ok()) return *this;
  Status s = *this;
  s.msg_ = prefix + ": " + msg_;
  return s;
}

}  // namespace storage
}  // namespace pyfn
