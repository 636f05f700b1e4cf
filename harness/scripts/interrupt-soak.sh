#!/usr/bin/env bash
# The interrupt soak: for each backend, RUNS runs of a real scenario (default
# scenarios/factory-api-keys-corrected.toml: a cluster or container, an Alembic migration
# before it, 115000 rows seeded, plans captured, a workload around the migration, down and up
# again; about 10 s), each sent SIGINT (every fourth run SIGTERM) after a random delay spread
# over the run, alternately to planproof alone and to its whole process group as Ctrl-C does
# (a run that ends before its signal is run again with half the delay).
# Each interrupted run must exit 130 with `planproof: interrupted, …` as the last line of
# stderr, print no verdict and write no report, and leave nothing behind: no process whose
# working folder is in the run's temporary folder (a cluster's postgres) or that carries the
# run's environment (a migration tool), no `planproof-*` folder, no run record, no container
# labelled with the run's pid, no `planproof_*` database on the URL server, no session of
# planproof's there, and nothing `planproof clean --dry-run` would remove.
#
# Each backend first runs the scenario once uninterrupted (it must pass and leave nothing
# either); its duration is the span the delays are drawn from. `url` runs against a throwaway
# cluster this script starts on 127.0.0.1 with the initdb/pg_ctl on PATH, as a CREATEDB role
# with a password (not a superuser), and stops at the end. `docker` is skipped, and says so,
# when no Docker engine answers. Records go to a temporary PLANPROOF_STATE_DIR of the soak's
# own. Prints a table per backend (runs, clean exits, leftovers, hangs, the stage each signal
# hit, read from the progress lines on stderr); exits 1 on any leftover, hang or unclean exit.
#
#   harness/scripts/interrupt-soak.sh [RUNS] [BACKEND…]      (default: 20 local docker url)
#   make soak-interrupts [SOAK_RUNS=20] [SOAK_BACKENDS="local docker url"]
#
# Settings (environment): PLANPROOF (the binary, default target/debug/planproof),
# SOAK_SCENARIO, SOAK_SEED (the random delays; printed, so a run can be replayed), SOAK_GRACE
# (seconds an interrupted run may take to exit before it counts as a hang, default 60),
# SOAK_MIN_DELAY_MS (default 20), SOAK_SPAN_MS (the delays' span, instead of the calibration
# run's duration), SOAK_DOCKER_WAIT (seconds to wait for an engine, default 0),
# SOAK_SIGNALS (the signals the runs get in turn, default `INT INT INT TERM`; `KILL` shows that
# the checks do find what a killed run leaves), SOAK_KEEP=1 (keep the logs even when everything
# passed; they are kept on a failure).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${1:-20}
shift || true
if [ "$#" -gt 0 ]; then BACKENDS=("$@"); else BACKENDS=(local docker url); fi
PLANPROOF=${PLANPROOF:-target/debug/planproof}
SCENARIO=${SOAK_SCENARIO:-scenarios/factory-api-keys-corrected.toml}
GRACE=${SOAK_GRACE:-60}
MIN_DELAY_MS=${SOAK_MIN_DELAY_MS:-20}
SEED=${SOAK_SEED:-$$}
read -r -a SIGNALS <<<"${SOAK_SIGNALS:-INT INT INT TERM}"
RANDOM=$SEED

if [ ! -x "$PLANPROOF" ]; then
    echo "soak: no planproof binary at \`$PLANPROOF\` (cargo build -p planproof, or set PLANPROOF)" >&2
    exit 2
fi
[ -f "$SCENARIO" ] || { echo "soak: no scenario \`$SCENARIO\`" >&2; exit 2; }
case "$RUNS" in '' | *[!0-9]*) echo "soak: RUNS must be a number, not \`$RUNS\`" >&2; exit 2 ;; esac

