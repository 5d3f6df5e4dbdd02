// Status: the worker's one error convention (leveldb style). A Status is either
// OK or carries a message meant for a human; no exceptions cross module lines.
#ifndef PYFN_WORKER_STATUS_H_
#define PYFN_WORKER_STATUS_H_

#include <string>
#include <utility>

namespace pyfn {

class Status {
 public:
  Status() = default;
  static Status OK() { return Status(); }
  static Status Error(std::string msg) { return Status(std::move(msg)); }

  bool ok() const { return !failed_; }
  const std::string& message() const { return msg_; }

 private:
  explicit Status(std::string msg) : failed_(true), msg_(std::move(msg)) {}
  bool failed_ = false;
  std::string msg_;
};

}  // namespace pyfn

#endif  // PYFN_WORKER_STATUS_H_
