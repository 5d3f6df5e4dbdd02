// Status: the storage layer's error convention (after leveldb::Status).
//
// Every storage function that can fail returns a Status. Beyond a code and a
// message it carries what an operator needs to act on a storage failure: the
// HTTP status and Azure's error code (x-ms-error-code or <Code> of the XML
// error body). Messages name the account and the operation ("account
// devstoreaccount1: GetBlob samples/a.txt: 404 BlobNotFound: ...") and never
// contain a key or a SAS signature.
//
// A network failure becomes a Status in one place (BeastTransport::Send), an
// HTTP error answer in another (ErrorFromResponse in http.cc). The host
// converts a storage Status into its own pyfn::Status at the call site that
// crosses the module boundary.
#ifndef PYFN_HOST_STORAGE_STATUS_H_
#define PYFN_HOST_STORAGE_STATUS_H_

#include <string>
#include <utility>

namespace pyfn {
namespace storage {

class Status {
 public:
  enum class Code {
    kOk = 0,
    kNotFound,            // 404: blob, container, queue or message does not exist
    kInvalidArgument,     // bad input: connection string, expression, schedule
    kConflict,            // 409: lease already present, blob being created, ...
    kPreconditionFailed,  // 412: If-Match / If-None-Match / lease id mismatch
    kAuthFailed,          // 403: wrong key, expired SAS, bad signature
    kNetworkError,        // no HTTP answer: connect refused, DNS, timeout
    kServiceError,        // 5xx or 429 (after retries)
    kRequestFailed,       // any other non-2xx answer
    kCorrupt,             // the service answered something we cannot parse
  };

  Status() = default;
  static Status OK() { return Status(); }
  static Status NotFound(std::string msg) { return Status(Code::kNotFound, std::move(msg)); }
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status NetworkError(std::string msg) {
    return Status(Code::kNetworkError, std::move(msg));
  }
  static Status Corrupt(std::string msg) { return Status(Code::kCorrupt, std::move(msg)); }
  // A non-2xx HTTP answer. The code follows from http_status (404 NotFound,
  // 409 Conflict, 412 PreconditionFailed, 403 AuthFailed, 5xx/429
  // ServiceError, else RequestFailed).
  static Status FromHttp(int http_status, std::string error_code, std::string msg);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  bool IsNotFound() const { return code_ == Code::kNotFound; }
  bool IsInvalidArgument() const { return code_ == Code::kInvalidArgument; }
  bool IsConflict() const { return code_ == Code::kConflict; }
  bool IsPreconditionFailed() const { return code_ == Code::kPreconditionFailed; }
  bool IsAuthFailed() const { return code_ == Code::kAuthFailed; }
  bool IsNetworkError() const { return code_ == Code::kNetworkError; }
  // True for failures worth retrying later: no answer, 5xx, 429, 408.
  bool IsTransient() const;

  // 0 when no HTTP answer was received.
  int http_status() const { return http_status_; }
  // Azure's error code ("BlobNotFound", "LeaseAlreadyPresent"), or "".
  const std::string& error_code() const { return error_code_; }
  const std::string& message() const { return msg_; }
  // "OK" or "<code name>: <message>".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>".
  Status WithContext(const std::string& prefix) const;

 private:
  Status(Code code, std::string msg) : code_(code), msg_(std::move(msg)) {}
  Code code_ = Code::kOk;
  int http_status_ = 0;
  std::string error_code_;
  std::string msg_;
};

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_STATUS_H_
