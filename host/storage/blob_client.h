// BlobClient: the Blob service operations the host's blob bindings, blob
// trigger and timer singleton need. One client per storage account; thread
// safe (it holds no mutable state beyond the transport, which is).
//
// Every operation returns a Status whose message names the account, the
// operation and the blob ("account devstoreaccount1: GetBlob samples/a.txt:
// 404 BlobNotFound: The specified blob does not exist."). A missing blob or
// container is IsNotFound(); a lease held by someone else is IsConflict();
// a failed If-Match / If-None-Match is IsPreconditionFailed().
#ifndef PYFN_HOST_STORAGE_BLOB_CLIENT_H_
#define PYFN_HOST_STORAGE_BLOB_CLIENT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "host/storage/connection_string.h"
#include "host/storage/http.h"
#include "host/storage/service.h"

namespace pyfn {
namespace storage {

struct BlobProperties {
  int64_t content_length = 0;
  std::string content_type;
  std::string content_encoding;
  std::string content_md5;    // base64, as the service reports it
  std::string etag;           // quoted, as sent: "\"0x8D...\""
  std::string last_modified;  // RFC 1123, as sent
  int64_t last_modified_unix = 0;
  std::string blob_type;                        // BlockBlob, AppendBlob, PageBlob
  std::string lease_state;                      // available, leased, expired, breaking, broken
  std::string lease_status;                     // locked, unlocked
  std::map<std::string, std::string> metadata;  // x-ms-meta-<name> (names lower-cased)
};

struct PutBlobOptions {
  std::string content_type = "application/octet-stream";
  std::map<std::string, std::string> metadata;
  std::string if_match;       // ETag the blob must have, or ""
  std::string if_none_match;  // "*" = only create, never overwrite
  std::string lease_id;       // required when the blob is leased
};

struct BlobClientOptions {
  // Bodies up to this size go in one Put Blob; larger ones as Put Block of
  // block_size bytes each, then Put Block List.
  size_t single_put_max = 32 * 1024 * 1024;
  size_t block_size = 4 * 1024 * 1024;
};

struct ListBlobsOptions {
  std::string prefix;
  std::string marker;   // NextMarker of the previous page, "" for the first
  int max_results = 0;  // 0 = the service default (5000)
  bool include_metadata = false;
};

struct BlobItem {
  std::string name;
  BlobProperties properties;
};

struct ListBlobsResult {
  std::vector<BlobItem> blobs;
  std::string next_marker;  // "" when this was the last page
};

class BlobClient {
 public:
  // transport must outlive the client. clock defaults to the system clock.
  BlobClient(const StorageAccount& account, HttpTransport* transport,
             BlobClientOptions options = BlobClientOptions(), Clock clock = nullptr);

  const StorageAccount& account() const { return service_.account(); }

  // Creates the container; OK when it already exists. *created (optional)
  // tells which.
  Status CreateContainer(const std::string& container, bool* created = nullptr);
  Status DeleteContainer(const std::string& container);

  // Reads the whole blob. NotFound when the blob or its container is missing.
  // props may be nullptr.
  Status GetBlob(const std::string& container, const std::string& blob, std::string* body,
                 BlobProperties* props = nullptr);
  // HEAD: properties and metadata only.
  Status GetBlobProperties(const std::string& container, const std::string& blob,
                           BlobProperties* props);

  // Writes a block blob (replacing any earlier one unless options say
  // otherwise). Large bodies go as blocks (see BlobClientOptions). The
  // container must exist. *etag (optional) receives the new ETag.
  Status PutBlob(const std::string& container, const std::string& blob, std::string_view body,
                 const PutBlobOptions& options = PutBlobOptions(), std::string* etag = nullptr);

  // Deletes the blob (and its snapshots). NotFound when missing.
  Status DeleteBlob(const std::string& container, const std::string& blob,
                    const std::string& lease_id = "");

  // One page of the flat listing.
  Status ListBlobs(const std::string& container, const ListBlobsOptions& options,
                   ListBlobsResult* result);

  // Leases. duration_seconds is 15..60, or -1 for infinite. proposed_id may
  // be "" (the service picks one). Conflict (LeaseAlreadyPresent) when
  // someone else holds it; NotFound when the blob does not exist.
  Status AcquireLease(const std::string& container, const std::string& blob, int duration_seconds,
                      const std::string& proposed_id, std::string* lease_id);
  Status RenewLease(const std::string& container, const std::string& blob,
                    const std::string& lease_id);
  Status ReleaseLease(const std::string& container, const std::string& blob,
                      const std::string& lease_id);
  // Breaks the lease at once (break period 0).
  Status BreakLease(const std::string& container, const std::string& blob);

 private:
  std::string BlobPath(const std::string& container, const std::string& blob) const;
  Status PutBlocks(const std::string& container, const std::string& blob, std::string_view body,
                   const PutBlobOptions& options, std::string* etag);
  Status LeaseCall(const std::string& operation, const std::string& container,
                   const std::string& blob, HttpHeaders headers, HttpResponse* resp);

  ServiceClient service_;
  const BlobClientOptions options_;
};

// Splits "container/dir/name.txt" into its container and blob name.
// InvalidArgument when either part is empty.
Status SplitBlobPath(const std::string& path, std::string* container, std::string* blob);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_BLOB_CLIENT_H_
