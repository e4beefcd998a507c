# VideoMock: `make run` serves on 127.0.0.1:8080, `make test` runs every test.
SHELL := /bin/bash
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= swift
HOST ?= 127.0.0.1
PORT ?= 8080
SCENARIO ?= scenarios/happy-path.yaml
ARGS ?=

.PHONY: run install test-ui dist dist-env wheel test-dist image-rootfs image test-image test test-external test-load test-media python-env python-test lint bench-instructions test-tsan test-asan fuzz build deps fixtures bench clean

# libevent, OpenSSL and zlib (and pkg-config to find them) from the system's packages, when missing.
deps:
	@if ! pkg-config --exists libevent libevent_pthreads libevent_openssl openssl zlib 2>/dev/null; then \
	  echo "installing libevent-dev, libssl-dev and zlib1g-dev"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq pkg-config libevent-dev libssl-dev zlib1g-dev >/dev/null; \
	fi

# Release, self-contained: the Swift runtime, libevent, OpenSSL, zlib and libstdc++ linked in, so
# that the binary needs only glibc and libgcc_s (the upstream client's libraries are linked by
# name too, and found as the archives linked into the same folder; so is libstdc++, through a
# linker script there that names its archive, when the compiler has one: the shared library's
# pages touched at start cost 0.7 MB of idle RSS, the few members linked in far less). The package links libevent by name (-levent) from the folder
# pkg-config names; copies of libevent's .pc files name a folder that holds only its static
# archives, so that the name is the archive; arc4random, which that libevent takes from glibc 2.36,
# comes from Scripts/glibc-compat instead, keeping the glibc floor at 2.35. The static Foundation that Yams brings carries a
# linker warning about mktemp (in its atomic file-write helper, which the server never uses);
# that one line is dropped, every other warning is shown. The executable is linked at a fixed
# address (-no-pie): a position-independent one carries 2.4 MB of relocations that the loader
# reads and applies at every start (measured: 1.7 ms of start-up and 2.2 MB of idle RSS), and a
# local test double gains nothing from its code's addresses being random.
STATIC_LIBS = $(CURDIR)/.build/static-libs
build: deps
	@libdir=$$(pkg-config --variable=libdir libevent); mkdir -p $(STATIC_LIBS)/pkgconfig; \
	  for lib in event event_pthreads; do \
	    ln -sf $$libdir/lib$$lib.a $(STATIC_LIBS)/lib$$lib.a; \
	    sed "s|^libdir=.*|libdir=$(STATIC_LIBS)|" $$(pkg-config --variable=pcfiledir lib$$lib)/lib$$lib.pc > $(STATIC_LIBS)/pkgconfig/lib$$lib.pc; \
	  done; \
	  for lib in event_openssl ssl crypto z; do \
	    ln -sf $$(pkg-config --variable=libdir $$( [ $$lib = z ] && echo zlib || echo lib$$lib ))/lib$$lib.a $(STATIC_LIBS)/lib$$lib.a; \
	  done
	cc -O2 -c Scripts/glibc-compat/arc4random.c -o $(STATIC_LIBS)/arc4random.o
	@archive=$$(cc -print-file-name=libstdc++.a); rm -f $(STATIC_LIBS)/libstdc++.so; \
	  if [ -f "$$archive" ]; then echo "INPUT($$archive)" > $(STATIC_LIBS)/libstdc++.so; fi
	set -o pipefail; PKG_CONFIG_PATH=$(STATIC_LIBS)/pkgconfig $(SWIFT) build -c release --product videomock --static-swift-stdlib -Xlinker -no-pie \
	  -Xlinker $(STATIC_LIBS)/arc4random.o 2>&1 | grep -v "the use of \`mktemp' is dangerous"

run: build
	.build/release/videomock serve --host $(HOST) --port $(PORT) --scenario $(SCENARIO) $(ARGS)

# The stripped binary and its share/ in dist/videomock-VERSION-linux-x86_64.tar.gz, its debug info
# beside it, and dist/SHA256SUMS.
dist: build
	Scripts/dist.sh .build/release/videomock

# The Python wheel carrying that binary (manylinux, the tag auditwheel confirms), and the pure one.
DIST_VENV = .venv-dist
dist-env:
	@[ -x $(DIST_VENV)/bin/auditwheel ] || { echo "installing build, auditwheel and twine into $(DIST_VENV)"; \
	  python3 -m venv $(DIST_VENV) && $(DIST_VENV)/bin/pip install -q build 'setuptools>=77' wheel auditwheel twine; }

