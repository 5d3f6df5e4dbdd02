// Status: the host's error convention (after leveldb::Status).
//
// Functions that can fail return a Status; ok() means success. Errors carry a
// code and a human-readable message that names what failed (file, function,
// setting) so callers can log it as is. Exceptions never cross a module
// boundary: JSON, errno, gRPC and Asio errors are turned into a Status in one
// helper each, close to where they happen.
#ifndef PYFN_HOST_STATUS_H_
#define PYFN_HOST_STATUS_H_

#include <string>
#include <utility>

namespace pyfn {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,
    kInvalidArgument,  // bad input: a setting, a function.json, a route template
    kIOError,          // the OS said no (errno); the message includes strerror
    kUnavailable,      // nothing can serve this now (no worker ready, stopping)
    kTimedOut,
    kAborted,          // the peer went away (worker died, stream closed)
    kInternal,
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status IOError(std::string msg) { return Status(Code::kIOError, std::move(msg)); }
  // IOError whose message ends with ": <strerror(err)>".
  static Status FromErrno(const std::string& what, int err);
  static Status Unavailable(std::string msg) { return Status(Code::kUnavailable, std::move(msg)); }
  static Status TimedOut(std::string msg) { return Status(Code::kTimedOut, std::move(msg)); }
  static Status Aborted(std::string msg) { return Status(Code::kAborted, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsUnavailable() const { return code_ == Code::kUnavailable; }
  bool IsTimedOut() const { return code_ == Code::kTimedOut; }
  bool IsAborted() const { return code_ == Code::kAborted; }
  const std::string& message() const { return msg_; }
  // "OK" or "<code name>: <message>".
  std::string ToString() const;

 private:
  Status(Code code, std::string msg) : code_(code), msg_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string msg_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_STATUS_H_
