// A main() for the fuzz targets when libFuzzer is not there (GCC builds,
// CTest): runs every file or directory given, then mutates those inputs at
// random for PYFN_FUZZ_SECONDS (default 10) seconds. `make fuzz` links the
// same targets with libFuzzer instead for the long, coverage-guided runs.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>
#include <chrono>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
  std::vector<std::string> corpus;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path p(argv[i]);
    std::vector<std::filesystem::path> files;
    if (std::filesystem::is_directory(p)) {
      for (auto& e : std::filesystem::directory_iterator(p)) files.push_back(e.path());
    } else {
      files.push_back(p);
    }
    for (auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      corpus.push_back(ss.str());
    }
  }
  for (auto& c : corpus) LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(c.data()), c.size());
  if (corpus.empty()) corpus.emplace_back("");
  const char* s = std::getenv("PYFN_FUZZ_SECONDS");
  int seconds = s ? std::atoi(s) : 10;
  std::mt19937 rng(12345);
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  long long runs = 0;
  while (std::chrono::steady_clock::now() < until) {
    std::string x = corpus[rng() % corpus.size()];
    int edits = 1 + rng() % 8;
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 5) {
        case 0:  // flip a byte
          if (!x.empty()) x[rng() % x.size()] = static_cast<char>(rng());
          break;
        case 1:  // insert bytes
          x.insert(x.empty() ? 0 : rng() % x.size(), std::string(1 + rng() % 8, static_cast<char>(rng())));
          break;
        case 2:  // erase a range
          if (!x.empty()) x.erase(rng() % x.size(), 1 + rng() % 16);
          break;
        case 3:  // splice another input
          x += corpus[rng() % corpus.size()].substr(0, rng() % 256);
          break;
        case 4:  // truncate
          if (!x.empty()) x.resize(rng() % x.size());
          break;
      }
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(x.data()), x.size());
    ++runs;
  }
  std::printf("%lld random runs over %zu seed inputs, no crash\n", runs, corpus.size());
  return 0;
}
