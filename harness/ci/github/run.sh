#!/usr/bin/env bash
# The planproof action's run step: turns the action's inputs (as environment variables) into a
# `planproof run` command, runs it, and records its exit code in $GITHUB_OUTPUT without failing
# the step, so the reports are uploaded and the comment written before the job fails.
#
#   SCENARIOS CHANGED_SINCE BACKEND DATABASE_URL PG PARTITION FAIL_ON REPORT_DIR   (all optional)
set -uo pipefail

read -r -a scenarios <<<"${SCENARIOS:-scenarios}"
args=(run "${scenarios[@]}" --github --backend "${BACKEND:-auto}" --fail-on "${FAIL_ON:-violation}" --report-dir "${REPORT_DIR:-reports}")
case "${CHANGED_SINCE:-}" in
  "" | all) ;;
  *)
    # actions/checkout fetches one commit by default: the base must be there to diff against.
    if ! git cat-file -e "${CHANGED_SINCE}^{commit}" 2>/dev/null; then
      git fetch --quiet --no-tags --depth=200 origin "$CHANGED_SINCE" 2>/dev/null \
        || echo "planproof: could not fetch $CHANGED_SINCE; use actions/checkout with fetch-depth: 0" >&2
      # The merge base is usually within the fetched depth of both ends.
      git fetch --quiet --no-tags --deepen=200 2>/dev/null || true
    fi
    args+=(--changed-since "$CHANGED_SINCE")
    ;;
esac
[ -n "${PG:-}" ] && args+=(--pg "$PG")
[ -n "${PARTITION:-}" ] && args+=(--partition "$PARTITION")
if [ -z "${DATABASE_URL:-}" ]; then unset DATABASE_URL; fi

echo "planproof ${args[*]}" >&2
planproof "${args[@]}"
status=$?
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "exit-code=$status" >>"$GITHUB_OUTPUT"; fi
exit 0
