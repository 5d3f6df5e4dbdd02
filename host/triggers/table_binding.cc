#include "host/triggers/table_binding.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <set>

#include "host/common/strings.h"
#include "host/storage/encoding.h"

namespace pyfn {
namespace {

std::string TypedDataKind(const rpc::TypedData& v) {
  const auto* field = rpc::TypedData::descriptor()->FindFieldByNumber(v.data_case());
  return field ? field->name() : "empty";
}

const nlohmann::json* RawMember(const BindingSpec& b, const char* key) {
  if (!b.raw.is_object()) return nullptr;
  for (auto it = b.raw.begin(); it != b.raw.end(); ++it)
    if (AsciiLower(it.key()) == AsciiLower(key)) return &*it;
  return nullptr;
}

bool HasProp(const BindingSpec& b, const char* key) {
  const nlohmann::json* v = RawMember(b, key);
  return v != nullptr && v->is_string() && !v->get_ref<const std::string&>().empty();
}

// What .NET's bool/long/double TryParse accept, as Azure checks a filter
// value that stands outside quotes.
bool IsODataNonString(const std::string& v) {
  if (storage::EqualsIgnoreCase(v, "true") || storage::EqualsIgnoreCase(v, "false")) return true;
  if (v.empty() || std::isspace(static_cast<unsigned char>(v[0]))) return false;
  char* end = nullptr;
  std::strtod(v.c_str(), &end);
  return end == v.c_str() + v.size() && v.find_first_of("xXpP") == std::string::npos;
}

size_t CountNoCase(const std::string& haystack, const std::string& needle) {
  std::string h = AsciiLower(haystack), n = AsciiLower(needle);
  size_t count = 0;
  for (size_t pos = h.find(n); pos != std::string::npos; pos = h.find(n, pos + 1)) ++count;
  return count;
}

Status Resolve(StorageRuntime* runtime, const BindingSpec& b, const char* key,
               const storage::BindingData& data, std::string* out) {
  return ResolveBindingProperty(b, key, data, runtime->setting_lookup(), out);
}

Status ResolveTable(StorageRuntime* runtime, const BindingSpec& b,
                    const storage::BindingData& data, std::string* table) {
  Status s = Resolve(runtime, b, "tableName", data, table);
  if (s.ok() && !storage::IsValidTableName(*table))
    s = Status::InvalidArgument("binding '" + b.name + "': tableName '" + *table +
                                "' is not a valid table name (3-63 letters and digits, "
                                "starting with a letter)");
  return s;
}

}  // namespace

Status ResolveTableFilter(const std::string& text, const storage::BindingData& data,
                          std::string* out) {
  std::vector<std::string> names;
  storage::Status ss = storage::BindingParameters(text, &names);
  if (!ss.ok()) return Status::InvalidArgument("filter: " + ss.message());
  storage::BindingData quoted = data;
  if (!(names.size() == 1 && text == "{" + names[0] + "}")) {
    std::set<std::string> seen;
    for (const std::string& name : names) {
      if (!seen.insert(AsciiLower(name)).second) continue;
      std::string value;
      if (!data.Lookup(name, &value)) continue;  // built-ins; unresolvable ones fail below
      const std::string plain = "{" + name + "}";
      if (CountNoCase(text, "'" + plain + "'") == CountNoCase(text, plain)) {
        std::string doubled;
        for (char c : value) doubled += c == '\'' ? std::string("''") : std::string(1, c);
        quoted.Set(name, doubled);
      } else if (!IsODataNonString(value)) {
        return Status::InvalidArgument("filter parameter '{" + name + "}' stands outside "
                                       "quotes, so it must be a boolean or a number (got '" +
                                       value + "')");
      }
    }
  }
  ss = storage::ResolveBindingExpression(text, quoted, out);
  if (!ss.ok()) return Status::InvalidArgument("filter: " + ss.message());
  return Status::OK();
}

Status TableEntitiesFromTypedData(const rpc::TypedData& value,
                                  std::vector<nlohmann::json>* entities) {
  entities->clear();
  std::string text;
  switch (value.data_case()) {
    case rpc::TypedData::kString: text = value.string(); break;
    case rpc::TypedData::kJson: text = value.json(); break;
    case rpc::TypedData::kBytes: text = value.bytes(); break;
    default:
      return Status::InvalidArgument("a table entity cannot be made from a '" +
                                     TypedDataKind(value) +
                                     "' value (expected JSON text of an object or an array)");
  }
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded())
    return Status::InvalidArgument("the value is not JSON (expected an entity object or an "
                                   "array of them)");
  if (j.is_object()) {
    entities->push_back(std::move(j));
    return Status::OK();
  }
  if (!j.is_array())
    return Status::InvalidArgument(std::string("expected an entity object or an array of them, "
                                               "got ") + j.type_name());
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_object())
      return Status::InvalidArgument("array element " + std::to_string(i) +
                                     " is not an entity object (" + j[i].type_name() + ")");
    entities->push_back(std::move(j[i]));
  }
  return Status::OK();
}

