#include "host/storage/blob_path.h"

#include <set>

namespace pyfn {
namespace storage {

Status BlobPathPattern::Parse(const std::string& pattern, BlobPathPattern* out) {
  auto bad = [&](const std::string& what) {
    return Status::InvalidArgument("blob path '" + pattern + "': " + what);
  };
  BlobPathPattern p;
  p.pattern_ = pattern;
  size_t slash = pattern.find('/');
  p.container_ = pattern.substr(0, slash);
  if (p.container_.empty()) return bad("no container name");
  if (p.container_.find_first_of("{}%") != std::string::npos) {
    return bad("the container name must be literal");
  }
  std::string rest = slash == std::string::npos ? std::string() : pattern.substr(slash + 1);
  std::set<std::string> seen;
  std::string literal;
  size_t i = 0;
  while (i < rest.size()) {
    char c = rest[i];
    if ((c == '{' || c == '}') && i + 1 < rest.size() && rest[i + 1] == c) {
      literal += c;
      i += 2;
      continue;
    }
    if (c == '}') return bad("'}' without its '{'");
    if (c != '{') {
      literal += c;
      ++i;
      continue;
    }
    size_t e = rest.find('}', i + 1);
    if (e == std::string::npos) return bad("'{' without its '}'");
    std::string name = rest.substr(i + 1, e - i - 1);
    if (name.empty() || name.find('{') != std::string::npos) return bad("bad parameter");
    if (!literal.empty()) {
      p.parts_.push_back({false, literal});
      literal.clear();
    } else if (!p.parts_.empty() && p.parts_.back().parameter) {
      return bad("parameters {" + p.parts_.back().text + "} and {" + name +
                 "} need literal text between them");
    }
    if (!seen.insert(name).second) return bad("parameter {" + name + "} appears twice");
    p.parts_.push_back({true, name});
    i = e + 1;
  }
  if (!literal.empty()) p.parts_.push_back({false, literal});
  *out = std::move(p);
  return Status::OK();
}

std::string BlobPathPattern::blob_prefix() const {
  return !parts_.empty() && !parts_[0].parameter ? parts_[0].text : std::string();
}

std::vector<std::string> BlobPathPattern::parameters() const {
  std::vector<std::string> names;
  for (const auto& p : parts_) {
    if (p.parameter) names.push_back(p.text);
  }
  return names;
}

bool BlobPathPattern::MatchFrom(size_t part, const std::string& s, size_t pos,
                                std::map<std::string, std::string>* captures) const {
  if (part == parts_.size()) return pos == s.size();
  const Part& p = parts_[part];
  if (!p.parameter) {
    if (s.compare(pos, p.text.size(), p.text) != 0) return false;
    return MatchFrom(part + 1, s, pos + p.text.size(), captures);
  }
  // Longest capture first; at least one character.
  for (size_t end = s.size(); end > pos; --end) {
    if (MatchFrom(part + 1, s, end, captures)) {
      if (captures) (*captures)[p.text] = s.substr(pos, end - pos);
      return true;
    }
  }
  return false;
}

bool BlobPathPattern::Match(const std::string& blob_name,
                            std::map<std::string, std::string>* captures) const {
  if (captures) captures->clear();
  if (parts_.empty()) return !blob_name.empty();
  return MatchFrom(0, blob_name, 0, captures);
}

bool BlobPathPattern::MatchPath(const std::string& path,
                                std::map<std::string, std::string>* captures) const {
  size_t slash = path.find('/');
  if (slash == std::string::npos || path.substr(0, slash) != container_) return false;
  return Match(path.substr(slash + 1), captures);
}

}  // namespace storage
}  // namespace pyfn
