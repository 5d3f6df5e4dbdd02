// Request authorization: Shared Key (HMAC-SHA256 over the canonical
// string-to-sign, version 2009-09-19 and later rules; the Table service signs
// a shorter string of its own) or a SAS token appended to the query.
#ifndef PYFN_HOST_STORAGE_SHARED_KEY_H_
#define PYFN_HOST_STORAGE_SHARED_KEY_H_

#include <cstdint>
#include <string>

#include "host/storage/connection_string.h"
#include "host/storage/http.h"

namespace pyfn {
namespace storage {

// The REST API version every request announces (x-ms-version).
extern const char kStorageApiVersion[];

// CanonicalizedResource: "/<account><url path as sent>" then, sorted by
// lower-cased name, one "\n<name>:<decoded values, sorted, comma-joined>" per
// query parameter. For path-style (Azurite) URLs the path starts with the
// account, so it appears twice: "/devstoreaccount1/devstoreaccount1/c/b".
std::string CanonicalizedResource(const std::string& account, const std::string& url);

// CanonicalizedHeaders: every x-ms-* header, name lower-cased, sorted,
// "name:value\n" with the value trimmed.
std::string CanonicalizedHeaders(const HttpHeaders& headers);

// The full Shared Key string-to-sign for req (VERB, the eleven standard
// headers with Content-Length empty when 0, canonicalized headers and
// resource). Content-Length is taken from the body for PUT/POST/MERGE.
std::string SharedKeyStringToSign(const std::string& account, const HttpRequest& req);

// Sets "Authorization: SharedKey <account>:<base64 HMAC-SHA256(key, ...)>".
// key is the decoded account key. Sign after every other header is set.
void SignSharedKey(const std::string& account, const std::string& key, HttpRequest* req);

// The Table service's Shared Key string-to-sign: VERB, Content-MD5,
// Content-Type, the date (x-ms-date, else Date), then "/<account><url path as
// sent>" and "?comp=<value>" when the query has comp (no other parameter).
std::string TableSharedKeyStringToSign(const std::string& account, const HttpRequest& req);

// Which string-to-sign a service's requests use.
enum class SigningScheme { kBlobQueue, kTable };

// url with the SAS token added to its query ("?" or "&").
std::string AppendSas(const std::string& url, const std::string& sas);

// Everything a request to the account needs before it is sent: x-ms-date
// (from now_unix), x-ms-version, then SAS in the URL or a Shared Key
// signature. An account with neither stays anonymous (public containers).
void AuthorizeRequest(const StorageAccount& account, int64_t now_unix, HttpRequest* req,
                      SigningScheme scheme = SigningScheme::kBlobQueue);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_SHARED_KEY_H_
