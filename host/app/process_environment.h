// The host's own environment as the user set it, secure execution included.
//
// pyfn-host in the images carries the file capability cap_net_bind_service (port 80 as
// a non-root user). The kernel then runs it in secure-execution mode (AT_SECURE), and the
// dynamic loader removes the variables it distrusts, LD_LIBRARY_PATH and LD_PRELOAD among
// them, from the environment before main(). Workers start from the host's environment and
// carry no capability of their own, so an app's `LD_LIBRARY_PATH` setting (its own native
// libraries, as on Azure) would silently vanish. ProcessEnvironment() gives such a host its
// environment with those two variables back, read from the original environment strings the
// kernel placed after the argument strings (the loader only takes pointers out of `environ`;
// /proc/self/environ, the same bytes, cannot be opened by such a process). The host itself
// never uses them: it has been loaded already.
#ifndef PYFN_HOST_APP_PROCESS_ENVIRONMENT_H_
#define PYFN_HOST_APP_PROCESS_ENVIRONMENT_H_

#include <string>
#include <string_view>

#include "host/app/app_loader.h"

namespace pyfn {

// The variables a secure-execution start removes that workers get back.
inline constexpr const char* kRestoredLoaderVariables[] = {"LD_LIBRARY_PATH", "LD_PRELOAD"};

// NAME=VALUE entries of a NUL-separated block (/proc/<pid>/environ); entries without '='
// or with an empty name are skipped; the first of repeated names wins, as getenv() finds.
Environment ParseEnvironBlock(std::string_view block);

// Adds to `env` each of kRestoredLoaderVariables that `original` has and `env` lacks.
void RestoreLoaderVariables(const Environment& original, Environment* env);

// The original environment block (NUL-separated, as /proc/self/environ) of a process in
// secure-execution mode, from `argv` as main() received it (before any option parser
// reorders it); empty when the process is not in that mode or the layout is not the
// kernel's (argument strings, then environment strings, then the AT_EXECFN string).
std::string_view SecureExecutionEnvironBlock(int argc, char** argv);

// `environ` as a map, plus the loader variables found in `original_block`
// (SecureExecutionEnvironBlock; empty: nothing added).
Environment ProcessEnvironment(std::string_view original_block);

}  // namespace pyfn

#endif  // PYFN_HOST_APP_PROCESS_ENVIRONMENT_H_
