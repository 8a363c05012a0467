#!/usr/bin/env node
// knip has no baseline of its own: this runs it, compares its findings with the ones recorded in
// .knip-known-issues.json, and fails only on a new one. A finding is keyed by its kind, file and
// name (no line numbers), so an edit elsewhere in the file does not make it new.
// `node scripts/knip-check.mjs --update` records today's findings (after fixing some, to shrink the list).
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const baselinePath = path.join(root, '.knip-known-issues.json');
const knip = path.join(root, 'node_modules', '.bin', 'knip');

const run = spawnSync(knip, ['--no-progress', '--no-exit-code', '--no-config-hints', '--reporter', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
if (run.status !== 0) {
  process.stderr.write(run.stderr);
  console.error(`knip failed to run (exit ${run.status})`);
  process.exit(2);
}

const findings = new Set();
for (const issue of JSON.parse(run.stdout).issues) {
  for (const [kind, items] of Object.entries(issue)) {
    if (!Array.isArray(items)) continue;
    for (const item of items) {
      // `duplicates` lists groups of names; every other kind lists single items.
      const name = Array.isArray(item) ? item.map((one) => one.name).join(' = ') : item.name;
      findings.add(`${kind}: ${issue.file}${name && name !== issue.file ? ` ${name}` : ''}`);
    }
  }
}
const current = [...findings].sort();

if (process.argv.includes('--update')) {
  writeFileSync(baselinePath, JSON.stringify(current, null, 2) + '\n');
  console.log(`knip: ${current.length} known findings recorded in .knip-known-issues.json`);
  process.exit(0);
}

const known = new Set(existsSync(baselinePath) ? JSON.parse(readFileSync(baselinePath, 'utf8')) : []);
const added = current.filter((finding) => !known.has(finding));
const gone = [...known].filter((finding) => !findings.has(finding));
if (gone.length > 0) {
  console.log(`knip: ${gone.length} known finding(s) fixed; shrink the list with \`node scripts/knip-check.mjs --update\`:`);
  for (const finding of gone) console.log(`  ${finding}`);
}
if (added.length > 0) {
  console.error(`knip: ${added.length} new finding(s) (unused files, exports or dependencies):`);
  for (const finding of added) console.error(`  ${finding}`);
  process.exit(1);
}
console.log(`knip: no new findings (${current.length} known ones ignored)`);
