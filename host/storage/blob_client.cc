#include "host/storage/blob_client.h"

#include <cstdio>
#include <cstdlib>

#include "host/storage/encoding.h"
#include "host/storage/xml.h"

namespace pyfn {
namespace storage {

namespace {

int64_t ParseInt64(const std::string& s) {
  return s.empty() ? 0 : std::strtoll(s.c_str(), nullptr, 10);
}

void PropertiesFromHeaders(const HttpResponse& resp, BlobProperties* p) {
  *p = BlobProperties();
  p->content_length = ParseInt64(resp.HeaderOr("content-length"));
  p->content_type = resp.HeaderOr("content-type");
  p->content_encoding = resp.HeaderOr("content-encoding");
  p->content_md5 = resp.HeaderOr("content-md5");
  p->etag = resp.HeaderOr("etag");
  p->last_modified = resp.HeaderOr("last-modified");
  ParseRfc1123(p->last_modified, &p->last_modified_unix);
  p->blob_type = resp.HeaderOr("x-ms-blob-type");
  p->lease_state = resp.HeaderOr("x-ms-lease-state");
  p->lease_status = resp.HeaderOr("x-ms-lease-status");
  for (const auto& h : resp.headers) {
    if (h.first.compare(0, 10, "x-ms-meta-") == 0) p->metadata[h.first.substr(10)] = h.second;
  }
}

void PropertiesFromXml(const XmlElement& blob, BlobProperties* p) {
  *p = BlobProperties();
  if (const XmlElement* props = blob.Child("Properties")) {
    p->content_length = ParseInt64(props->ChildText("Content-Length"));
    p->content_type = props->ChildText("Content-Type");
    p->content_encoding = props->ChildText("Content-Encoding");
    p->content_md5 = props->ChildText("Content-MD5");
    p->etag = props->ChildText("Etag");
    p->last_modified = props->ChildText("Last-Modified");
    ParseRfc1123(p->last_modified, &p->last_modified_unix);
    p->blob_type = props->ChildText("BlobType");
    p->lease_state = props->ChildText("LeaseState");
    p->lease_status = props->ChildText("LeaseStatus");
  }
  if (const XmlElement* md = blob.Child("Metadata")) {
    for (const auto& m : md->children) p->metadata[ToLower(m.name)] = m.text;
  }
}

void AddPutHeaders(const PutBlobOptions& o, HttpRequest* req) {
  for (const auto& m : o.metadata) req->SetHeader("x-ms-meta-" + m.first, m.second);
  if (!o.if_match.empty()) req->SetHeader("If-Match", o.if_match);
  if (!o.if_none_match.empty()) req->SetHeader("If-None-Match", o.if_none_match);
  if (!o.lease_id.empty()) req->SetHeader("x-ms-lease-id", o.lease_id);
}

}  // namespace

Status SplitBlobPath(const std::string& path, std::string* container, std::string* blob) {
  size_t slash = path.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == path.size()) {
    return Status::InvalidArgument("blob path '" + path +
                                   "' is not of the form <container>/<blob name>");
  }
  *container = path.substr(0, slash);
  *blob = path.substr(slash + 1);
  return Status::OK();
}

BlobClient::BlobClient(const StorageAccount& account, HttpTransport* transport,
                       BlobClientOptions options, Clock clock)
    : service_(account, account.blob_endpoint, transport, std::move(clock)), options_(options) {}

std::string BlobClient::BlobPath(const std::string& container, const std::string& blob) const {
  return UrlEncode(container) + "/" + UrlEncode(blob, /*keep_slash=*/true);
}

Status BlobClient::CreateContainer(const std::string& container, bool* created) {
  HttpRequest req;
  req.method = "PUT";
  req.url = service_.Url(UrlEncode(container), "restype=container");
  HttpResponse resp;
  Status s = service_.Call("CreateContainer", container, &req, &resp);
  if (created) *created = s.ok();
  if (s.IsConflict() && s.error_code() == "ContainerAlreadyExists") return Status::OK();
  return s;
}

Status BlobClient::DeleteContainer(const std::string& container) {
  HttpRequest req;
  req.method = "DELETE";
  req.url = service_.Url(UrlEncode(container), "restype=container");
  HttpResponse resp;
  return service_.Call("DeleteContainer", container, &req, &resp);
}

Status BlobClient::GetBlob(const std::string& container, const std::string& blob, std::string* body,
                           BlobProperties* props) {
  HttpRequest req;
  req.url = service_.Url(BlobPath(container, blob));
  HttpResponse resp;
  Status s = service_.Call("GetBlob", container + "/" + blob, &req, &resp);
  if (!s.ok()) return s;
  if (props) PropertiesFromHeaders(resp, props);
  *body = std::move(resp.body);
  return s;
}

Status BlobClient::GetBlobProperties(const std::string& container, const std::string& blob,
                                     BlobProperties* props) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = service_.Url(BlobPath(container, blob));
  HttpResponse resp;
  Status s = service_.Call("GetBlobProperties", container + "/" + blob, &req, &resp);
  if (s.ok()) PropertiesFromHeaders(resp, props);
  return s;
}

