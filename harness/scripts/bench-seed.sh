#!/usr/bin/env bash
# `make bench-seed`: planproof's seeding against `pgbench -i` on the same server, in one run.
#
#   harness/scripts/bench-seed.sh [PAIRS] [SCALES]
#
# Starts one throwaway cluster (the local backend's settings), then alternates PAIRS times:
# planproof seeds the 7-column table of issue 13 (uuid primary key, unique sha256-hex text,
# name, skewed integer, two timestamps one 90% NULL, boolean) at 1M rows, and
# `pgbench -i -s 10` loads its 1M rows. Both figures include building the indexes and the
# VACUUM (pgbench: generate, vacuum, primary keys; planproof: COPY, index builds, VACUUM
# (ANALYZE)). Prints the rows/s of both, the median ratio, then the cost per row at each size
# of SCALES (default "100000 1000000 10000000") and the peak RSS of planproof at the largest.
# The figures are ratios measured in the same run: the machine is shared and noisy.
set -euo pipefail
cd "$(dirname "$0")/../.."
PAIRS="${1:-3}"
SCALES="${2:-100000 1000000 10000000}"

cargo build --release -p planproof >&2
planproof="$PWD/target/release/planproof"
# The server binaries the local backend would use: PLANPROOF_PG_BIN, initdb on PATH, the newest
# /usr/lib/postgresql/*/bin.
initdb="$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1)"
bin="${PLANPROOF_PG_BIN:-$(dirname "$(readlink -f "$initdb")")}"
work="$(mktemp -d -t planproof-bench-seed.XXXXXX)"
pgdata="$work/data"
cleanup() {
  if [ -f "$pgdata/postmaster.pid" ]; then "$bin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

run_as=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses root: the cluster belongs to `nobody`, as the local backend does it.
  chown nobody "$work"
  run_as=(runuser -u nobody --)
fi
"${run_as[@]}" "$bin/initdb" -D "$pgdata" -U planproof --auth trust -E UTF8 --no-locale >/dev/null
cat >>"$pgdata/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$work'
fsync = off
full_page_writes = off
autovacuum = off
max_connections = 40
shared_buffers = 128MB
EOF
"${run_as[@]}" "$bin/pg_ctl" -D "$pgdata" -l "$work/server.log" -w start >/dev/null
psql=("$bin/psql" -h "$work" -U planproof -X -q -v ON_ERROR_STOP=1)
"${psql[@]}" -d postgres -c "CREATE DATABASE pgbench"
url="host=$work user=planproof dbname=postgres"

# The scenario: the 7-column table, one lookup, a migration that adds an index.
mkdir -p "$work/scenario/migrations/1_idx"
cat >"$work/scenario/schema.sql" <<'EOF'
CREATE TABLE items (
    id uuid PRIMARY KEY,
    hash text NOT NULL UNIQUE,
    name text NOT NULL,
    score int NOT NULL,
    created_at timestamptz NOT NULL,
    deleted_at timestamptz,
    active boolean NOT NULL
);
EOF
echo "CREATE INDEX items_score ON items (score);" >"$work/scenario/migrations/1_idx/up.sql"
echo "DROP INDEX items_score;" >"$work/scenario/migrations/1_idx/down.sql"
scenario_for() { # rows
  cat >"$work/scenario/seed-$1.toml" <<EOF
name = "bench-seed-$1"
seed = 1

[database]
schema = ["schema.sql"]
migrations = "migrations"
under-test = "1_idx"

[explain]
runs = 1

[tables.items]
rows = $1
columns.id = { gen = "uuid" }
columns.hash = { gen = "sha256-hex", unique = true }
columns.name = { gen = "name" }
columns.score = { gen = "int", min = 1, max = 1000, distinct = 1000, skew = 1.1 }
columns.created_at = { gen = "timestamp", start = "2024-01-01", end = "2026-01-01" }
columns.deleted_at = { gen = "timestamp", start = "2025-01-01", end = "2026-01-01", null-fraction = 0.9 }
columns.active = { gen = "bool", true-ratio = 0.8 }

[[queries]]
name = "by-hash"
sql = "SELECT id FROM items WHERE hash = \$1"
params = [{ sample = "items.hash" }]
EOF
  echo "$work/scenario/seed-$1.toml"
}

# Seconds planproof spent seeding (COPY + index builds + VACUUM), and its peak RSS in KiB.
planproof_seed() { # rows
  local file report="$work/report-$1"
  file="$(scenario_for "$1")"
  local timed=()
  if [ -x /usr/bin/time ]; then timed=(/usr/bin/time -f '%M %U' -o "$work/rss"); else echo "0 0" >"$work/rss"; fi
  "${timed[@]}" "$planproof" run "$file" --backend url --database-url "$url" \
    --root "$work/scenario" --report-dir "$report" --quiet >"$work/run.log" 2>&1 || {
    status=$?
    if [ "$status" -ne 3 ]; then cat "$work/run.log" >&2; echo "planproof exited $status" >&2; exit 1; fi
  }
  python3 - "$report/results.json" "$(cat "$work/rss")" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["scenarios"][0]
t = s["seed-timing"]
rss, user = sys.argv[2].split()
print((t["copy-ms"] + t["index-ms"] + t["vacuum-ms"]) / 1000.0, rss, t["indexes-rebuilt"],
      f'COPY {t["copy-ms"] / 1000:.2f} s, indexes {t["index-ms"] / 1000:.2f} s, VACUUM {t["vacuum-ms"] / 1000:.2f} s, '
      f'planproof CPU {user} s in all')
EOF
}

pgbench_seed() { # seconds of `pgbench -i -s 10`, from its own "done in" line
  "$bin/pgbench" -i -s 10 -h "$work" -U planproof pgbench 2>&1 | sed -n 's/^done in \([0-9.]*\) s.*/\1/p'
}

echo "planproof vs pgbench -i -s 10 (1,000,000 rows each), $PAIRS alternating pairs"
ratios=()
for i in $(seq 1 "$PAIRS"); do
  read -r pp_s _ rebuilt parts < <(planproof_seed 1000000)
  pg_s="$(pgbench_seed)"
  ratio="$(python3 -c "print(f'{$pg_s / $pp_s:.2f}')")"
  ratios+=("$ratio")
  printf '  pair %d: planproof %.2f s (%s rows/s, %s indexes built after the COPY; %s), pgbench %.2f s (%s rows/s): planproof/pgbench rows/s %s\n' \
    "$i" "$pp_s" "$(python3 -c "print(int(1e6 / $pp_s))")" "$rebuilt" "$parts" "$pg_s" "$(python3 -c "print(int(1e6 / $pg_s))")" "$ratio"
done
echo "  median ratio (planproof rows/s over pgbench rows/s): $(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"

echo "cost per row by size"
first=""
for rows in $SCALES; do
  read -r s rss _ < <(planproof_seed "$rows")
  per_row="$(python3 -c "print(f'{$s / $rows * 1e6:.2f}')")"
  [ -n "$first" ] || first="$per_row"
  printf '  %10d rows: %.2f s, %s µs a row (%s× the smallest size), planproof peak RSS %d MB\n' \
    "$rows" "$s" "$per_row" "$(python3 -c "print(f'{$per_row / $first:.2f}')")" "$((rss / 1024))"
done
