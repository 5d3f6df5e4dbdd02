#include "host/storage/connection_string.h"

#include <map>
#include <vector>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {

const char kDevStoreAccountName[] = "devstoreaccount1";
const char kDevStoreAccountKey[] =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

namespace {

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return std::string();
  size_t e = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(b, e - b + 1));
}

Status Bad(const std::string& what) {
  return Status::InvalidArgument("connection string: " + what);
}

// "http(s)://host[:port][/path]" without a trailing '/'. False if not a URL.
bool NormalizeEndpoint(std::string url, std::string* out) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return false;
  std::string scheme = ToLower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return false;
  if (url.size() == scheme_end + 3) return false;
  if (url.find_first_of(" ?#", scheme_end) != std::string::npos) return false;
  while (!url.empty() && url.back() == '/') url.pop_back();
  *out = scheme + url.substr(scheme_end);
  return true;
}

// First DNS label of the endpoint's host, or the first path segment for
// IP-style (emulator) endpoints: the account name to show in messages.
std::string AccountFromEndpoint(const std::string& endpoint) {
  size_t host_start = endpoint.find("://") + 3;
  size_t path_start = endpoint.find('/', host_start);
  std::string host = endpoint.substr(host_start, path_start - host_start);
  host = host.substr(0, host.find(':'));
  bool ip_style = !host.empty() && (host == "localhost" ||
                                    host.find_first_not_of("0123456789.") == std::string::npos);
  if (ip_style && path_start != std::string::npos) {
    std::string path = endpoint.substr(path_start + 1);
    return path.substr(0, path.find('/'));
  }
  return host.substr(0, host.find('.'));
}

}  // namespace

StorageAccount DevelopmentStorageAccount(const std::string& host, int blob_port, int queue_port,
                                         int table_port) {
  StorageAccount a;
  a.name = kDevStoreAccountName;
  Base64Decode(kDevStoreAccountKey, &a.key);
  a.blob_endpoint = "http://" + host + ":" + std::to_string(blob_port) + "/" + a.name;
  a.queue_endpoint = "http://" + host + ":" + std::to_string(queue_port) + "/" + a.name;
  if (table_port > 0)
    a.table_endpoint = "http://" + host + ":" + std::to_string(table_port) + "/" + a.name;
  a.development_storage = true;
  return a;
}

std::string DevelopmentStorageConnectionString(const std::string& host, int blob_port,
                                               int queue_port, int table_port) {
  StorageAccount a = DevelopmentStorageAccount(host, blob_port, queue_port, table_port);
  return std::string("DefaultEndpointsProtocol=http;AccountName=") + kDevStoreAccountName +
         ";AccountKey=" + kDevStoreAccountKey + ";BlobEndpoint=" + a.blob_endpoint +
         ";QueueEndpoint=" + a.queue_endpoint + ";" +
         (a.table_endpoint.empty() ? "" : "TableEndpoint=" + a.table_endpoint + ";");
}

Status ParseContainerSasUri(std::string_view uri, StorageAccount* account,
                            std::string* container) {
  *account = StorageAccount();
  container->clear();
  auto bad = [](const std::string& what) {
    return Status::InvalidArgument("container SAS URI: " + what);
  };
  std::string text = Trim(uri);
  size_t q = text.find('?');
  if (q == std::string::npos || q + 1 >= text.size())
    return bad("has no SAS token (the query string after '?')");
  std::string token = text.substr(q + 1);
  if (token.find("sig=") == std::string::npos) return bad("the SAS token has no sig= parameter");
  std::string base;
  if (!NormalizeEndpoint(text.substr(0, q), &base))
    return bad("is not an http(s) URL of a container");
  size_t host_start = base.find("://") + 3;
  size_t slash = base.rfind('/');
  if (slash == std::string::npos || slash < host_start)
    return bad("names no container (expected https://<account>.blob.core.windows.net/<container>?<sas>)");
  *container = base.substr(slash + 1);
  account->blob_endpoint = base.substr(0, slash);
  if (container->empty() || account->blob_endpoint.size() <= host_start)
    return bad("names no container");
  account->sas = token;
  account->name = AccountFromEndpoint(account->blob_endpoint);
  account->development_storage = account->name == kDevStoreAccountName;
  return Status::OK();
}

