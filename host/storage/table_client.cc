#include "host/storage/table_client.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "host/storage/encoding.h"

namespace pyfn {
namespace storage {
namespace {

constexpr char kJsonMinimal[] = "application/json;odata=minimalmetadata";
constexpr char kTypeSuffix[] = "@odata.type";

void SetJsonHeaders(HttpRequest* req, bool has_body) {
  req->SetHeader("Accept", kJsonMinimal);
  req->SetHeader("DataServiceVersion", "3.0");
  req->SetHeader("MaxDataServiceVersion", "3.0;NetFx");
  if (has_body) req->SetHeader("Content-Type", "application/json");
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool StartsWithNoCase(const std::string& s, const std::string& prefix) {
  return s.size() >= prefix.size() && EqualsIgnoreCase(s.substr(0, prefix.size()), prefix);
}

Status ParseBody(const ServiceClient& service, const std::string& operation,
                 const std::string& resource, const HttpResponse& resp, nlohmann::json* out) {
  *out = nlohmann::json::parse(resp.body, nullptr, false);
  if (out->is_discarded() || !out->is_object())
    return Status::Corrupt(service.Context(operation, resource) + ": answer is not a JSON object");
  return Status::OK();
}

}  // namespace

const char* TableWriteName(TableWrite mode) {
  switch (mode) {
    case TableWrite::kInsert: return "InsertEntity";
    case TableWrite::kUpsertReplace: return "InsertOrReplaceEntity";
    case TableWrite::kUpsertMerge: return "InsertOrMergeEntity";
    case TableWrite::kReplace: return "UpdateEntity";
    case TableWrite::kMerge: return "MergeEntity";
  }
  return "WriteEntity";
}

std::string ODataString(std::string_view value) {
  std::string out = "'";
  for (char c : value) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

std::string EntityPath(const std::string& table, const std::string& partition_key,
                       const std::string& row_key) {
  auto key = [](const std::string& k) {
    std::string doubled = ODataString(k);
    return "'" + UrlEncode(doubled.substr(1, doubled.size() - 2)) + "'";
  };
  return UrlEncode(table) + "(PartitionKey=" + key(partition_key) + ",RowKey=" + key(row_key) +
         ")";
}

Status ValidateTableKey(const std::string& what, const std::string& value) {
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(what + " '" + value + "' is not a valid partition key or row "
                                   "key value: " + why);
  };
  if (value.size() > 1024) return bad("longer than 1 KiB");
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    if (c == '/' || c == '\\' || c == '#' || c == '?')
      return bad(std::string("it contains '") + static_cast<char>(c) + "'");
    bool c1 = c == 0xC2 && i + 1 < value.size() &&
              static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
              static_cast<unsigned char>(value[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1) return bad("it contains a control character");
  }
  return Status::OK();
}

bool IsValidTableName(const std::string& name) {
  if (name.size() < 3 || name.size() > 63) return false;
  if (!std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    unsigned char u = static_cast<unsigned char>(c);
    return u < 0x80 && std::isalnum(u);
  });
}

nlohmann::json EntityToPlain(const nlohmann::json& wire) {
  nlohmann::json out = nlohmann::json::object();
  if (!wire.is_object()) return out;
  for (auto it = wire.begin(); it != wire.end(); ++it) {
    const std::string& k = it.key();
    if (StartsWithNoCase(k, "odata.") || k == "Timestamp" || k.find('@') != std::string::npos)
      continue;
    nlohmann::json v = it.value();
    auto type = wire.find(k + kTypeSuffix);
    if (type != wire.end() && type->is_string() && *type == "Edm.Int64" && v.is_string()) {
      const std::string& text = v.get_ref<const std::string&>();
      char* end = nullptr;
      errno = 0;
      long long n = std::strtoll(text.c_str(), &end, 10);
      if (!text.empty() && end == text.c_str() + text.size() && errno == 0) v = int64_t{n};
    }
    out[k] = std::move(v);
  }
  return out;
}

Status EntityFromPlain(const nlohmann::json& plain, const std::string* default_partition_key,
                       const std::string* default_row_key, nlohmann::json* wire,
                       std::string* etag) {
  *wire = nlohmann::json::object();
  etag->clear();
  if (!plain.is_object())
    return Status::InvalidArgument(std::string("an entity must be a JSON object, got ") +
                                   plain.type_name());
  std::string pk, rk;
  bool has_pk = false, has_rk = false;
  for (auto it = plain.begin(); it != plain.end(); ++it) {
    const std::string& k = it.key();
    const nlohmann::json& v = it.value();
    bool is_pk = EqualsIgnoreCase(k, "PartitionKey"), is_rk = EqualsIgnoreCase(k, "RowKey");
    if (is_pk || is_rk) {
      if (v.is_null()) continue;  // as missing: the binding's key applies
      if (!v.is_string())
        return Status::InvalidArgument(std::string(is_pk ? "PartitionKey" : "RowKey") +
                                       " must be a string, got " + v.dump());
      (is_pk ? pk : rk) = v.get<std::string>();
      (is_pk ? has_pk : has_rk) = true;
      continue;
    }
    if (EqualsIgnoreCase(k, "ETag") || EqualsIgnoreCase(k, "odata.etag")) {
      if (v.is_string()) *etag = v.get<std::string>();
      else if (!v.is_null())
        return Status::InvalidArgument("ETag must be a string, got " + v.dump());
      continue;
    }
    if (EqualsIgnoreCase(k, "Timestamp") || v.is_null()) continue;
    if (EndsWith(k, kTypeSuffix)) {
      (*wire)[k] = v;
      continue;
    }
    bool typed = plain.contains(k + kTypeSuffix);
    if (typed || v.is_string() || v.is_boolean()) {
      (*wire)[k] = v;
    } else if (v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() >
                                                                       INT64_MAX)) {
      (*wire)[k] = std::to_string(v.get<int64_t>());
      (*wire)[k + kTypeSuffix] = "Edm.Int64";
    } else if (v.is_number()) {
      (*wire)[k] = v.get<double>();
      (*wire)[k + kTypeSuffix] = "Edm.Double";
    } else {
      (*wire)[k] = v.dump();  // objects and arrays: their JSON text
    }
  }
  if (!has_pk && default_partition_key != nullptr) {
    pk = *default_partition_key;
    has_pk = true;
  }
  if (!has_rk && default_row_key != nullptr) {
    rk = *default_row_key;
    has_rk = true;
  }
  if (!has_pk)
    return Status::InvalidArgument("the entity has no PartitionKey (and the binding gives no "
                                   "partitionKey)");
  if (!has_rk)
    return Status::InvalidArgument("the entity has no RowKey (and the binding gives no rowKey)");
  Status s = ValidateTableKey("PartitionKey", pk);
  if (s.ok()) s = ValidateTableKey("RowKey", rk);
  if (!s.ok()) return s;
  (*wire)["PartitionKey"] = pk;
  (*wire)["RowKey"] = rk;
  return Status::OK();
}

TableClient::TableClient(const StorageAccount& account, HttpTransport* transport, Clock clock)
    : service_(account, account.table_endpoint, transport, std::move(clock),
               SigningScheme::kTable) {}

Status TableClient::CreateTable(const std::string& table, bool* created) {
  HttpRequest req;
  req.method = "POST";
  req.url = service_.Url("Tables");
  req.body = nlohmann::json{{"TableName", table}}.dump();
  SetJsonHeaders(&req, true);
  req.SetHeader("Prefer", "return-no-content");
  HttpResponse resp;
  Status s = service_.Call("CreateTable", table, &req, &resp);
  if (created) *created = s.ok();
  if (s.IsConflict() && s.error_code() == "TableAlreadyExists") return Status::OK();
  return s;
}

Status TableClient::DeleteTable(const std::string& table) {
  HttpRequest req;
  req.method = "DELETE";
  req.url = service_.Url("Tables(" + UrlEncode(ODataString(table)) + ")");
  SetJsonHeaders(&req, false);
  HttpResponse resp;
  return service_.Call("DeleteTable", table, &req, &resp);
}

Status TableClient::GetEntity(const std::string& table, const std::string& partition_key,
                              const std::string& row_key, nlohmann::json* entity) {
  std::string path = EntityPath(table, partition_key, row_key);
  std::string resource = table + " (PartitionKey " + ODataString(partition_key) + ", RowKey " +
                         ODataString(row_key) + ")";
  HttpRequest req;
  req.url = service_.Url(path);
  SetJsonHeaders(&req, false);
  HttpResponse resp;
  Status s = service_.Call("GetEntity", resource, &req, &resp);
  if (!s.ok()) return s;
  return ParseBody(service_, "GetEntity", resource, resp, entity);
}

Status TableClient::QueryEntities(const std::string& table, const TableQuery& query,
                                  std::vector<nlohmann::json>* entities) {
  entities->clear();
  if (query.take < 0)
    return Status::InvalidArgument(service_.Context("QueryEntities", table) +
                                   ": take must not be negative");
  std::string next_pk, next_rk;
  for (int page = 0;; ++page) {
    std::string q;
    auto add = [&q](const std::string& kv) { q += (q.empty() ? "" : "&") + kv; };
    if (!query.filter.empty()) add("$filter=" + UrlEncode(query.filter));
    if (query.take > 0) {
      int remaining = query.take - static_cast<int>(entities->size());
      add("$top=" + std::to_string(std::min(remaining, kTablePageSize)));
    }
    if (page > 0) {
      add("NextPartitionKey=" + UrlEncode(next_pk));
      if (!next_rk.empty()) add("NextRowKey=" + UrlEncode(next_rk));
    }
    HttpRequest req;
    req.url = service_.Url(UrlEncode(table) + "()", q);
    SetJsonHeaders(&req, false);
    HttpResponse resp;
    Status s = service_.Call("QueryEntities", table, &req, &resp);
    if (!s.ok()) return s;
    nlohmann::json body;
    s = ParseBody(service_, "QueryEntities", table, resp, &body);
    if (!s.ok()) return s;
    auto value = body.find("value");
    if (value == body.end() || !value->is_array())
      return Status::Corrupt(service_.Context("QueryEntities", table) +
                             ": answer has no \"value\" array");
    for (auto& e : *value) {
      if (query.take > 0 && static_cast<int>(entities->size()) >= query.take) break;
      entities->push_back(std::move(e));
    }
    if (query.take > 0 && static_cast<int>(entities->size()) >= query.take) return Status::OK();
    next_pk = resp.HeaderOr("x-ms-continuation-nextpartitionkey");
    next_rk = resp.HeaderOr("x-ms-continuation-nextrowkey");
    if (next_pk.empty()) return Status::OK();
  }
}

Status TableClient::WriteEntity(const std::string& table, const nlohmann::json& entity,
                                TableWrite mode, const std::string& etag) {
  const nlohmann::json* pk = entity.is_object() && entity.contains("PartitionKey")
                                 ? &entity["PartitionKey"] : nullptr;
  const nlohmann::json* rk = entity.is_object() && entity.contains("RowKey")
                                 ? &entity["RowKey"] : nullptr;
  const char* operation = TableWriteName(mode);
  if (pk == nullptr || rk == nullptr || !pk->is_string() || !rk->is_string())
    return Status::InvalidArgument(service_.Context(operation, table) +
                                   ": the entity needs string PartitionKey and RowKey");
  std::string resource = table + " (PartitionKey " + ODataString(pk->get<std::string>()) +
                         ", RowKey " + ODataString(rk->get<std::string>()) + ")";
  HttpRequest req;
  req.body = entity.dump();
  SetJsonHeaders(&req, true);
  switch (mode) {
    case TableWrite::kInsert:
      req.method = "POST";
      req.url = service_.Url(UrlEncode(table));
      req.SetHeader("Prefer", "return-no-content");
      break;
    case TableWrite::kUpsertReplace:
    case TableWrite::kReplace: req.method = "PUT"; break;
    case TableWrite::kUpsertMerge:
    case TableWrite::kMerge: req.method = "MERGE"; break;
  }
  if (mode != TableWrite::kInsert)
    req.url = service_.Url(EntityPath(table, pk->get<std::string>(), rk->get<std::string>()));
  if (mode == TableWrite::kReplace || mode == TableWrite::kMerge)
    req.SetHeader("If-Match", etag.empty() ? "*" : etag);
  HttpResponse resp;
  return service_.Call(operation, resource, &req, &resp);
}

Status TableClient::DeleteEntity(const std::string& table, const std::string& partition_key,
                                 const std::string& row_key) {
  HttpRequest req;
  req.method = "DELETE";
  req.url = service_.Url(EntityPath(table, partition_key, row_key));
  SetJsonHeaders(&req, false);
  req.SetHeader("If-Match", "*");
  HttpResponse resp;
  return service_.Call("DeleteEntity",
                       table + " (PartitionKey " + ODataString(partition_key) + ", RowKey " +
                           ODataString(row_key) + ")",
                       &req, &resp);
}

}  // namespace storage
}  // namespace pyfn
