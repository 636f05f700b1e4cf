#!/usr/bin/env bash
# The GitLab job's script: runs planproof on what the merge request changed, upserts the
# planproof note when a token is given, and exits with planproof's exit code.
set -uo pipefail

read -r -a scenarios <<<"${PLANPROOF_SCENARIOS:-scenarios}"
args=(run "${scenarios[@]}" --backend url --fail-on "${PLANPROOF_FAIL_ON:-violation}" --report-dir reports)
base="${CI_MERGE_REQUEST_DIFF_BASE_SHA:-}"
[ -n "$base" ] && args+=(--changed-since "$base")
[ -n "${PLANPROOF_PG:-}" ] && args+=(--pg "$PLANPROOF_PG")
planproof "${args[@]}"
status=$?

if [ -n "${PLANPROOF_NOTE_TOKEN:-}" ] && [ -n "${CI_MERGE_REQUEST_IID:-}" ] && [ -f reports/pr-comment.md ]; then
  if command -v node >/dev/null; then
    node "$(dirname "$0")/upsert-note.js" reports/pr-comment.md || echo "planproof: could not write the merge request note" >&2
  else
    echo "planproof: no node in this image, so no merge request note (the widget and artifacts are written)" >&2
  fi
fi
exit "$status"