Status ParseConnectionString(std::string_view text, StorageAccount* account) {
  *account = StorageAccount();
  std::map<std::string, std::string> kv;  // lower-cased name -> value
  std::map<std::string, std::string> original_name;
  size_t pos = 0;
  int index = 0;
  while (pos <= text.size()) {
    size_t semi = text.find(';', pos);
    if (semi == std::string_view::npos) semi = text.size();
    std::string part = Trim(text.substr(pos, semi - pos));
    pos = semi + 1;
    ++index;
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string::npos || eq == 0) {
      // Show only the name-ish start: a part without '=' could be a pasted key.
      return Bad("part " + std::to_string(index) + " is not of the form Name=value");
    }
    std::string name = Trim(part.substr(0, eq));
    std::string lname = ToLower(name);
    if (kv.count(lname)) return Bad(name + " is given twice");
    kv[lname] = Trim(part.substr(eq + 1));
    original_name[lname] = name;
  }
  if (kv.empty()) return Bad("empty");

  auto get = [&](const char* lname) -> const std::string* {
    auto it = kv.find(lname);
    return it == kv.end() ? nullptr : &it->second;
  };

  if (const std::string* dev = get("usedevelopmentstorage")) {
    if (!EqualsIgnoreCase(*dev, "true")) {
      return Bad("UseDevelopmentStorage must be 'true' (got '" + *dev + "')");
    }
    for (const auto& e : kv) {
      if (e.first != "usedevelopmentstorage" && e.first != "developmentstorageproxyuri") {
        return Bad(original_name[e.first] + " cannot be combined with UseDevelopmentStorage");
      }
    }
    std::string scheme = "http", host = "127.0.0.1";
    if (const std::string* proxy = get("developmentstorageproxyuri")) {
      std::string norm;
      if (!NormalizeEndpoint(*proxy, &norm)) {
        return Bad("DevelopmentStorageProxyUri is not an http(s) URL");
      }
      size_t se = norm.find("://");
      scheme = norm.substr(0, se);
      host = norm.substr(se + 3);
      host = host.substr(0, host.find('/'));
      host = host.substr(0, host.find(':'));
    }
    *account = DevelopmentStorageAccount(host, 10000, 10001, 10002);
    if (scheme != "http") {
      account->blob_endpoint.replace(0, 4, scheme);
      account->queue_endpoint.replace(0, 4, scheme);
      account->table_endpoint.replace(0, 4, scheme);
    }
    return Status::OK();
  }

  const std::string* name = get("accountname");
  const std::string* key = get("accountkey");
  const std::string* sas = get("sharedaccesssignature");
  const std::string* protocol = get("defaultendpointsprotocol");
  const std::string* suffix = get("endpointsuffix");
  const std::string* blob = get("blobendpoint");
  const std::string* queue = get("queueendpoint");
  const std::string* table = get("tableendpoint");

  if (key != nullptr && sas != nullptr) {
    return Bad("AccountKey and SharedAccessSignature cannot both be given");
  }
  if (key != nullptr) {
    if (name == nullptr || name->empty()) return Bad("AccountKey needs AccountName");
    if (key->empty() || !Base64Decode(*key, &account->key) || account->key.empty()) {
      return Bad("AccountKey is not valid base64");
    }
  }
  if (sas != nullptr) {
    std::string token = *sas;
    if (!token.empty() && token[0] == '?') token.erase(0, 1);
    if (token.empty()) return Bad("SharedAccessSignature is empty");
    if (token.find("sig=") == std::string::npos) {
      return Bad("SharedAccessSignature has no sig= parameter");
    }
    account->sas = token;
  }
  if (name != nullptr) {
    if (name->empty()) return Bad("AccountName is empty");
    account->name = *name;
  }

  std::string scheme = "https";
  if (protocol != nullptr) {
    scheme = ToLower(*protocol);
    if (scheme != "http" && scheme != "https") {
      return Bad("DefaultEndpointsProtocol must be http or https (got '" + *protocol + "')");
    }
  }
  std::string endpoint_suffix = "core.windows.net";
  if (suffix != nullptr) {
    endpoint_suffix = *suffix;
    while (!endpoint_suffix.empty() && endpoint_suffix[0] == '.') endpoint_suffix.erase(0, 1);
    if (endpoint_suffix.empty() || endpoint_suffix.find_first_of("/: ") != std::string::npos) {
      return Bad("EndpointSuffix is not a DNS suffix (got '" + *suffix + "')");
    }
  }

  if (blob != nullptr) {
    if (!NormalizeEndpoint(*blob, &account->blob_endpoint)) {
      return Bad("BlobEndpoint is not an http(s) URL");
    }
  } else if (name != nullptr) {
    account->blob_endpoint = scheme + "://" + *name + ".blob." + endpoint_suffix;
  }
  if (queue != nullptr) {
    if (!NormalizeEndpoint(*queue, &account->queue_endpoint)) {
      return Bad("QueueEndpoint is not an http(s) URL");
    }
  } else if (name != nullptr) {
    account->queue_endpoint = scheme + "://" + *name + ".queue." + endpoint_suffix;
  }

  if (table != nullptr) {
    if (!NormalizeEndpoint(*table, &account->table_endpoint)) {
      return Bad("TableEndpoint is not an http(s) URL");
    }
  } else if (name != nullptr) {
    account->table_endpoint = scheme + "://" + *name + ".table." + endpoint_suffix;
  }

  if (account->blob_endpoint.empty() && account->queue_endpoint.empty() &&
      account->table_endpoint.empty()) {
    return Bad("no AccountName, BlobEndpoint, QueueEndpoint or TableEndpoint");
  }
  if (key == nullptr && sas == nullptr && name != nullptr && blob == nullptr && queue == nullptr &&
      table == nullptr) {
    return Bad("AccountName " + *name + " needs AccountKey or SharedAccessSignature");
  }
  if (account->name.empty()) {
    account->name = AccountFromEndpoint(!account->blob_endpoint.empty()    ? account->blob_endpoint
                                        : !account->queue_endpoint.empty() ? account->queue_endpoint
                                                                           : account->table_endpoint);
  }
  account->development_storage = account->name == kDevStoreAccountName;
  return Status::OK();
}

}  // namespace storage
}  // namespace pyfn
