// Process-wide settings of the libraries the host links, made once at start
// (main.cc, before any thread exists).
//
// TuneLibraries: Abseil (under gRPC) is built by Debian with its debug
// deadlock detector on, which records every lock order in a global graph: a
// few hundred instructions per gRPC mutex lock, dozens of locks per message.
// The host does not rely on it (gRPC's own tests do), so it is switched off.
#ifndef PYFN_HOST_COMMON_RUNTIME_TUNING_H_
#define PYFN_HOST_COMMON_RUNTIME_TUNING_H_

namespace pyfn {

void TuneLibraries();

}  // namespace pyfn

#endif  // PYFN_HOST_COMMON_RUNTIME_TUNING_H_