wheel: dist dist-env
	Scripts/wheel.sh $(DIST_VENV)/bin/python .build/dist/videomock

# The archive and the wheels where Swift and libevent are absent (see the script).
test-dist: wheel
	Scripts/test-dist.sh $(DIST_VENV)/bin/python

# The container image's root file system, the image built from it by podman or buildah when one
# works here, and the root file system run as the image would be, under chroot.
IMAGE_ROOT = .build/image
image-rootfs: dist
	Scripts/image-rootfs.sh .build/dist/videomock $(IMAGE_ROOT)/rootfs

image: image-rootfs
	@cp Containerfile $(IMAGE_ROOT)/Containerfile; version=$$(.build/dist/videomock --version); \
	if command -v podman >/dev/null && podman info >/dev/null 2>&1; then \
	  podman build --format docker -t videomock:$$version -t videomock:latest $(IMAGE_ROOT); \
	elif command -v buildah >/dev/null && buildah info >/dev/null 2>&1; then \
	  buildah build --format docker -t videomock:$$version -t videomock:latest $(IMAGE_ROOT); \
	elif command -v docker >/dev/null && docker info >/dev/null 2>&1; then \
	  docker build -t videomock:$$version -t videomock:latest $(IMAGE_ROOT); \
	else \
	  echo "make image: no working podman, buildah or docker engine here (apt-get install podman)"; exit 1; \
	fi

test-image: image-rootfs
	@command -v openssl >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openssl >/dev/null; }
	Scripts/test-image.sh $(IMAGE_ROOT)/rootfs

# The dashboard and the HTML report in headless Chromium (Debian's chromium and chromium-driver,
# selenium from PyPI, no browser download: SE_OFFLINE); its screenshots land in docs/.
UI_VENV = .venv-ui
test-ui: build
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { echo "installing chromium and chromium-driver"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null; }
	@[ -x $(UI_VENV)/bin/pytest ] || { echo "installing selenium into $(UI_VENV)"; \
	  python3 -m venv $(UI_VENV) && $(UI_VENV)/bin/pip install -q -e python pytest selenium openai; }
	SE_OFFLINE=true VIDEOMOCK_BINARY=$(CURDIR)/.build/release/videomock $(UI_VENV)/bin/python -m pytest Tests/UI -q -p no:cacheprovider \
	  -W ignore::DeprecationWarning

# The binary and its fixtures under PREFIX (bin/ and share/videomock/), served from any directory.
PREFIX ?= /usr/local
install: build
	Scripts/install.sh .build/release/videomock "$(PREFIX)"

# Every test, from one debug build that gives both the tests and the binary they start, while the
# Python packages install. Tests of everything above the wire run in router mode (no socket);
# beside them, the Python package and pytest plugin run their suite on two workers. The slow suites have
# targets of their own, which CI runs: test-load (100,000 creates, key churn), test-external (a
# package outside this one), test-media, test-tsan/test-asan and fuzz.
DEBUG_BINARY = $(CURDIR)/.build/debug/videomock
# Line tables only (enough for a backtrace with lines): a shorter debug build.
TEST_BUILD = $(SWIFT) build --build-tests -Xswiftc -gline-tables-only
test: deps
	@$(MAKE) --no-print-directory python-env > .python-env.log 2>&1 & echo $$! > .python-env.pid
	$(TEST_BUILD)
	@while kill -0 $$(cat .python-env.pid) 2>/dev/null; do sleep 0.2; done; cat .python-env.log; rm -f .python-env.pid .python-env.log
	@( VIDEOMOCK_BINARY=$(DEBUG_BINARY) $(VENV)/bin/python -m pytest python/tests -q -p no:cacheprovider -n 2 > .pytest.log 2>&1; \
	  echo $$? > .pytest.status ) & echo $$! > .pytest.pid
	VIDEOMOCK_BINARY=$(DEBUG_BINARY) VIDEOMOCK_CUTS=2000 $(SWIFT) test --skip-build --disable-xctest --skip 'LoadTests|ChurnTests'
	@while kill -0 $$(cat .pytest.pid) 2>/dev/null; do sleep 0.2; done; echo "== pytest python/tests"; cat .pytest.log; \
	  status=$$(cat .pytest.status); rm -f .pytest.pid .pytest.log .pytest.status; [ "$$status" = 0 ]

# A package outside this one (Tests/ExternalPackage) builds and tests a client through
# VideoMockTesting, as a user's package would.
test-external: deps
	$(SWIFT) test --package-path Tests/ExternalPackage --disable-xctest --no-parallel