Status TableBinding::Read(const BindingContext& ctx, rpc::TypedData* out) {
  const BindingSpec& b = *ctx.binding;
  storage::BindingData data;
  BuildBindingData(ctx.http, ctx.trigger_metadata, &data);
  std::string table, pk, rk;
  Status s = ResolveTable(runtime_, b, data, &table);
  if (s.ok() && HasProp(b, "partitionKey")) s = Resolve(runtime_, b, "partitionKey", data, &pk);
  if (s.ok() && HasProp(b, "rowKey")) s = Resolve(runtime_, b, "rowKey", data, &rk);
  if (!s.ok()) return s;
  storage::TableClient* client = nullptr;
  s = runtime_->TableClientFor(b, &client);
  if (!s.ok()) return s;

  if (HasProp(b, "rowKey")) {  // one entity; filter and take do not apply (Azure's rule)
    storage::Status ks = storage::ValidateTableKey("partitionKey", pk);
    if (ks.ok()) ks = storage::ValidateTableKey("rowKey", rk);
    if (!ks.ok()) return Status::InvalidArgument("table '" + table + "': " + ks.message());
    nlohmann::json entity;
    storage::Status ss = client->GetEntity(table, pk, rk, &entity);
    if (ss.IsNotFound()) return Status::OK();  // None, as Azure gives null
    if (!ss.ok()) return FromStorage(ss);
    out->set_json(storage::EntityToPlain(entity).dump());
    return Status::OK();
  }

  storage::TableQuery query;
  if (HasProp(b, "filter")) {
    std::string text = RawMember(b, "filter")->get<std::string>();
    if (text.find('%') != std::string::npos) {
      std::string with_settings;
      storage::Status ss =
          storage::ResolveAppSettings(text, runtime_->setting_lookup(), &with_settings);
      if (!ss.ok()) return Status::InvalidArgument("binding '" + b.name + "': " + ss.message());
      text = with_settings;
    }
    s = ResolveTableFilter(text, data, &query.filter);
    if (!s.ok()) return Status::InvalidArgument("binding '" + b.name + "': " + s.message());
  }
  if (HasProp(b, "partitionKey")) {
    // Azure joins "<pk predicate> and <filter>"; pyfn brackets the filter so
    // that an `or` in it cannot escape the partition.
    std::string pk_filter = "PartitionKey eq " + storage::ODataString(pk);
    query.filter = query.filter.empty() ? pk_filter : pk_filter + " and (" + query.filter + ")";
  }
  if (const nlohmann::json* take = RawMember(b, "take")) {
    long long n = 0;
    if (take->is_number_integer()) n = take->get<long long>();
    else if (take->is_string()) n = std::atoll(take->get_ref<const std::string&>().c_str());
    query.take = n > 0 ? static_cast<int>(std::min<long long>(n, 1 << 30)) : 0;
  }
  std::vector<nlohmann::json> entities;
  storage::Status ss = client->QueryEntities(table, query, &entities);
  if (!ss.ok()) return FromStorage(ss);
  nlohmann::json arr = nlohmann::json::array();
  for (const auto& e : entities) arr.push_back(storage::EntityToPlain(e));
  out->set_json(arr.dump());
  return Status::OK();
}

Status TableBinding::Write(const BindingContext& ctx, const rpc::TypedData& value) {
  const BindingSpec& b = *ctx.binding;
  std::vector<nlohmann::json> entities;
  Status s = TableEntitiesFromTypedData(value, &entities);
  if (!s.ok()) return s;
  if (entities.empty()) return Status::OK();
  storage::BindingData data;
  BuildBindingData(ctx.http, ctx.trigger_metadata, &data);
  std::string table, pk, rk;
  s = ResolveTable(runtime_, b, data, &table);
  bool has_pk = HasProp(b, "partitionKey"), has_rk = HasProp(b, "rowKey");
  if (s.ok() && has_pk) s = Resolve(runtime_, b, "partitionKey", data, &pk);
  if (s.ok() && has_rk) s = Resolve(runtime_, b, "rowKey", data, &rk);
  if (!s.ok()) return s;
  storage::TableClient* client = nullptr;
  s = runtime_->TableClientFor(b, &client);
  if (!s.ok()) return s;
  for (size_t i = 0; i < entities.size(); ++i) {
    nlohmann::json wire;
    std::string etag;
    storage::Status ss = storage::EntityFromPlain(entities[i], has_pk ? &pk : nullptr,
                                                  has_rk ? &rk : nullptr, &wire, &etag);
    std::string which = entities.size() > 1 ? "entity " + std::to_string(i) + " " : "entity ";
    if (!ss.ok())
      return Status::InvalidArgument("table '" + table + "': " + which + "is not valid: " +
                                     ss.message());
    storage::TableWrite mode = etag.empty()  ? storage::TableWrite::kInsert
                               : etag == "*" ? storage::TableWrite::kUpsertReplace
                                             : storage::TableWrite::kReplace;
    ss = client->WriteEntity(table, wire, mode, etag);
    if (ss.IsNotFound() && ss.error_code() == "TableNotFound") {
      ss = client->CreateTable(table);
      if (ss.ok()) ss = client->WriteEntity(table, wire, mode, etag);
    }
    if (!ss.ok()) {
      Status f = FromStorage(ss);
      if (i == 0) return f;
      return Status::IOError(f.message() + " (entities 0-" + std::to_string(i - 1) +
                             " of this value were written)");
    }
  }
  return Status::OK();
}

}  // namespace pyfn
