#!/usr/bin/env bash
# Makes sure this machine has what planproof's tests and reports need: PostgreSQL server
# binaries (initdb, pg_ctl, postgres) for the local backend, and the Python migration tools
# (Alembic, Django) the reference scenarios run, in target/planproof-venv
# (install-python-tools.sh), Node.js for the CI scripts' tests, and headless Chromium for the
# HTML report's browser test. Each part does nothing when
# what it installs is already there; the PostgreSQL part also when DATABASE_URL is set.
set -euo pipefail

"$(dirname "$0")/install-python-tools.sh"

# Node.js runs the CI action's scripts and their tests (harness/ci/github/test/, run by the
# gate tests); Debian's package is enough (`node --test`).
if ! command -v node >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "planproof: node not found; installing Debian's nodejs for the CI scripts' tests" >&2
  NODE_SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then NODE_SUDO="sudo"; fi
  $NODE_SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
  $NODE_SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nodejs \
    || echo "planproof: could not install nodejs; the CI scripts' tests will fail when CI is set" >&2
fi

# Headless Chromium loads report.html in its browser test (tests/integration/html_browser.rs);
# Debian's chromium and chromium-driver, nothing from npm.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "planproof: chromium not found; installing Debian's chromium for the HTML report's browser test" >&2
  CHROMIUM_SUDO=""
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then CHROMIUM_SUDO="sudo"; fi
  $CHROMIUM_SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
  $CHROMIUM_SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver \
    || echo "planproof: could not install chromium; the HTML report's browser test will fail when CI is set" >&2
fi

have_binaries() {
  if [ -n "${PLANPROOF_PG_BIN:-}" ] && [ -x "$PLANPROOF_PG_BIN/initdb" ]; then return 0; fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then return 0; fi
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && return 0
  done
  return 1
}

if [ -n "${DATABASE_URL:-}" ] || have_binaries; then
  exit 0
fi

echo "planproof: PostgreSQL server binaries not found; installing them" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "planproof: need root (or sudo) to install postgresql; or set DATABASE_URL / PLANPROOF_PG_BIN" >&2
    exit 2
  fi
fi
if command -v apt-get >/dev/null 2>&1; then
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # The server package without starting a system-wide cluster: planproof makes its own.
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql-common
  echo "create_main_cluster = false" | $SUDO tee -a /etc/postgresql-common/createcluster.conf >/dev/null || true
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
elif command -v dnf >/dev/null 2>&1; then
  $SUDO dnf install -y postgresql-server
elif command -v brew >/dev/null 2>&1; then
  brew install postgresql
else
  echo "planproof: cannot install PostgreSQL on this system; install its server binaries or set DATABASE_URL" >&2
  exit 2
fi
have_binaries || { echo "planproof: PostgreSQL still not found after installing" >&2; exit 2; }
