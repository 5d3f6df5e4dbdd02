#include "host/app/process_environment.h"

#include <sys/auxv.h>

#include <cstring>

extern char** environ;

namespace pyfn {

namespace {

void AddEntry(std::string_view entry, Environment* env) {
  size_t eq = entry.find('=');
  if (eq == std::string_view::npos || eq == 0) return;
  env->emplace(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
}

}  // namespace

Environment ParseEnvironBlock(std::string_view block) {
  Environment env;
  while (!block.empty()) {
    size_t end = block.find('\0');
    AddEntry(block.substr(0, end), &env);
    if (end == std::string_view::npos) break;
    block.remove_prefix(end + 1);
  }
  return env;
}

void RestoreLoaderVariables(const Environment& original, Environment* env) {
  for (const char* name : kRestoredLoaderVariables) {
    auto it = original.find(name);
    if (it != original.end()) env->emplace(it->first, it->second);
  }
}

std::string_view SecureExecutionEnvironBlock(int argc, char** argv) {
  if (getauxval(AT_SECURE) == 0 || argc < 1 || argv == nullptr || argv[0] == nullptr) return {};
  const char* start = argv[0];
  for (int i = 0; i < argc; ++i) start += std::strlen(start) + 1;
  // getauxval() hands the AT_EXECFN string's address over as an integer.
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  const char* end = reinterpret_cast<const char*>(getauxval(AT_EXECFN));
  constexpr size_t kMaxBlock = 8 << 20;  // well past ARG_MAX's usual limits
  if (end == nullptr || end < start || static_cast<size_t>(end - start) > kMaxBlock) return {};
  return {start, static_cast<size_t>(end - start)};
}

Environment ProcessEnvironment(std::string_view original_block) {
  Environment env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) AddEntry(*e, &env);
  if (!original_block.empty()) RestoreLoaderVariables(ParseEnvironBlock(original_block), &env);
  return env;
}

}  // namespace pyfn