WORK=$(mktemp -d "${TMPDIR:-/tmp}/planproof-soak.XXXXXX")
# The local backend runs its cluster as `postgres` when planproof runs as root: it must be
# able to reach the folders below.
chmod 755 "$WORK"
RUN_TMP="$WORK/tmp" # planproof's TMPDIR: its clusters' folders, and nothing else's
mkdir -p "$RUN_TMP" "$WORK/state"
chmod 1777 "$RUN_TMP"
export PLANPROOF_STATE_DIR="$WORK/state"
# Carried into planproof's environment only, so inherited by what it starts (a migration tool,
# a postmaster) and by nothing of this script's.
MARK="planproof-soak-$$-$RANDOM$RANDOM"
unset DATABASE_URL PGPASSWORD

failed=0 # any leftover, hang or unclean exit
current="" # the pid of the planproof running now
url_data="" url_pid="" url_port="" url_socket=""

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_url_server() {
    if [ -n "$url_data" ] && [ -f "$url_data/postmaster.pid" ]; then
        as_postgres pg_ctl -D "$url_data" -m fast -w stop >/dev/null 2>&1 \
            || { [ -n "$url_pid" ] && kill -TERM "$url_pid" 2>/dev/null; } || true
    fi
    url_data=""
}

finish() {
    local status=$?
    if [ -n "$current" ]; then
        kill -TERM -- "-$current" 2>/dev/null || true
        wait "$current" 2>/dev/null || true
        current=""
    fi
    stop_url_server
    if [ "$failed" -eq 0 ] && [ "$status" -eq 0 ] && [ "${SOAK_KEEP:-0}" != 1 ]; then
        rm -rf "$WORK"
    else
        echo "soak: logs kept in $WORK"
    fi
    exit "$status"
}
trap finish EXIT
trap 'exit 130' INT TERM

psql_admin() {
    psql -X -q -At -h "$url_socket" -p "$url_port" -U postgres -d postgres -c "$1"
}

# A throwaway cluster on 127.0.0.1 for the url backend, and a CREATEDB role with a password.
start_url_server() {
    local bin
    bin=$(command -v pg_ctl) || { echo "soak: url: no pg_ctl on PATH" >&2; return 1; }
    echo "soak: url: starting a throwaway cluster with $(dirname "$bin") ($("$bin" --version))"
    url_socket="$WORK/url"
    url_data="$url_socket/data"
    mkdir -p "$url_socket"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$url_socket"
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then url_port=$port; break; fi
    done
    [ -n "$url_port" ] || { echo "soak: url: no free port" >&2; return 1; }
    as_postgres initdb -D "$url_data" -U postgres -E UTF8 --no-locale \
        --auth-local=trust --auth-host=scram-sha-256 >"$url_socket/initdb.log" 2>&1
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $url_port"
        echo "unix_socket_directories = '$url_socket'"
        echo "fsync = off"
        echo "max_connections = 200"
    } >>"$url_data/postgresql.conf"
    as_postgres pg_ctl -D "$url_data" -l "$url_socket/server.log" -w start >/dev/null
    url_pid=$(head -n 1 "$url_data/postmaster.pid")
    local password="soak-$RANDOM$RANDOM$RANDOM"
    psql_admin "CREATE ROLE soak LOGIN CREATEDB PASSWORD '$password'"
    export DATABASE_URL="postgres://soak:$password@127.0.0.1:$url_port/postgres"
    echo "soak: url: postgres pid $url_pid on 127.0.0.1:$url_port, role soak (CREATEDB)"
}

docker_answers() {
    command -v docker >/dev/null && timeout 20 docker info >/dev/null 2>&1
}

# The stage a run was in when the signal came: its last progress line before the closing one.
stage_of() {
    local backend=$1 line
    line=$(grep -E '^planproof: ' "$2" | grep -vE '^planproof: (interrupted|wrote |[0-9]+ leftover)' | tail -n 1 || true)
    case "$line" in
        '') case "$backend" in
                local) echo "starting the cluster" ;;
                docker) echo "starting the container" ;;
                *) echo "connecting" ;;
            esac ;;
        *" scenario(s) on "*) echo "backend ready" ;;
        *": creating a scratch database") echo "creating the database" ;;
        *": earlier migrations"*) echo "earlier migrations" ;;
        *": schema "*) echo "schema files" ;;
        *": seeding "*) echo "seeding" ;;
        *": building "*) echo "building indexes" ;;
        *": capturing plans before"*) echo "capture before" ;;
        *": measuring writes before"*) echo "writes before" ;;
        *": applying migration"* | *": running the workload"*) echo "migration" ;;
        *": measuring writes after"*) echo "writes after" ;;
        *": capturing plans after the migration"*) echo "capture after" ;;
        *": running the migration down"*) echo "down" ;;
        *": capturing plans after the down"*) echo "capture after down" ;;
        *": running the migration up again"*) echo "up again" ;;
        *) echo "other: ${line#planproof: }" | cut -c1-40 ;;
    esac
}

