// One planproof comment per pull request: finds the comment that starts with the marker
// (written by `planproof run` into reports/pr-comment.md) and updates it, or creates it. A
// comment that is already the same is left alone, so a re-run does not notify anyone. Used
// from actions/github-script:
//
//   const upsert = require(`${process.env.GITHUB_ACTION_PATH}/harness/ci/github/upsert-comment.js`);
//   await upsert.upsert({ github, owner, repo, issue: 12, body });
'use strict';

const MARKER = '<!-- planproof:pr-comment -->';

/// What to do with `body`, given the comments already on the pull request: `create`,
/// `update` (with the id of ours), or `none` when ours already says it.
function decide(comments, body, marker = MARKER) {
  const ours = comments.filter((c) => typeof c.body === 'string' && c.body.startsWith(marker));
  if (ours.length === 0) {
    return { action: 'create' };
  }
  // The first is the one we keep; later duplicates (two jobs racing) are removed.
  const [keep, ...extra] = ours;
  const duplicates = extra.map((c) => c.id);
  if (keep.body === body) {
    return { action: 'none', id: keep.id, duplicates };
  }
  return { action: 'update', id: keep.id, duplicates };
}

async function upsert({ github, owner, repo, issue, body, marker = MARKER }) {
  if (!body.startsWith(marker)) {
    body = `${marker}\n${body}`;
  }
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issue,
    per_page: 100,
  });
  const decision = decide(comments, body, marker);
  if (decision.action === 'create') {
    const { data } = await github.rest.issues.createComment({ owner, repo, issue_number: issue, body });
    decision.id = data.id;
  } else if (decision.action === 'update') {
    await github.rest.issues.updateComment({ owner, repo, comment_id: decision.id, body });
  }
  for (const id of decision.duplicates || []) {
    await github.rest.issues.deleteComment({ owner, repo, comment_id: id });
  }
  return decision;
}

module.exports = { MARKER, decide, upsert };
