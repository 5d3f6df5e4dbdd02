// Storage account settings from an Azure Storage connection string.
//
// Accepted forms (setting names are case-insensitive; values may contain '='):
//   UseDevelopmentStorage=true[;DevelopmentStorageProxyUri=http://host]
//       Azurite's defaults: account devstoreaccount1 with its well-known key,
//       blob http://127.0.0.1:10000/devstoreaccount1, queue ...:10001/...,
//       table ...:10002/...
//   DefaultEndpointsProtocol=https;AccountName=a;AccountKey=k[;EndpointSuffix=s]
//       endpoints https://a.blob.<s>, https://a.queue.<s> and https://a.table.<s>
//       (s defaults to core.windows.net); BlobEndpoint= / QueueEndpoint= /
//       TableEndpoint= override them.
//   BlobEndpoint=...;QueueEndpoint=...;TableEndpoint=...;SharedAccessSignature=sv=...
//       SAS instead of a key (AccountName may be omitted; it is then taken
//       from the endpoint for messages).
#ifndef PYFN_HOST_STORAGE_CONNECTION_STRING_H_
#define PYFN_HOST_STORAGE_CONNECTION_STRING_H_

#include <string>
#include <string_view>

#include "host/storage/status.h"

namespace pyfn {
namespace storage {

// Azurite's (and the legacy emulator's) well-known account.
extern const char kDevStoreAccountName[];
extern const char kDevStoreAccountKey[];  // base64, public by design

struct StorageAccount {
  std::string name;            // for Shared Key and for error messages
  std::string key;             // decoded key bytes; empty when sas or anonymous
  std::string sas;             // SAS token without the leading '?', or ""
  std::string blob_endpoint;   // no trailing '/': "http://127.0.0.1:10000/devstoreaccount1"
  std::string queue_endpoint;  // "" when the connection string gave none
  std::string table_endpoint;  // "" when the connection string gave none
  bool development_storage = false;

  bool has_key() const { return !key.empty(); }
};

// Parses a connection string. On failure returns InvalidArgument naming the
// bad part ("connection string: AccountKey is not valid base64"); the
// message never contains the key or the SAS.
Status ParseConnectionString(std::string_view text, StorageAccount* account);

// A container URI with a SAS token, as Azure's AzureWebJobsSecretStorageSas
// holds it: "https://acct.blob.core.windows.net/container?sv=...&sig=..."
// (or path-style, as Azurite serves it: "http://127.0.0.1:10000/devstoreaccount1/
// container?sv=..."). Fills an account whose blob endpoint is the URI without
// the container and the query, whose sas is the query, and the container.
// InvalidArgument naming the bad part; the message never contains the SAS.
Status ParseContainerSasUri(std::string_view uri, StorageAccount* account,
                            std::string* container);

// The development-storage account on explicit endpoints, as the test tooling
// hands them out: blob "http://127.0.0.1:<blob_port>/devstoreaccount1", etc.
// table_port 0: no table endpoint.
StorageAccount DevelopmentStorageAccount(const std::string& host, int blob_port, int queue_port,
                                         int table_port = 10002);

// The connection string that describes such an account (for apps' settings).
std::string DevelopmentStorageConnectionString(const std::string& host, int blob_port,
                                               int queue_port, int table_port = 0);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_CONNECTION_STRING_H_