Status BlobClient::PutBlob(const std::string& container, const std::string& blob,
                           std::string_view body, const PutBlobOptions& options,
                           std::string* etag) {
  if (body.size() > options_.single_put_max) {
    return PutBlocks(container, blob, body, options, etag);
  }
  HttpRequest req;
  req.method = "PUT";
  req.url = service_.Url(BlobPath(container, blob));
  req.body.assign(body.data(), body.size());
  req.SetHeader("x-ms-blob-type", "BlockBlob");
  if (!options.content_type.empty()) req.SetHeader("Content-Type", options.content_type);
  AddPutHeaders(options, &req);
  HttpResponse resp;
  Status s = service_.Call("PutBlob", container + "/" + blob, &req, &resp);
  if (s.ok() && etag) *etag = resp.HeaderOr("etag");
  return s;
}

Status BlobClient::PutBlocks(const std::string& container, const std::string& blob,
                             std::string_view body, const PutBlobOptions& options,
                             std::string* etag) {
  const std::string resource = container + "/" + blob;
  // Ids must have one length within a blob; the random part keeps two
  // concurrent writers of the same blob from committing each other's blocks.
  const std::string upload = NewGuid().substr(0, 8);
  const size_t block_size = options_.block_size > 0 ? options_.block_size : 4 * 1024 * 1024;
  std::vector<std::string> ids;
  for (size_t off = 0; off < body.size(); off += block_size) {
    char raw[32];
    std::snprintf(raw, sizeof raw, "%s-%08zu", upload.c_str(), ids.size());
    std::string id = Base64Encode(raw);
    HttpRequest req;
    req.method = "PUT";
    req.url = service_.Url(BlobPath(container, blob), "comp=block&blockid=" + UrlEncode(id));
    req.body.assign(body.substr(off, block_size));
    if (!options.lease_id.empty()) req.SetHeader("x-ms-lease-id", options.lease_id);
    HttpResponse resp;
    Status s = service_.Call("PutBlock " + std::to_string(ids.size()), resource, &req, &resp);
    if (!s.ok()) return s;
    ids.push_back(std::move(id));
  }
  HttpRequest req;
  req.method = "PUT";
  req.url = service_.Url(BlobPath(container, blob), "comp=blocklist");
  req.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList>";
  for (const auto& id : ids) req.body += "<Latest>" + id + "</Latest>";
  req.body += "</BlockList>";
  req.SetHeader("Content-Type", "application/xml");
  if (!options.content_type.empty()) req.SetHeader("x-ms-blob-content-type", options.content_type);
  AddPutHeaders(options, &req);
  HttpResponse resp;
  Status s = service_.Call("PutBlockList", resource, &req, &resp);
  if (s.ok() && etag) *etag = resp.HeaderOr("etag");
  return s;
}

