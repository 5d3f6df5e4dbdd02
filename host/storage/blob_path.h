// BlobPathPattern: a blob trigger's "path" ("samples/{name}.csv") matched
// against blob names to decide which blobs trigger and what {name} is.
//
// The first segment is the container and must be literal. The rest mixes
// literal text and {parameters}; a parameter captures one or more
// characters, '/' included, and earlier parameters take as much as they can
// (so "{name}.{ext}" splits "a.b.c" into "a.b" and "c"). A pattern that is
// only a container ("samples" or "samples/") matches every blob in it.
#ifndef PYFN_HOST_STORAGE_BLOB_PATH_H_
#define PYFN_HOST_STORAGE_BLOB_PATH_H_

#include <map>
#include <string>
#include <vector>

#include "host/storage/status.h"

namespace pyfn {
namespace storage {

class BlobPathPattern {
 public:
  // InvalidArgument naming the pattern when the container is missing or has
  // a parameter, a brace is unbalanced, two parameters touch ("{a}{b}"), or
  // a name repeats.
  static Status Parse(const std::string& pattern, BlobPathPattern* out);

  const std::string& pattern() const { return pattern_; }
  const std::string& container() const { return container_; }
  // The literal start of the blob name (before the first parameter): the
  // prefix to list with.
  std::string blob_prefix() const;
  // Parameter names in order.
  std::vector<std::string> parameters() const;

  // True when blob_name (in container()) matches; *captures (optional)
  // receives each parameter's text.
  bool Match(const std::string& blob_name,
             std::map<std::string, std::string>* captures = nullptr) const;
  // Same with a "container/blob" path.
  bool MatchPath(const std::string& path,
                 std::map<std::string, std::string>* captures = nullptr) const;

 private:
  struct Part {
    bool parameter;
    std::string text;  // literal text or parameter name
  };
  bool MatchFrom(size_t part, const std::string& s, size_t pos,
                 std::map<std::string, std::string>* captures) const;

  std::string pattern_;
  std::string container_;
  std::vector<Part> parts_;
};

}  // namespace storage
}  // namespace pyfn

#endif  // PYFN_HOST_STORAGE_BLOB_PATH_H_
