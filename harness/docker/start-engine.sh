#!/usr/bin/env bash
# Makes sure a Docker engine answers that planproof's `docker` backend can use.
#
# planproof talks to the engine through testcontainers 0.27, which speaks Docker Engine API
# 1.52 (Docker 29+; Podman accepts it too). This script:
#
# - does nothing when an engine already answers at DOCKER_HOST (or /var/run/docker.sock) and
#   accepts API 1.52;
# - when one answers but is older (Debian 12's docker.io is 20.10, API 1.41), and it runs as
#   root, starts harness/docker/api-adapter.py in front of it on /run/planproof/docker.sock and
#   prints `DOCKER_HOST=unix:///run/planproof/docker.sock` on stdout for the caller to export;
# - when none answers, and it runs as root on a Debian/Ubuntu machine (CI, a fresh VM), installs
#   `docker.io` with apt-get if `dockerd` is missing, starts `dockerd` on
#   /run/planproof/dockerd.sock with the adapter in front of it on /var/run/docker.sock (so
#   every client finds it at the default place), and waits until `docker info` answers.
#
# The daemons it starts keep running after it exits (later runs on the same machine find them
# up); their output goes to $PLANPROOF_DOCKERD_LOG (default /var/log/planproof-dockerd.log).
# Exit status 0 when a usable engine answers, 2 when none could be made to.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
log="${PLANPROOF_DOCKERD_LOG:-/var/log/planproof-dockerd.log}"
required_api=1.52
rundir=/run/planproof

say() { echo "planproof: $*" >&2; }
answers() { docker info >/dev/null 2>&1; }
engine_api() { docker version --format '{{.Server.APIVersion}}' 2>/dev/null; }
# True when version $1 is at least $2.
at_least() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -n 1)" = "$2" ]; }

start_adapter() { # listen engine
  if ! command -v python3 >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-minimal >/dev/null
  fi
  # A socket left by an adapter that is gone would look like one that is up.
  if [ -S "$1" ] && ! DOCKER_HOST="unix://$1" answers; then rm -f "$1"; fi
  setsid /usr/bin/env python3 "$here/api-adapter.py" --listen "$1" --engine "$2" >>"$log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do
    DOCKER_HOST="unix://$1" answers && return 0
    sleep 0.1
  done
  say "the API adapter did not start; last lines of $log:"
  tail -n 20 "$log" >&2
  exit 2
}

if ! command -v docker >/dev/null 2>&1 && [ "$(id -u)" -ne 0 ]; then
  say "no \`docker\` command and not root: install Docker (or Podman with DOCKER_HOST set)"
  exit 2
fi
mkdir -p "$(dirname "$log")" 2>/dev/null || true

if command -v docker >/dev/null 2>&1 && answers; then
  api="$(engine_api)"
  if at_least "$api" "$required_api"; then
    exit 0
  fi
  # Podman reports an old API version but accepts the new one: ask it directly.
  if docker version 2>/dev/null | grep -qi podman; then
    exit 0
  fi
  if [ "$(id -u)" -ne 0 ]; then
    say "the Docker engine speaks API $api, testcontainers needs $required_api (Docker 29+); run this script as root to put harness/docker/api-adapter.py in front of it"
    exit 2
  fi
  engine="${DOCKER_HOST:-unix:///var/run/docker.sock}"
  case "$engine" in
    unix://*) engine="${engine#unix://}" ;;
    *) say "the engine at $engine speaks API $api, testcontainers needs $required_api; the adapter only serves Unix sockets"; exit 2 ;;
  esac
  mkdir -p "$rundir"
  if [ "$engine" != "$rundir/docker.sock" ]; then
    if ! [ -S "$rundir/docker.sock" ] || ! DOCKER_HOST="unix://$rundir/docker.sock" answers; then
      say "the engine at $engine speaks API $api; starting the API adapter on $rundir/docker.sock"
      start_adapter "$rundir/docker.sock" "$engine"
    fi
    echo "DOCKER_HOST=unix://$rundir/docker.sock"
  fi
  exit 0
fi

if [ -n "${DOCKER_HOST:-}" ]; then
  say "DOCKER_HOST=$DOCKER_HOST is set but no engine answers there; not starting one"
  exit 2
fi
if [ "$(id -u)" -ne 0 ]; then
  say "no Docker engine answers, and starting one needs root (start Docker, or set DOCKER_HOST)"
  exit 2
fi
if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
  if ! command -v apt-get >/dev/null 2>&1; then
    say "no Docker engine, and no apt-get to install docker.io with"
    exit 2
  fi
  say "installing docker.io"
  env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

mkdir -p "$rundir"
if DOCKER_HOST="unix://$rundir/dockerd.sock" answers; then
  # A dockerd this script started earlier still runs; only its adapter is gone.
  start_adapter /var/run/docker.sock "$rundir/dockerd.sock"
  say "dockerd is up, reached through the API adapter at /var/run/docker.sock"
  exit 0
fi
say "starting dockerd (log: $log)"
# setsid: the daemon must outlive this script and the CI step that ran it, and must not get
# the terminal's Ctrl-C.
setsid dockerd -H "unix://$rundir/dockerd.sock" --pidfile "$rundir/dockerd.pid" >>"$log" 2>&1 </dev/null &
pid=$!
for _ in $(seq 1 60); do
  if DOCKER_HOST="unix://$rundir/dockerd.sock" answers; then
    break
  fi
  if ! kill -0 "$pid" 2>/dev/null; then
    say "dockerd exited; last lines of $log:"
    tail -n 20 "$log" >&2
    exit 2
  fi
  sleep 1
done
DOCKER_HOST="unix://$rundir/dockerd.sock" answers || { say "dockerd did not answer within 60s; last lines of $log:"; tail -n 20 "$log" >&2; exit 2; }
start_adapter /var/run/docker.sock "$rundir/dockerd.sock"
if answers; then
  say "dockerd (pid $pid) is up, API $(engine_api), reached through the API adapter at /var/run/docker.sock"
  exit 0
fi
say "the engine does not answer through the API adapter; last lines of $log:"
tail -n 20 "$log" >&2
exit 2
