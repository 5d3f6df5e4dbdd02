#include "host/common/status.h"

#include <cstring>

namespace pyfn {

Status Status::FromErrno(const std::string& what, int err) {
  return IOError(what + ": " + std::strerror(err));
}

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case Code::kOk: return "OK";
    case Code::kNotFound: name = "NotFound"; break;
    case Code::kInvalidArgument: name = "InvalidArgument"; break;
    case Code::kIOError: name = "IOError"; break;
    case Code::kUnavailable: name = "Unavailable"; break;
    case Code::kTimedOut: name = "TimedOut"; break;
    case Code::kAborted: name = "Aborted"; break;
    case Code::kInternal: name = "Internal"; break;
  }
  return std::string(name) + ": " + msg_;
}

}  // namespace pyfn
