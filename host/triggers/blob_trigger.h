// BlobTrigger: one function's blob trigger (spec B5), as Azure's:
//   - `path` is a pattern ("samples/{name}.csv"); the container is scanned
//     (listing with the pattern's literal prefix) with a backoff from 100 ms
//     to extensions.blobs.maxPollingInterval (default 10 s); a blob written by
//     this host's blob output wakes it at once;
//   - each blob version (name + ETag) is processed once, across restarts and
//     across hosts sharing the account: a receipt blob
//     azure-webjobs-hosts/blobreceipts/<hostId>/<Function>/<ETag>/BlockBlob/<container>/<blob>
//     is created, leased while the function runs (so another host skips it),
//     and marked Completed afterwards;
//   - a failing blob is retried on later scans; after poisonBlobThreshold
//     (5) failures a message naming it goes to the webjobs-blobtrigger-poison
//     queue (Azure's JSON: Type, FunctionId, BlobType, ContainerName,
//     BlobName, ETag) and the version is not tried again;
//   - the worker gets the content as bytes (string with dataType "string")
//     and trigger metadata BlobTrigger ("container/name"), Uri, Properties,
//     Metadata, the pattern's captures ({name}) and sys.
// Receipts live in the AzureWebJobsStorage account, or the trigger's own
// when that setting is absent.
#ifndef PYFN_HOST_BLOB_TRIGGER_H_
#define PYFN_HOST_BLOB_TRIGGER_H_

#include <memory>
#include <string>

#include "host/app/function_model.h"
#include "host/triggers/storage_runtime.h"
#include "host/workers/invoker.h"

namespace pyfn {

class BlobTrigger {
 public:
  BlobTrigger(StorageRuntime* runtime, Invoker* invoker, const FunctionSpec& fn);
  ~BlobTrigger();

  Status Start();
  void Stop();

  // The receipt blob's name for one blob version (exposed for tests).
  static std::string ReceiptName(const std::string& host_id, const std::string& function,
                                 const std::string& etag, const std::string& container,
                                 const std::string& blob);

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace pyfn

#endif  // PYFN_HOST_BLOB_TRIGGER_H_
