// The app's functions and the HTTP route table built from them.
//
// Readers take an immutable snapshot (Get()); writers (the app loader at
// start, worker indexing, load failures) publish a new one. Thread safe.
#ifndef PYFN_HOST_FUNCTION_REGISTRY_H_
#define PYFN_HOST_FUNCTION_REGISTRY_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "host/app/function_model.h"
#include "host/common/status.h"
#include "host/common/thread_annotations.h"
#include "host/http/route.h"

namespace pyfn {

struct FunctionSet {
  std::vector<FunctionSpec> functions;
  RouteTable routes;  // targets are function names; disabled functions have none
  std::string route_prefix;

  const FunctionSpec* Find(const std::string& name) const;
  const FunctionSpec* FindById(const std::string& function_id) const;
};

// host.json "functions" (Azure's ScriptJobHostOptions.Functions): is `name`
// one of `selection`? Names compare without regard to case, as Azure's
// FunctionMetadataManager.ApplyAllowList does.
bool FunctionSelected(const std::vector<std::string>& selection, const std::string& name);

// The names of `selection` that match none of `functions` (for a warning).
std::vector<std::string> UnmatchedSelection(const std::vector<std::string>& selection,
                                            const std::vector<FunctionSpec>& functions);

class FunctionRegistry {
 public:
  // `selection`: host.json "functions"; when set, only those functions are
  // kept by Replace (both programming models: function.json folders and the
  // worker's FunctionMetadataResponse), so the others are neither routed, nor
  // triggered, nor loaded into a worker.
  explicit FunctionRegistry(std::string route_prefix,
                            std::optional<std::vector<std::string>> selection = std::nullopt)
      : route_prefix_(std::move(route_prefix)), selection_(std::move(selection)) {}

  std::shared_ptr<const FunctionSet> Get() const;

  // Replaces every function (keeping only the selected ones, see above).
  // Gives each a function_id if it has none, and
  // routes every enabled HTTP function (and every function that failed to
  // parse: it answers 500 on its default route). A bad route template marks
  // that function failed. Logs nothing (PublishFunctions in load_failures.h does).
  void Replace(std::vector<FunctionSpec> functions);

  // Marks `name` failed (e.g. its FunctionLoadResponse failed). Returns false
  // if it was already failed (so the caller logs each failure once).
  bool SetLoadFailure(const std::string& name, const Status& status);

  const std::optional<std::vector<std::string>>& selection() const { return selection_; }
  // The functions the last Replace left out because host.json "functions" does
  // not name them (sorted). Their keys are kept, not created or deleted.
  std::vector<std::string> excluded() const;

 private:
  const std::string route_prefix_;
  const std::optional<std::vector<std::string>> selection_;
  std::vector<std::string> excluded_ PYFN_GUARDED_BY(mu_);
  mutable pyfn::Mutex mu_;
  std::shared_ptr<const FunctionSet> current_ PYFN_GUARDED_BY(mu_);
};

}  // namespace pyfn

#endif  // PYFN_HOST_FUNCTION_REGISTRY_H_