# What one run left behind, a line each; empty when nothing.
leftovers_of() {
    local backend=$1 pid=$2 p cwd
    for p in /proc/[0-9]*; do
        [ "${p#/proc/}" != "$$" ] || continue
        cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
        if [[ "$cwd" == "$RUN_TMP"/* ]] || grep -qaF "$MARK" "$p/environ" 2>/dev/null; then
            echo "process ${p#/proc/} ($(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-80)) in $cwd"
        fi
    done
    for p in "$RUN_TMP"/planproof-*; do
        [ ! -e "$p" ] || echo "folder $p"
    done
    for p in "$PLANPROOF_STATE_DIR"/runs/*; do
        [ ! -e "$p" ] || echo "run record $p"
    done
    if command -v docker >/dev/null; then
        timeout 20 docker ps -a --filter label=planproof --filter "label=planproof.pid=$pid" \
            --format 'container {{.Names}} ({{.Status}})' 2>/dev/null || true
    fi
    if [ -n "$url_data" ]; then
        psql_admin "SELECT 'database ' || datname FROM pg_database WHERE datname LIKE 'planproof\\_%'" || echo "url server: cannot list databases"
        psql_admin "SELECT 'session ' || pid || ' ' || application_name FROM pg_stat_activity WHERE application_name LIKE 'planproof%'" || true
    fi
    # What `clean` would remove or leave: clusters of the soak's records, databases of its URL
    # server, and containers (only those of this run: other planproof runs share the engine).
    local line
    "$PLANPROOF" clean --dry-run 2>&1 | while IFS= read -r line; do
        case "$line" in
            "planproof: "*" container \`"*) [[ "$line" != *"planproof pid $pid on "* ]] || echo "clean --dry-run: ${line#planproof: }" ;;
            "planproof: would remove "* | "planproof: left alone "* | "planproof: could not remove "*) echo "clean --dry-run: ${line#planproof: }" ;;
        esac
    done
}

# Removes what a failed run left: its processes, folders, records, containers, databases;
# first writes what they were to FOLDER/left.txt.
mop_up() {
    local pid=$1 p d
    {
        find "$RUN_TMP" -mindepth 1 -maxdepth 3 -printf '%y %s %p\n' 2>/dev/null | head -n 50
        for p in "$PLANPROOF_STATE_DIR"/runs/*; do [ ! -e "$p" ] || { echo "$p:"; cat "$p"; echo; }; done
    } >>"$2/left.txt" 2>&1
    for p in /proc/[0-9]*; do
        d=$(readlink "$p/cwd" 2>/dev/null) || continue
        if [[ "$d" == "$RUN_TMP"/* ]] || grep -qaF "$MARK" "$p/environ" 2>/dev/null; then
            kill -KILL "${p#/proc/}" 2>/dev/null || true
        fi
    done
    rm -rf "${RUN_TMP:?}"/planproof-* "${PLANPROOF_STATE_DIR:?}"/runs/*
    if docker_answers; then
        docker ps -aq --filter label=planproof --filter "label=planproof.pid=$pid" | xargs -r docker rm -f >/dev/null || true
    fi
    if [ -n "$url_data" ]; then
        psql_admin "SELECT datname FROM pg_database WHERE datname LIKE 'planproof\\_%'" | while read -r d; do
            psql_admin "DROP DATABASE \"$d\" WITH (FORCE)" || true
        done
    fi
}

# Starts planproof in a process group of its own (what a terminal's Ctrl-C signals); sets
# `current`.
start_run() {
    local dir=$1 backend=$2
    set -m
    env TMPDIR="$RUN_TMP" PLANPROOF_SOAK_MARK="$MARK" \
        "$PLANPROOF" run "$SCENARIO" --backend "$backend" --report-dir "$dir/reports" \
        >"$dir/stdout" 2>"$dir/stderr" &
    current=$!
    set +m
}

exited() { # a child that has exited is a zombie until waited for
    [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# Waits for `current` for up to GRACE seconds; sets `rc` to its exit status, or `hang` (then
# kills its process group).
wait_run() {
    local limit=$((SECONDS + GRACE))
    rc=0
    while ! exited "$current"; do
        if [ "$SECONDS" -ge "$limit" ]; then
            kill -KILL -- "-$current" 2>/dev/null || true
            wait "$current" 2>/dev/null || true
            current=""
            rc=hang
            return
        fi
        sleep 0.05
    done
    wait "$current" || rc=$?
    current=""
}

ms() { # now in milliseconds
    local t=${EPOCHREALTIME/./}
    echo $((t / 1000))
}

settled_leftovers() { # what is still there after up to 3 s (a backend's last process exiting)
    local out
    for _ in 1 2 3 4; do
        out=$(leftovers_of "$@")
        [ -n "$out" ] || return 0
        sleep 1
    done
    printf '%s\n' "$out"
}

summary=()
soak_backend() {
    local backend=$1 dir rc left start span
    echo "soak: $backend: a calibration run of $SCENARIO, uninterrupted"
    dir="$WORK/$backend/calibration"
    mkdir -p "$dir"
    start=$(ms)
    start_run "$dir" "$backend"
    local pid=$current
    wait_run
    span=$(($(ms) - start))
    left=$(settled_leftovers "$backend" "$pid")
    if [ "$rc" != 0 ] || [ -n "$left" ]; then
        echo "soak: $backend: the calibration run exited $rc in ${span} ms; stderr ends:" >&2
        tail -n 5 "$dir/stderr" | sed 's/^/    /' >&2
        [ -z "$left" ] || printf '    left: %s\n' "$left" >&2
        [ -z "$left" ] || mop_up "$pid" "$dir"
        failed=1
        summary+=("$(printf '%-8s %5s %12s %12s %10s %6s  %s' "$backend" 0 - - - - "calibration run failed (exit $rc)")")
        return
    fi
    echo "soak: $backend: calibration passed in ${span} ms, nothing left"
    span=${SOAK_SPAN_MS:-$((span * 80 / 100))}
    echo "soak: $backend: delays from ${MIN_DELAY_MS} to ${span} ms"

    local i sig target delay clean=0 leftovers=0 hangs=0 early=0 interrupted=0 stages="" bad
    local took max_took=0
    for ((i = 1; i <= RUNS; i++)); do
        dir="$WORK/$backend/$i"
        mkdir -p "$dir"
        sig=${SIGNALS[(i - 1) % ${#SIGNALS[@]}]}
        if ((i % 2 == 0)); then target=group; else target=process; fi
        delay=$((MIN_DELAY_MS + (RANDOM * 32768 + RANDOM) % (span - MIN_DELAY_MS + 1)))
        # A run that ends before its signal (runs vary on a busy machine) is run again with
        # half the delay, twice at most.
        local tries=0
        while :; do
            rm -rf "$dir/reports"
            start_run "$dir" "$backend"
            pid=$current
            sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
            exited "$pid" || break
            wait_run
            early=$((early + 1))
            left=$(settled_leftovers "$backend" "$pid")
            echo "soak: $backend #$i: finished (exit $rc) before its signal at ${delay} ms"
            if [ -n "$left" ]; then
                leftovers=$((leftovers + 1))
                printf '    left: %s\n' "$left"
                mop_up "$pid" "$dir"
            fi
            tries=$((tries + 1))
            ((tries < 3)) || continue 2
            delay=$((delay / 2))
        done
        if [ "$target" = group ]; then kill "-$sig" -- "-$pid"; else kill "-$sig" "$pid"; fi
        interrupted=$((interrupted + 1))
        local signalled
        signalled=$(ms)
        wait_run
        took=$(($(ms) - signalled))
        ((took <= max_took)) || max_took=$took
        local stage
        stage=$(stage_of "$backend" "$dir/stderr")
        stages+="$stage"$'\n'
        bad=""
        if [ "$rc" = hang ]; then
            hangs=$((hangs + 1))
            bad+=" no exit ${GRACE}s after SIG$sig;"
        elif [ "$rc" != 130 ]; then
            bad+=" exit $rc, not 130;"
        fi
        if ! tail -n 1 "$dir/stderr" | grep -q '^planproof: interrupted, '; then
            bad+=" last stderr line: $(tail -n 1 "$dir/stderr" | cut -c1-120);"
        fi
        if grep -qE '^(PASS|FAIL|XFAIL|UNSURE|ERROR) |^[0-9]+ scenarios?: ' "$dir/stdout"; then
            bad+=" a verdict printed: $(grep -E '^(PASS|FAIL|XFAIL|UNSURE|ERROR) |^[0-9]+ scenarios?: ' "$dir/stdout" | head -n 1);"
        fi
        if [ -n "$(ls -A "$dir/reports" 2>/dev/null)" ]; then
            bad+=" reports written: $(find "$dir/reports" -mindepth 1 -printf '%f ');"
        fi
        left=$(settled_leftovers "$backend" "$pid")
        if [ -n "$left" ]; then
            leftovers=$((leftovers + 1))
            bad+=" left behind:"$'\n'"$(printf '%s\n' "$left" | sed 's/^/      /')"
            mop_up "$pid" "$dir"
        fi
        if [ -z "$bad" ]; then
            clean=$((clean + 1))
            echo "soak: $backend #$i: SIG$sig to the $target at ${delay} ms ($stage): exit 130 in ${took} ms, nothing left"
        else
            failed=1
            echo "soak: $backend #$i: SIG$sig to the $target at ${delay} ms ($stage): FAILED:$bad"
            echo "    stderr ends:"
            tail -n 3 "$dir/stderr" | sed 's/^/      /'
        fi
    done
    local hit
    hit=$(printf '%s' "$stages" | sort | uniq -c | sort -rn | awk '{n=$1; $1=""; printf "%s%s %d", (NR>1?", ":""), substr($0,2), n}')
    ((clean == interrupted)) || failed=1
    if ((interrupted == 0)); then
        echo "soak: $backend: no run was interrupted: each ended before its signal (set SOAK_SPAN_MS)"
        failed=1
    fi
    ((leftovers == 0)) || failed=1
    summary+=("$(printf '%-8s %5d %12d %12d %10d %6d  %s' "$backend" "$RUNS" "$interrupted" "$clean" "$leftovers" "$hangs" \
        "${hit:-none}; exits within ${max_took} ms of the signal$( ((early == 0)) || echo "; $early ran again: ended before the signal")")")
}

echo "soak: $PLANPROOF, $SCENARIO, $RUNS runs per backend (${BACKENDS[*]}), seed $SEED, logs in $WORK"
for backend in "${BACKENDS[@]}"; do
    case "$backend" in
        local) soak_backend local ;;
        docker)
            waited=0
            until docker_answers; do
                if [ "$waited" -ge "${SOAK_DOCKER_WAIT:-0}" ]; then break; fi
                sleep 10
                waited=$((waited + 10))
            done
            if docker_answers; then
                soak_backend docker
            else
                echo "soak: docker: skipped: no Docker engine answers (\`docker info\`)"
                summary+=("$(printf '%-8s %5s %12s %12s %10s %6s  %s' docker - - - - - "skipped: no Docker engine answers")")
            fi
            ;;
        url)
            start_url_server
            soak_backend url
            stop_url_server
            unset DATABASE_URL
            ;;
        *) echo "soak: unknown backend \`$backend\` (local, docker, url)" >&2; exit 2 ;;
    esac
done

echo
printf '%-8s %5s %12s %12s %10s %6s  %s\n' backend runs interrupted "clean exits" leftovers hangs "stages hit"
printf '%s\n' "${summary[@]}"
if [ "$failed" -ne 0 ]; then
    echo "soak: FAILED: a run left something behind, hung, or did not exit cleanly (logs above)"
    exit 1
fi
echo "soak: every interrupted run exited 130 and left nothing"