# The load test at full size (100,000 creates from 64 connections), the key-churn test (memory
# must level off) and a 50 MB download through the recording proxy to a 1 MB/s client (its memory
# must stay flat) against the release binary, their clients optimized too (a separate build, in
# .build-load).
test-load: build
	$(SWIFT) build -c release --build-tests -Xswiftc -enable-testing --scratch-path .build-load
	VIDEOMOCK_BINARY=$(CURDIR)/.build/release/videomock VIDEOMOCK_CHURN=1 $(SWIFT) test -c release --skip-build --disable-xctest \
	  --scratch-path .build-load --filter 'LoadTests|ChurnTests|DisconnectTests'
	python3 Tests/Load/proxy_slow_client.py $(CURDIR)/.build/release/videomock

# The Python package and pytest plugin (python/), in a virtual environment with pytest,
# pytest-xdist and the openai SDK from PyPI.
VENV = .venv-test
# uv (from PyPI) installs them in a third of pip's time, which matters while the Swift build runs.
python-env:
	@[ -x $(VENV)/bin/pytest ] || { echo "installing python/ into $(VENV)"; \
	  [ -x .venv-uv/bin/uv ] || { python3 -m venv .venv-uv && .venv-uv/bin/pip install -q --no-compile uv; }; \
	  .venv-uv/bin/uv venv -q $(VENV) && VIRTUAL_ENV=$(CURDIR)/$(VENV) .venv-uv/bin/uv pip install -q -e 'python[test]'; }

python-test: build python-env
	VIDEOMOCK_BINARY=$(CURDIR)/.build/release/videomock $(VENV)/bin/python -m pytest python/tests -q -p no:cacheprovider

# Formatting as .swift-format states it (swift-format ships with the toolchain), and no line
# over 140 characters, string literals included.
SWIFT_FILES = $(shell find Package.swift Sources Tests -name '*.swift' -not -path '*/.build*')
lint:
	@$(SWIFT) format lint --strict --parallel $(SWIFT_FILES)
	@long=$$(awk 'length > 140 { print FILENAME ":" FNR }' $(SWIFT_FILES)); \
	  if [ -n "$$long" ]; then echo "lines over 140 characters:"; echo "$$long"; exit 1; fi
	@echo "lint: $(words $(SWIFT_FILES)) Swift files formatted as .swift-format says"

# The concurrency tests under ThreadSanitizer (the server they start is instrumented too),
# then everything else under AddressSanitizer.
CONCURRENCY_TESTS = TaskStoreTests|ScenarioRuleTests|LoadTests|FaultTests|DisconnectTests|AIHubMixEndpointsTests
test-tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	VIDEOMOCK_SANITIZER=Thread VIDEOMOCK_LOAD_CREATES=5000 $(SWIFT) test --skip-build --sanitize=thread --scratch-path .build-tsan \
	  --filter '$(CONCURRENCY_TESTS)'
	$(MAKE) --no-print-directory test-asan

test-asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/lsan-suppressions.txt VIDEOMOCK_SANITIZER=Address VIDEOMOCK_LOAD_CREATES=5000 \
	  $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan --skip '$(CONCURRENCY_TESTS)'

# Schemathesis, from PyPI into .venv-fuzz, against the served OpenAPI document.
fuzz: build
	Tests/Fuzz/run.sh

# VideoMock side by side with nginx (installs nginx, wrk and hyperfine when missing).
bench: deps
	Benchmarks/run.sh

# Instructions per request and per stage, counted by callgrind (installs valgrind when missing);
# fails when a kind of request is over its budget in Benchmarks/budgets.json (CI runs it).
bench-instructions: deps
	Benchmarks/instructions.sh --profile --budgets Benchmarks/budgets.json

# Every video of the media matrix (each listed size, duration and provider) and the corrupt one,
# also through ffprobe and a full ffmpeg decode (installs ffmpeg when missing).
test-media: deps
	@command -v ffmpeg >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq ffmpeg >/dev/null; }
	$(TEST_BUILD)
	VIDEOMOCK_MEDIA_CHECK=ffmpeg $(SWIFT) test --skip-build --disable-xctest --filter 'MediaMatrixTests|DownloadFaultTests'

# Re-encodes Fixtures/media with ffmpeg: the frames of every size the catalogs list (only needed
# when a catalog gains a size; Fixtures/make-fixtures.sh WxH adds one).
fixtures:
	@command -v ffmpeg >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq ffmpeg >/dev/null; }
	Fixtures/make-fixtures.sh

clean:
	rm -rf .build
