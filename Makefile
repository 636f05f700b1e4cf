# planproof — the two commands a new user runs, and a few more.
#   make report   run every scenario in scenarios/, write reports/ (results.json, summary.md, junit.xml, report.html)
#   make test     the test suite: unit tests, offline plan tests, one test per scenario
#   make noisy    the reference scenarios beside a CPU and an I/O hog: verdicts must hold
#   make soak-interrupts   runs interrupted at random moments, per backend: nothing may be left
#   make install  `planproof` on PATH (cargo install --locked --path harness)

CARGO ?= cargo
SCENARIOS ?= scenarios
REPORT_DIR ?= reports

.PHONY: all report test install lint bench bench-seed noisy soak-interrupts validate deps build fmt clean

all: test

# Installs what the project needs on a fresh machine (PostgreSQL server binaries for the
# local backend; Alembic, Django and psycopg in target/planproof-venv for the scenarios whose
# migrations those tools run). Each part is skipped when it is already there.
deps:
	@harness/scripts/install-deps.sh

build: deps
	$(CARGO) build --workspace --all-targets

# The build first, with cargo's progress (the first one takes minutes), then the run.
report: deps
	$(CARGO) build -p planproof
	@$(CARGO) run --quiet -p planproof -- run $(SCENARIOS) --report-dir $(REPORT_DIR); \
	  status=$$?; echo "planproof exited $$status; reports in $(REPORT_DIR)/"; \
	  [ $$status -eq 0 ] || [ $$status -eq 3 ] || exit $$status

test: deps
	$(CARGO) test --workspace

# `planproof` on PATH (in ~/.cargo/bin), built in release from this checkout with its lock file.
install:
	$(CARGO) install --locked --path harness

# criterion benchmarks: the reference lookups before/after their migration, and planproof's
# own hot paths; reports in target/criterion/.
bench: deps
	$(CARGO) bench -p planproof

# Seeding against `pgbench -i -s 10` on one throwaway server, alternating (a release build):
# rows/s of both and the ratio, then the cost per row at BENCH_SCALES and planproof's peak RSS.
BENCH_PAIRS ?= 3
BENCH_SCALES ?= 100000 1000000 10000000
bench-seed: deps
	harness/scripts/bench-seed.sh $(BENCH_PAIRS) "$(BENCH_SCALES)"

# The noisy-neighbour bench (not part of `make test`: it takes six runs of every scenario):
# the reference scenarios once quietly, then NOISY_RUNS times beside two busy-loop processes
# and an I/O hog; fails when a busy run exits 1 or 2, when verdicts differ between busy runs,
# or when a scenario fails that passes quietly. NOISY_BACKEND=docker for the Docker backend.
NOISY_RUNS ?= 5
NOISY_BACKEND ?= local
noisy: deps
	harness/scripts/noisy-neighbour.sh $(NOISY_RUNS) $(NOISY_BACKEND) $(SCENARIOS)

# The interrupt soak (not part of `make test`: about 20 s a run): SOAK_RUNS runs per backend of
# a real scenario, each sent SIGINT or SIGTERM at a random moment of the run; fails when one does
# not exit 130 with `planproof: interrupted, …` and no verdict, or leaves a process, folder, run
# record, container or `planproof_*` database behind. `url` runs on a throwaway cluster the
# script starts on 127.0.0.1; `docker` is skipped when no engine answers.
SOAK_RUNS ?= 20
SOAK_BACKENDS ?= local docker url
soak-interrupts: deps
	$(CARGO) build -p planproof
	PLANPROOF=target/debug/planproof harness/scripts/interrupt-soak.sh $(SOAK_RUNS) $(SOAK_BACKENDS)

validate:
	$(CARGO) run --quiet -p planproof -- validate $(SCENARIOS)

# The house style as a gate, run by CI before the tests: formatting (rustfmt.toml) and clippy
# with the workspace lints of Cargo.toml, every warning an error.
lint:
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

fmt:
	$(CARGO) fmt --all

clean:
	$(CARGO) clean
	rm -f $(REPORT_DIR)/results.json $(REPORT_DIR)/summary.md $(REPORT_DIR)/junit.xml $(REPORT_DIR)/report.html
