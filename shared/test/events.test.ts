import { describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { LIVE_EVENT_TYPES, LiveEvent } from '../src/schemas/events.ts';
import { facts, oneOfEach } from './fixtures/events.ts';

const check = Compile(LiveEvent);

describe('the event vocabulary', () => {
  it('accepts one example of every type', () => {
    const all = oneOfEach();
    expect(all.map((e) => e.type).sort()).toEqual([...LIVE_EVENT_TYPES].sort());
    for (const e of all) expect(check.Check(e), e.type).toBe(true);
  });

  it.each<[string, (e: Record<string, unknown>) => void]>([
    ['an unknown type', (e) => (e.type = 'case.teleported')],
    ['a missing payload field', (e) => delete (e.payload as Record<string, unknown>).case],
    ['an unknown payload field', (e) => ((e.payload as Record<string, unknown>).extra = 1)],
    ['a grid id instead of a grid code', (e) => (((e.payload as { case: Record<string, unknown> }).case).gridCode = 17)],
    ['an unknown state in the facts', (e) => (((e.payload as { case: Record<string, unknown> }).case).status = 'lost')],
    ['another schema version', (e) => (e.v = 2)],
    ['a street code of the wrong length', (e) => (e.streetCode = '37021')],
  ])('refuses %s', (_label, spoil) => {
    const e = structuredClone(oneOfEach()[0]!) as unknown as Record<string, unknown>;
    expect(check.Check(e)).toBe(true);
    spoil(e);
    expect(check.Check(e)).toBe(false);
  });

  it('case facts name areas by code', () => {
    const f = facts();
    expect(f.gridCode).toMatch(/^\d{15}$/);
    expect(Object.keys(f)).not.toContain('gridId');
  });
});
