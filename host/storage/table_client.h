// TableClient: the Table service operations the host's table bindings need
// (Azure Tables REST API, JSON with odata=minimalmetadata). One client per
// storage account; thread safe.
//
// Entities cross this API in two forms:
//   wire JSON   what the service sends and takes: property values with
//               "<name>@odata.type" annotations ("Edm.Int64" values are
//               strings), "odata.etag", "Timestamp";
//   plain JSON  what a function sees and returns (Azure's Tables extension
//               converts to and from it for non-.NET languages): one object
//               of properties, 64-bit integers as numbers, no annotations.
// EntityToPlain and EntityFromPlain convert between them.
#ifndef PYFN_HOST_STORAGE_TABLE_CLIENT_H_
#define PYFN_HOST_STORAGE_TABLE_CLIENT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "host/storage/connection_string.h"
#include "host/storage/http.h"
#include "host/storage/service.h"

namespace pyfn {
namespace storage {

struct TableQuery {
  std::string filter;  // OData $filter; "" = every entity
  int take = 0;        // at most this many entities; 0 = all of them
};

// How WriteEntity writes (the Table service's operations).
enum class TableWrite {
  kInsert,         // Insert Entity: 409 EntityAlreadyExists when it exists
  kUpsertReplace,  // Insert Or Replace Entity
  kUpsertMerge,    // Insert Or Merge Entity
  kReplace,        // Update Entity (If-Match: etag): 404 when missing, 412 on a stale etag
  kMerge,          // Merge Entity (If-Match: etag)
};

// The operation's REST name, for messages ("InsertEntity").
const char* TableWriteName(TableWrite mode);

// Entities per page the service gives at most (and the largest $top).
constexpr int kTablePageSize = 1000;

class TableClient {
 public:
  // transport must outlive the client. clock defaults to the system clock.
  TableClient(const StorageAccount& account, HttpTransport* transport, Clock clock = nullptr);

  const StorageAccount& account() const { return service_.account(); }

  // Creates the table; OK when it already exists.
  Status CreateTable(const std::string& table, bool* created = nullptr);
  Status DeleteTable(const std::string& table);

  // One entity (wire JSON). NotFound when the entity or the table is missing.
  Status GetEntity(const std::string& table, const std::string& partition_key,
                   const std::string& row_key, nlohmann::json* entity);

  // The entities matching query.filter (wire JSON), following the service's
  // continuation (x-ms-continuation-NextPartitionKey / -NextRowKey) until
  // query.take entities or the last page. NotFound when the table is missing.
  Status QueryEntities(const std::string& table, const TableQuery& query,
                       std::vector<nlohmann::json>* entities);

  // Writes one wire entity (it must hold string PartitionKey and RowKey).
  // etag is the If-Match value for kReplace/kMerge ("" = "*"). NotFound
  // (TableNotFound) when the table is missing.
  Status WriteEntity(const std::string& table, const nlohmann::json& entity, TableWrite mode,
                     const std::string& etag = "");

  Status DeleteEntity(const std::string& table, const std::string& partition_key,
                      const std::string& row_key);

 private:
  ServiceClient service_;
};

// An OData string literal: quoted, every ' doubled ("'O''Brien'").
std::string ODataString(std::string_view value);

// "<table>(PartitionKey='<pk>',RowKey='<rk>')" for a URL: quotes in the keys
// doubled, then the keys percent-encoded (every byte but A-Z a-z 0-9 - . _ ~).
std::string EntityPath(const std::string& table, const std::string& partition_key,
                       const std::string& row_key);

// Key values as Azure's Tables extension checks them before it writes: none
// of / \ # ?, no control characters (U+0000-U+001F, U+007F-U+009F), at most
// 1 KiB. InvalidArgument "<what> '<value>' ..." otherwise.
Status ValidateTableKey(const std::string& what, const std::string& value);

// Azure's table name rule: ^[A-Za-z][A-Za-z0-9]{2,62}$.
bool IsValidTableName(const std::string& name);

// Wire -> plain: drops "odata.*" members, Timestamp and "@odata.type"
// annotations; Edm.Int64 values become JSON numbers; everything else (Edm.
// DateTime, Edm.Guid, Edm.Binary as base64) stays the string the service
// sent. The etag is not part of it (as in Azure's conversion).
nlohmann::json EntityToPlain(const nlohmann::json& wire);

// Plain -> wire, as Azure's Tables extension builds an entity from JSON:
// "PartitionKey", "RowKey" and "ETag" are matched case-insensitively; the
// ETag (or "odata.etag") is taken out into *etag; Timestamp is dropped; null
// members are left out; integers are written as Edm.Int64, other numbers as
// Edm.Double; objects and arrays as their JSON text; a member "<p>@odata.type"
// the function gives is sent as is (and <p> unconverted). A missing key
// is taken from *default_partition_key / *default_row_key (the binding's),
// when given. InvalidArgument naming the problem for a value that is not an
// object, a key that is missing, not a string or not valid (ValidateTableKey).
Status EntityFromPlain(const nlohmann::json& plain, const std::string* default_partition_key,
                       const std::string* default_row_key, nlohmann::json* wire,
                       std::string* etag);

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_TABLE_CLIENT_H_
