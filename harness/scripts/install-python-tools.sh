#!/usr/bin/env bash
# Makes the Python virtual environment with the migration tools the reference scenarios run
# (Alembic, Django, psycopg; pinned in python-tools.txt beside this script) at
# target/planproof-venv, where planproof looks for them. Does nothing when the environment is
# there with the same pins. PLANPROOF_VENV overrides the location.
#
# Needs python3 with the venv module; on Debian/Ubuntu that is the python3-venv package,
# installed here when missing (as root, or with sudo).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
requirements="$here/python-tools.txt"
venv="${PLANPROOF_VENV:-$root/target/planproof-venv}"
stamp="$venv/.planproof-requirements"

if [ -x "$venv/bin/python" ] && cmp -s "$requirements" "$stamp" \
  && "$venv/bin/python" -c 'import alembic, django, psycopg, sqlalchemy' >/dev/null 2>&1; then
  exit 0
fi

sudo_cmd() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else
    echo "planproof: need root (or sudo) to install $*; or set PLANPROOF_PYTHON to a python with alembic, django and psycopg" >&2
    exit 2
  fi
}

python_ok() {
  command -v python3 >/dev/null 2>&1 && python3 -c 'import venv, ensurepip' >/dev/null 2>&1
}

if ! python_ok; then
  echo "planproof: python3 with the venv module not found; installing it" >&2
  if command -v apt-get >/dev/null 2>&1; then
    sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    sudo_cmd env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3 python3-venv
  elif command -v dnf >/dev/null 2>&1; then
    sudo_cmd dnf install -y python3
  else
    echo "planproof: cannot install python3 here; install python3 with its venv module" >&2
    exit 2
  fi
  python_ok || { echo "planproof: python3 -m venv still unavailable after installing" >&2; exit 2; }
fi

echo "planproof: installing the Python migration tools into $venv" >&2
rm -rf "$venv"
mkdir -p "$(dirname "$venv")"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
"$venv/bin/python" -c 'import alembic, django, psycopg, sqlalchemy'
cp "$requirements" "$stamp"
