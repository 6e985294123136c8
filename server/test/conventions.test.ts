/**
 * The mechanical half of docs/conventions.md: rules written once, one writer, routes that never catch. Each check
 * reads the source tree and names the offending file and line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCES = ['client/src', 'server/src', 'shared/src', 'data/src', 'server/scripts'];

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|tsx)$/.test(name)) out.push(p);
  }
  return out;
}

const ALL = SOURCES.flatMap((d) => files(join(ROOT, d))).map((p) => ({ path: relative(ROOT, p).replaceAll('\\', '/'), text: readFileSync(p, 'utf8') }));

/** Lines matching `re` in files not allowed to have them, as "path:line: text". */
function offenders(re: RegExp, allowed: (path: string) => boolean, scope: (path: string) => boolean = () => true): string[] {
  const out: string[] = [];
  for (const f of ALL) {
    if (!scope(f.path) || allowed(f.path)) continue;
    f.text.split('\n').forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, '');
      if (re.test(code) && !/^\s*(\*|\/\*)/.test(line)) out.push(`${f.path}:${i + 1}: ${line.trim()}`);
    });
  }
  return out;
}

describe('conventions', () => {
  it('China-time arithmetic lives in shared/src/domain/china-time.ts only', () => {
    expect(offenders(/8\s*\*\s*(3_?600|60\s*\*\s*60|HOUR)\b/, (p) => p === 'shared/src/domain/china-time.ts')).toEqual([]);
    expect(offenders(/['"`]Asia\/Shanghai['"`]/, (p) => p === 'shared/src/domain/china-time.ts')).toEqual([]);
  });

  it('routes never catch: refusals are thrown and rendered by the one error handler', () => {
    expect(offenders(/\bcatch\s*[({]|\.catch\(/, () => false, (p) => /^server\/src\/modules\/.*routes\.ts$/.test(p))).toEqual([]);
  });

  it('only the writer appends events', () => {
    expect(offenders(/INSERT INTO event\b|COPY event\b/, (p) => p === 'server/src/modules/writer/events.ts' || p.startsWith('server/src/modules/demo/') || p === 'server/scripts/bench-concurrency.ts')).toEqual([]);
    expect(offenders(/\bappendEvents\(/, (p) => p.startsWith('server/src/modules/writer/') || p === 'server/scripts/bench-live.ts')).toEqual([]);
  });

  it('only the writer changes cases and teams', () => {
    const writes = /UPDATE (cases|team)\b|INSERT INTO (cases|dispatch)\b|UPDATE dispatch\b/;
    expect(
      offenders(writes, (p) => p.startsWith('server/src/modules/writer/') || p === 'server/src/modules/teams/repository.ts' || p.startsWith('server/src/modules/demo/') || p.startsWith('server/scripts/')),
    ).toEqual([]);
    // the team repository's writing statements are called from the writer only
    const teamWrites = /\b(setTeamStatus|insertDispatch|stampDispatch|storePositions)\(/;
    expect(offenders(teamWrites, (p) => p.startsWith('server/src/modules/writer/') || p === 'server/src/modules/teams/repository.ts', (p) => p.startsWith('server/src/'))).toEqual([]);
  });

  it('no state list is spelled in SQL outside the domain constants', () => {
    expect(offenders(/status\s+(NOT\s+)?IN\s*\(\s*'/i, (p) => p.startsWith('server/src/modules/demo/'), (p) => p.startsWith('server/src/'))).toEqual([]);
  });

  it('no screen defines its own open states, lights or priority labels', () => {
    const own = /(OPEN_STATES|TERMINAL|LIGHTS_SET)\s*=\s*new Set|emergency:\s*'(特急|突发|紧急)'/;
    expect(offenders(own, (p) => p === 'shared/src/domain/labels.ts', (p) => p.startsWith('client/src/') || p.startsWith('server/src/'))).toEqual([]);
  });

  it('the client parses the live stream with a library, not by hand', () => {
    expect(offenders(/\bparseSseBlock\b|split\(\/\\r\\n\|\\r\|\\n\//, () => false, (p) => p.startsWith('client/src/'))).toEqual([]);
  });
});