Status BlobClient::DeleteBlob(const std::string& container, const std::string& blob,
                              const std::string& lease_id) {
  HttpRequest req;
  req.method = "DELETE";
  req.url = service_.Url(BlobPath(container, blob));
  req.SetHeader("x-ms-delete-snapshots", "include");
  if (!lease_id.empty()) req.SetHeader("x-ms-lease-id", lease_id);
  HttpResponse resp;
  return service_.Call("DeleteBlob", container + "/" + blob, &req, &resp);
}

Status BlobClient::ListBlobs(const std::string& container, const ListBlobsOptions& options,
                             ListBlobsResult* result) {
  *result = ListBlobsResult();
  std::string query = "restype=container&comp=list";
  if (!options.prefix.empty()) query += "&prefix=" + UrlEncode(options.prefix);
  if (!options.marker.empty()) query += "&marker=" + UrlEncode(options.marker);
  if (options.max_results > 0) query += "&maxresults=" + std::to_string(options.max_results);
  if (options.include_metadata) query += "&include=metadata";
  HttpRequest req;
  req.url = service_.Url(UrlEncode(container), query);
  HttpResponse resp;
  Status s = service_.Call("ListBlobs", container, &req, &resp);
  if (!s.ok()) return s;
  XmlElement root;
  s = ParseXml(resp.body, &root);
  if (!s.ok() || root.name != "EnumerationResults") {
    return Status::Corrupt(service_.Context("ListBlobs", container) +
                           ": answer is not an EnumerationResults document" +
                           (s.ok() ? "" : " (" + s.message() + ")"));
  }
  if (const XmlElement* blobs = root.Child("Blobs")) {
    for (const auto& b : blobs->children) {
      if (b.name != "Blob") continue;
      BlobItem item;
      item.name = b.ChildText("Name");
      PropertiesFromXml(b, &item.properties);
      result->blobs.push_back(std::move(item));
    }
  }
  result->next_marker = root.ChildText("NextMarker");
  return Status::OK();
}

Status BlobClient::LeaseCall(const std::string& operation, const std::string& container,
                             const std::string& blob, HttpHeaders headers, HttpResponse* resp) {
  HttpRequest req;
  req.method = "PUT";
  req.url = service_.Url(BlobPath(container, blob), "comp=lease");
  req.headers = std::move(headers);
  return service_.Call(operation, container + "/" + blob, &req, resp);
}

Status BlobClient::AcquireLease(const std::string& container, const std::string& blob,
                                int duration_seconds, const std::string& proposed_id,
                                std::string* lease_id) {
  HttpHeaders h = {{"x-ms-lease-action", "acquire"},
                   {"x-ms-lease-duration", std::to_string(duration_seconds)}};
  if (!proposed_id.empty()) h.emplace_back("x-ms-proposed-lease-id", proposed_id);
  HttpResponse resp;
  Status s = LeaseCall("AcquireLease", container, blob, std::move(h), &resp);
  if (s.ok()) *lease_id = resp.HeaderOr("x-ms-lease-id");
  return s;
}

Status BlobClient::RenewLease(const std::string& container, const std::string& blob,
                              const std::string& lease_id) {
  HttpResponse resp;
  return LeaseCall("RenewLease", container, blob,
                   {{"x-ms-lease-action", "renew"}, {"x-ms-lease-id", lease_id}}, &resp);
}

Status BlobClient::ReleaseLease(const std::string& container, const std::string& blob,
                                const std::string& lease_id) {
  HttpResponse resp;
  return LeaseCall("ReleaseLease", container, blob,
                   {{"x-ms-lease-action", "release"}, {"x-ms-lease-id", lease_id}}, &resp);
}

Status BlobClient::BreakLease(const std::string& container, const std::string& blob) {
  HttpResponse resp;
  return LeaseCall("BreakLease", container, blob,
                   {{"x-ms-lease-action", "break"}, {"x-ms-lease-break-period", "0"}}, &resp);
}

}  // namespace storage
}  // namespace pyfn
