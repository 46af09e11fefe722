# narrate — the two commands a fresh machine needs:
#   make demo   installs what is missing, builds, and renders the example interview
#   make test   installs what is missing and runs every test (what CI runs)

CARGO  ?= cargo
NARRATE = target/release/narrate
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test setup build

demo: setup build
	$(NARRATE) voices
	$(NARRATE) build examples/interview-en.md --out output

build:
	$(CARGO) build --release --locked

test: setup
	$(CARGO) test --release --locked

# System packages the engines run: espeak-ng (Debian).
setup:
	@command -v espeak-ng >/dev/null 2>&1 || { \
	  echo "installing espeak-ng (apt-get)"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends espeak-ng; }
