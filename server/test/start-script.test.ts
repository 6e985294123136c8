/**
 * `pnpm start` runs the bundle the way every other starter does (server/scripts/bundle.ts SERVER_NODE_FLAGS and
 * SERVER_NODE_ENV): the package script spells them out, so it is checked against them here.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/config.ts';
import { SERVER_NODE_ENV, SERVER_NODE_FLAGS } from '../scripts/bundle.ts';

const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'server', 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('pnpm start', () => {
  it('builds the bundle, then runs it with the server flags and environment', () => {
    const env = Object.entries(SERVER_NODE_ENV).map(([k, v]) => `${k}=${v}`).join(' ');
    expect(pkg.scripts.start).toBe(`tsx scripts/bundle.ts && ${env} exec node ${SERVER_NODE_FLAGS.join(' ')} .bundle/main.mjs`);
  });

  it('passes flags this node accepts', () => {
    // an unknown or malformed option makes node refuse to start (exit 9)
    const r = spawnSync(process.execPath, [...SERVER_NODE_FLAGS, '-e', 'process.exit(0)'], { env: { ...process.env, ...SERVER_NODE_ENV }, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
