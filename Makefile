# pyfn: thin entry points. The work happens in CMake, scripts/ and tests/.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

OUT        ?= out
BUILD_DIR  ?= $(OUT)/build
BUILD_TYPE ?= RelWithDebInfo
JOBS       ?= $(shell nproc)
APP        ?= examples/hello
PORT       ?= 7071
CELL       ?= python311-bookworm

.PHONY: deps build run test test-unit test-python test-native test-images test-image \
        images image images-arm64 image-arm64 test-image-arm64 sbom-validate release \
        verify-reproducible test-scale test-k8s lint bench soak fuzz asan clean

deps: ## install every Debian package (and npm tool) the build, tests and benchmarks need
	./scripts/deps.sh

build: ## compile pyfn-host and pyfn-worker into out/bin (and the Python side into out/lib)
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null
	cmake --build $(BUILD_DIR) -j $(JOBS)
	cmake --install $(BUILD_DIR) --prefix $(abspath $(OUT)) >/dev/null
	@echo "built: $(OUT)/bin/pyfn-host $(OUT)/bin/pyfn-worker"

run: deps build ## serve APP (default examples/hello) on PORT, like `func start`
	$(OUT)/bin/pyfn-host --script-root $(APP) --port $(PORT)

test: deps build ## everything CI runs: lint, unit, library, native end-to-end, the image cell(s), a short scale run
	./scripts/test.sh

lint: ## shellcheck, pyflakes, behaviour rows cited, references outside the repository, clang -Wthread-safety, clang-tidy (after `make build`)
	./scripts/lint.sh

test-unit: build ## GoogleTest suites of host and worker
	./scripts/test.sh unit

test-python: ## pytest suite of the azure.functions library
	./scripts/test.sh python

test-native: build ## bats suite against out/bin
	./scripts/test.sh native

images: ## build every default cell of docker-bake.hcl, slim and full (docker buildx bake, or podman)
	./scripts/build-images.sh default

image: ## build one cell, both variants: make image CELL=python311-bookworm
	./scripts/build-images.sh --cell $(CELL)

images-arm64: ## linux/arm64 images of every default cell (cross-compiled, emulated runtime stages) + multi-arch manifest lists
	./scripts/build-images.sh --arm64

image-arm64: ## one cell for linux/arm64, both variants: make image-arm64 CELL=python311-bookworm
	./scripts/build-images.sh --arm64 --cell $(CELL)

# CELL given (command line or environment): that cell; else every default cell.
verify-reproducible: ## build every default cell (or CELL=...) twice without cache and compare image digests
	./scripts/verify-reproducible.sh $(if $(filter command line environment,$(origin CELL)),$(CELL))

test-images: ## bats suite in every cell of the bake matrix (tests/matrix.conf; builds missing images)
	./scripts/test-images.sh

test-image: ## bats suite in one cell: make test-image CELL=python311-bookworm
	./scripts/test-images.sh $(CELL)

test-image-arm64: ## the arm64 images of CELL under emulation: hello, image, storage-blob (TEST_ARM64_FILES)
	PYFN_ARCH=arm64 ./scripts/test-images.sh $(CELL)

sbom-validate: ## every SBOM in out/images/*.cdx.json against the CycloneDX schema
	node tests/helpers/validate-sbom.mjs $(OUT)/images/*.cdx.json

test-scale: ## replicas of the slim CELL image behind HAProxy go 1 -> 3 -> 1 under load -> out/scale/ (SCALE_ARGS)
	./scripts/test-scale.sh $(CELL) $(SCALE_ARGS)

test-k8s: ## pyfn-k8s manifests of tests/apps/scale (+ Azurite, KEDA scale from zero) on the current kubeconfig's cluster; skipped without one
	./scripts/test-k8s.sh

release: ## the build the images ship (Release, gRPC static in pyfn-host, no tests) into $(OUT)/release
	cmake -S . -B $(OUT)/release/build -DCMAKE_BUILD_TYPE=Release -DPYFN_BUILD_TESTS=OFF \
	  -DPYFN_HOST_STATIC_GRPC=ON >/dev/null
	cmake --build $(OUT)/release/build -j $(JOBS)
	cmake --install $(OUT)/release/build --prefix $(abspath $(OUT))/release >/dev/null

bench: build release ## throughput, latency, cold start, memory of the release build; callgrind breakdown of `make build`'s -> out/bench/results.json
	/usr/bin/python3 bench/bench.py --prefix $(OUT)/release $(BENCH_ARGS)

soak: build ## 10 minutes of load on the host: RSS over time and errors, then 30 s of load beside bad bytes -> out/soak/ (SOAK_SECONDS)
	./scripts/soak.sh
	./tests/fuzz/bad_bytes_under_load.sh

fuzz: ## libFuzzer (clang) on the HTTP request path and the worker stream (FUZZ_SECONDS each), then end-to-end drivers on out/bin (FUZZ_E2E_SECONDS)
	./scripts/fuzz.sh

asan: ## unit tests and a native bats subset under ASan+UBSan (out/build-asan)
	./scripts/asan.sh

clean:
	rm -rf $(OUT)
