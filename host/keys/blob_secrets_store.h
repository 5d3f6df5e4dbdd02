// Function keys in Azure Blob Storage (AzureWebJobsSecretStorageType=blob),
// shared by every host of an app and laid out as Azure's
// BlobStorageSecretsRepository, so pyfn and Azure's host read each other's keys:
//
//   account    AzureWebJobsSecretStorageSas (a container SAS URI) when set, else
//              the AzureWebJobsStorage connection string (Azure's order)
//   container  azure-webjobs-secrets, created on the first write; with the SAS
//              URI, the URI's container, which must exist (a container SAS
//              cannot create it)
//   blobs      <slot>/host.json and <slot>/<SecretsFileStem(function)>.json,
//              the same JSON FileSecretsStore writes (secrets_store.h)
//   <slot>     SecretsSlotName(): Azure's "site slot name"
//
// Writes are conditional, as Azure's: If-Match the ETag this store last saw
// for the blob, If-None-Match: * when it saw the blob missing. A write another
// host got in first answers Aborted; the caller re-reads and tries again
// (KeyManager does). Secrets of functions that no longer exist are kept
// (shared() is true: another host may run another version of the app), as
// Azure's blob repository keeps them.
//
// Errors name the setting, the account and the blob; never a key or the SAS.
// Thread safe: KeyManager may re-read keys on an HTTP thread while the key
// admin API writes.
#ifndef PYFN_HOST_BLOB_SECRETS_STORE_H_
#define PYFN_HOST_BLOB_SECRETS_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "host/app/app_loader.h"
#include "host/common/thread_annotations.h"
#include "host/keys/secrets_store.h"
#include "host/storage/blob_client.h"

namespace pyfn {

class StorageRuntime;

constexpr const char kSecretsContainer[] = "azure-webjobs-secrets";
constexpr const char kSecretStorageSasSetting[] = "AzureWebJobsSecretStorageSas";

// Azure's secrets prefix: WEBSITE_SITE_NAME, plus "-" WEBSITE_SLOT_NAME
// unless that is "production", lower-cased; without WEBSITE_SITE_NAME the
// host id (StorageRuntime::host_id(): AzureFunctionsWebHost__hostid, ...).
std::string SecretsSlotName(const Environment& env, const std::string& host_id);

struct BlobSecretsLocation {
  std::string setting;     // the setting that names the account, for messages
  std::string container;
  std::string slot;        // blob name prefix, without the '/'
  bool create_container = true;
};

class BlobSecretsStore : public SecretsStore {
 public:
  // client must outlive the store. host_name goes into the JSON's "hostName".
  BlobSecretsStore(storage::BlobClient* client, BlobSecretsLocation where,
                   std::string host_name);

  Status ReadHost(HostSecrets* out) override;
  Status WriteHost(const HostSecrets& s) override;
  Status ReadFunction(const std::string& function, FunctionSecrets* out) override;
  Status WriteFunction(const std::string& function, const FunctionSecrets& s) override;
  Status DeleteFunction(const std::string& function) override;
  std::vector<std::string> ListFunctions() override;
  std::string Describe() const override;
  bool shared() const override { return true; }

  // "<container>/<slot>/<stem>.json".
  std::string PathOf(const std::string& stem) const;

 private:
  std::string BlobName(const std::string& stem) const { return where_.slot + "/" + stem + ".json"; }
  Status Read(const std::string& stem, std::string* text);
  Status Write(const std::string& stem, const std::string& text);
  Status Error(const storage::Status& s) const;

  storage::BlobClient* const client_;
  const BlobSecretsLocation where_;
  const std::string host_name_;

  pyfn::Mutex mu_;
  // blob -> ETag last seen, "" = missing
  std::map<std::string, std::string> etags_ PYFN_GUARDED_BY(mu_);
};

// The blob store the environment names (see the top of this file), on the
// runtime's clients and transport. InvalidArgument naming the setting when
// neither is set or one is malformed.
Status OpenBlobSecretsStore(StorageRuntime* runtime, const std::string& host_name,
                            std::unique_ptr<SecretsStore>* out);

}  // namespace pyfn

#endif  // PYFN_HOST_BLOB_SECRETS_STORE_H_
