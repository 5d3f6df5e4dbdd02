#include "host/keys/blob_secrets_store.h"

#include <cctype>

#include "host/common/strings.h"
#include "host/triggers/storage_runtime.h"

namespace pyfn {
namespace {

const std::string* Find(const Environment& env, const std::string& name) {
  auto it = env.find(name);
  if (it != env.end()) return &it->second;
  for (const auto& kv : env)  // Azure's settings are case-insensitive
    if (AsciiLower(kv.first) == AsciiLower(name)) return &kv.second;
  return nullptr;
}

}  // namespace

std::string SecretsSlotName(const Environment& env, const std::string& host_id) {
  const std::string* site = Find(env, "WEBSITE_SITE_NAME");
  if (site == nullptr || site->empty()) return host_id;
  std::string name = *site;
  const std::string* slot = Find(env, "WEBSITE_SLOT_NAME");
  if (slot != nullptr && !slot->empty() && AsciiLower(*slot) != "production") name += "-" + *slot;
  return AsciiLower(name);
}

BlobSecretsStore::BlobSecretsStore(storage::BlobClient* client, BlobSecretsLocation where,
                                   std::string host_name)
    : client_(client), where_(std::move(where)), host_name_(std::move(host_name)) {}

std::string BlobSecretsStore::PathOf(const std::string& stem) const {
  return where_.container + "/" + BlobName(stem);
}

std::string BlobSecretsStore::Describe() const {
  return "blob storage (" + where_.setting + "), account " + client_->account().name + ", " +
         where_.container + "/" + where_.slot + "/";
}

Status BlobSecretsStore::Error(const storage::Status& s) const {
  std::string m = where_.setting + ": " + s.message();
  if (s.IsNotFound()) return Status::NotFound(m);
  if (s.IsConflict() || s.IsPreconditionFailed())
    return Status::Aborted(m + " (another host changed the secrets first)");
  if (s.IsInvalidArgument()) return Status::InvalidArgument(m);
  if (s.IsTransient()) return Status::Unavailable(m);
  return Status::IOError(m);
}

Status BlobSecretsStore::Read(const std::string& stem, std::string* text) {
  const std::string blob = BlobName(stem);
  storage::BlobProperties props;
  storage::Status s = client_->GetBlob(where_.container, blob, text, &props);
  pyfn::MutexLock l(mu_);
  if (s.ok()) etags_[blob] = props.etag;
  else if (s.IsNotFound()) etags_[blob] = "";  // container or blob missing
  return s.ok() ? Status::OK() : Error(s);
}

Status BlobSecretsStore::Write(const std::string& stem, const std::string& text) {
  const std::string blob = BlobName(stem);
  storage::PutBlobOptions o;
  o.content_type = "application/json";
  {
    pyfn::MutexLock l(mu_);
    auto it = etags_.find(blob);
    if (it != etags_.end()) {
      if (it->second.empty()) o.if_none_match = "*";
      else o.if_match = it->second;
    }
  }
  std::string etag;
  storage::Status s = client_->PutBlob(where_.container, blob, text, o, &etag);
  if (s.IsNotFound() && s.error_code() == "ContainerNotFound") {
    if (!where_.create_container)
      return Status::NotFound(where_.setting + ": the container '" + where_.container +
                              "' does not exist (create it; a container SAS cannot)");
    storage::Status c = client_->CreateContainer(where_.container);
    if (!c.ok()) return Error(c);
    s = client_->PutBlob(where_.container, blob, text, o, &etag);
  }
  pyfn::MutexLock l(mu_);
  if (s.ok()) etags_[blob] = etag;
  else if (s.IsConflict() || s.IsPreconditionFailed()) etags_.erase(blob);
  return s.ok() ? Status::OK() : Error(s);
}

Status BlobSecretsStore::ReadHost(HostSecrets* out) {
  std::string text;
  Status s = Read("host", &text);
  if (!s.ok()) return s;
  return ParseHostSecrets(text, PathOf("host"), out);
}

Status BlobSecretsStore::WriteHost(const HostSecrets& s) {
  return Write("host", FormatHostSecrets(s, host_name_));
}

Status BlobSecretsStore::ReadFunction(const std::string& function, FunctionSecrets* out) {
  std::string text, stem = SecretsFileStem(function);
  Status s = Read(stem, &text);
  if (!s.ok()) return s;
  return ParseFunctionSecrets(text, PathOf(stem), out);
}

Status BlobSecretsStore::WriteFunction(const std::string& function, const FunctionSecrets& s) {
  return Write(SecretsFileStem(function), FormatFunctionSecrets(s, host_name_));
}

Status BlobSecretsStore::DeleteFunction(const std::string& function) {
  const std::string blob = BlobName(SecretsFileStem(function));
  storage::Status s = client_->DeleteBlob(where_.container, blob);
  {
    pyfn::MutexLock l(mu_);
    etags_.erase(blob);
  }
  if (s.ok() || s.IsNotFound()) return Status::OK();
  return Error(s);
}

std::vector<std::string> BlobSecretsStore::ListFunctions() {
  std::vector<std::string> out;
  storage::ListBlobsOptions o;
  o.prefix = where_.slot + "/";
  do {
    storage::ListBlobsResult page;
    storage::Status s = client_->ListBlobs(where_.container, o, &page);
    if (!s.ok()) break;  // a missing container has no secrets
    for (const auto& b : page.blobs) {
      std::string n = b.name.substr(o.prefix.size());
      if (n.size() <= 5 || n.compare(n.size() - 5, 5, ".json") != 0) continue;
      n.resize(n.size() - 5);
      if (n == "host" || n.find('/') != std::string::npos) continue;
      out.push_back(n);
    }
    o.marker = page.next_marker;
  } while (!o.marker.empty());
  return out;
}

Status OpenBlobSecretsStore(StorageRuntime* runtime, const std::string& host_name,
                            std::unique_ptr<SecretsStore>* out) {
  BlobSecretsLocation where;
  where.slot = SecretsSlotName(runtime->env(), runtime->host_id());
  storage::BlobClient* client = nullptr;
  std::string sas;
  if (runtime->GetSetting(kSecretStorageSasSetting, &sas) && !sas.empty()) {
    where.setting = kSecretStorageSasSetting;
    where.create_container = false;
    Status s = runtime->BlobClientForContainerSasUri(where.setting, &client, &where.container);
    if (!s.ok()) return Status::InvalidArgument(s.message());
  } else {
    where.setting = "AzureWebJobsStorage";
    where.container = kSecretsContainer;
    Status s = runtime->BlobClientForSetting(where.setting, &client);
    if (s.IsNotFound())
      return Status::InvalidArgument(
          "AzureWebJobsSecretStorageType=blob needs AzureWebJobsStorage (a connection string) "
          "or AzureWebJobsSecretStorageSas (a container SAS URI); neither is set");
    if (!s.ok()) return s;
  }
  if (where.slot.empty()) return Status::InvalidArgument("no host id for the secrets blobs");
  *out = std::make_unique<BlobSecretsStore>(client, std::move(where), host_name);
  return Status::OK();
}

}  // namespace pyfn
