// TableBinding: the host side of the table input and output bindings
// (docs/behaviour.md "Table bindings"), as Azure's Tables extension serves
// them to non-.NET languages.
//
// Input: with partitionKey and rowKey, the one entity as a JSON object (no
// value, the parameter is None, when the entity or the table is missing);
// otherwise a query of tableName as a JSON array: `filter` (an OData
// $filter; {expressions} in it are quoted as Azure's ODataFilterResolution-
// Policy does), `partitionKey` alone adds "PartitionKey eq '<pk>'", `take`
// caps the count (0 or absent: every entity, page after page). Entities come
// as EntityToPlain makes them (table_client.h). A query of a missing table
// fails, as in Azure.
// Output: the function's value (JSON text, or a JSON value) is one entity
// object or an array of them; the binding's partitionKey/rowKey fill keys
// the entity lacks. Each entity is written by its ETag, as Azure's
// TableEntityWriter does: none -> Insert (a conflict fails the invocation),
// "*" -> Insert Or Replace, any other -> Replace If-Match that ETag. The
// table is created when a write finds it missing, and the write repeated.
// Every property (tableName, partitionKey, rowKey, filter) takes binding
// expressions and %app settings%. Failures name the binding, the table and
// the operation.
#ifndef PYFN_HOST_TABLE_BINDING_H_
#define PYFN_HOST_TABLE_BINDING_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host/storage/binding_expression.h"
#include "host/triggers/blocking_binding.h"

namespace pyfn {

class TableBinding : public BlockingBinding {
 public:
  // runtime must outlive this object.
  explicit TableBinding(StorageRuntime* runtime) : BlockingBinding(runtime) {}

  std::vector<std::string> Types() const override { return {"table"}; }

  Status Read(const BindingContext& ctx, rpc::TypedData* out) override;
  Status Write(const BindingContext& ctx, const rpc::TypedData& value) override;
};

// The plain entities (JSON objects) an output value holds: a str/bytes/json
// TypedData whose JSON is an object or an array of objects. InvalidArgument
// naming what is wrong otherwise.
Status TableEntitiesFromTypedData(const rpc::TypedData& value,
                                  std::vector<nlohmann::json>* entities);

// A filter with {expressions} resolved as Azure's ODataFilterResolutionPolicy
// does: a parameter that appears only inside quotes ('{name}') gets its
// single quotes doubled; one outside quotes must be a boolean or a number
// (else InvalidArgument naming it); a filter that is just "{name}" is taken
// as is.
Status ResolveTableFilter(const std::string& text, const storage::BindingData& data,
                          std::string* out);

}  // namespace pyfn

#endif  // PYFN_HOST_TABLE_BINDING_H_
