import { describe, expect, it } from 'vitest';
import {
  CAP_CATEGORIES,
  CAP_CATEGORY_OF_CATEGORY,
  CAP_CATEGORY_OF_MAJOR,
  CASE_STATES,
  PRIORITIES,
  capAssessment,
  capCategory,
  capDateTime,
  capIdentifier,
  capMsgType,
  capPolygon,
  capPolygons,
  capReferences,
  capSender,
  capTexts,
  isAlertPriority,
  isCapToken,
  parseCapIdentifier,
  type CapTextInput,
} from '../src/domain/index.ts';

describe('which cases are published', () => {
  it.each([
    ['emergency', true],
    ['urgent', false],
    ['normal', false],
    ['', false],
  ])('%s → %s', (p, yes) => expect(isAlertPriority(p)).toBe(yes));
});

describe('CAP categories', () => {
  it('maps every major category 01–11 and every override to a CAP 1.2 category', () => {
    expect(Object.keys(CAP_CATEGORY_OF_MAJOR).sort()).toEqual(['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11']);
    for (const c of [...Object.values(CAP_CATEGORY_OF_MAJOR), ...Object.values(CAP_CATEGORY_OF_CATEGORY)]) expect(CAP_CATEGORIES).toContain(c);
    for (const code of Object.keys(CAP_CATEGORY_OF_CATEGORY)) expect(code).toMatch(/^\d{5}$/);
  });

  it.each([
    ['04001', 'Fire'],
    ['04002', 'Safety'],
    ['04004', 'Met'],
    ['04007', 'Transport'],
    ['04008', 'Security'],
    ['04009', 'Rescue'],
    ['06001', 'Fire'],
    ['06003', 'Safety'],
    ['06008', 'Rescue'],
    ['08002', 'Health'],
    ['01001', 'Env'],
    ['02001', 'Transport'],
    ['02002', 'Security'],
    ['05001', 'Infra'],
    ['05004', 'Transport'],
    ['09001', 'Other'],
    ['11003', 'Env'],
    ['99001', 'Other'],
  ])('%s → %s', (code, cat) => expect(capCategory(code)).toBe(cat));
});

describe('urgency, severity, certainty and response', () => {
  it.each([
    ['emergency', 'reported', 'grid', ['Immediate', 'Severe', 'Likely', 'Avoid']],
    ['emergency', 'filed', 'grid', ['Immediate', 'Severe', 'Observed', 'Avoid']],
    ['emergency', 'dispatched', 'zone', ['Immediate', 'Severe', 'Observed', 'Avoid']],
    ['emergency', 'in_progress', 'street', ['Immediate', 'Extreme', 'Observed', 'Avoid']],
    ['emergency', 'in_progress', 'district', ['Immediate', 'Extreme', 'Observed', 'Avoid']],
    ['emergency', 'parked', 'grid', ['Expected', 'Severe', 'Observed', 'Monitor']],
    ['emergency', 'handled', 'district', ['Past', 'Minor', 'Observed', 'Monitor']],
    ['emergency', 'verified', 'grid', ['Past', 'Minor', 'Observed', 'Monitor']],
    ['emergency', 'closed', 'street', ['Past', 'Minor', 'Observed', 'AllClear']],
    ['emergency', 'void', 'grid', ['Past', 'Unknown', 'Unknown', 'None']],
    ['urgent', 'filed', 'grid', ['Expected', 'Moderate', 'Observed', 'Avoid']],
    ['urgent', 'filed', 'district', ['Expected', 'Severe', 'Observed', 'Avoid']],
    ['normal', 'reported', 'grid', ['Future', 'Minor', 'Likely', 'Avoid']],
  ] as const)('%s %s at %s level', (p, s, e, [urgency, severity, certainty, responseType]) => {
    expect(capAssessment(p, s, e)).toEqual({ urgency, severity, certainty, responseType });
  });

  it('answers for every priority and state', () => {
    for (const p of PRIORITIES) for (const s of CASE_STATES) expect(capAssessment(p, s).urgency).toBeTruthy();
  });
});

describe('message types', () => {
  it.each([
    [true, 'reported', 'Alert'],
    [true, 'closed', 'Alert'],
    [false, 'filed', 'Update'],
    [false, 'closed', 'Update'],
    [false, 'parked', 'Update'],
    [false, 'void', 'Cancel'],
    [true, 'void', 'Alert'],
  ] as const)('first %s, %s → %s', (first, state, t) => expect(capMsgType(first, state)).toBe(t));
});

describe('identifiers, references and times', () => {
  const sender = capSender('370211');

  it('builds identifiers CAP accepts and reads them back', () => {
    expect(sender).toBe('gridcommand:370211');
    const id = capIdentifier(sender, 'HD20261201-000001', 42);
    expect(id).toBe('gridcommand:370211:HD20261201-000001:42');
    expect(isCapToken(id) && isCapToken(sender)).toBe(true);
    expect(parseCapIdentifier(sender, id)).toEqual({ caseCode: 'HD20261201-000001', eventId: '42' });
    expect(parseCapIdentifier(sender, 'other:370211:HD20261201-000001:42')).toBeNull();
    expect(parseCapIdentifier(sender, `${sender}:HD20261201-000001:0`)).toBeNull();
  });

  it.each([['a b'], ['a,b'], ['a<b'], ['a&b'], ['']])('%j is no CAP token', (s) => expect(isCapToken(s)).toBe(false));

  it('references the earlier messages oldest first', () => {
    expect(capReferences([])).toBeNull();
    expect(
      capReferences([
        { sender, identifier: 'i1', sent: '2026-12-01T08:00:00+08:00' },
        { sender, identifier: 'i2', sent: '2026-12-01T08:05:00+08:00' },
      ]),
    ).toBe('gridcommand:370211,i1,2026-12-01T08:00:00+08:00 gridcommand:370211,i2,2026-12-01T08:05:00+08:00');
  });

  it.each([
    ['2026-12-01T00:10:00.999Z', '2026-12-01T08:10:00+08:00'],
    ['2026-12-31T16:00:00Z', '2027-01-01T00:00:00+08:00'],
  ])('sends %s as %s', (iso, cap) => expect(capDateTime(new Date(iso))).toBe(cap));
});

describe('polygons', () => {
  const square = [
    [120, 36],
    [120.01, 36],
    [120.01, 36.01],
    [120, 36.01],
    [120, 36],
  ];

  it('writes lat,lon pairs as a closed ring', () => {
    expect(capPolygon(square)).toBe('36,120 36,120.01 36.01,120.01 36.01,120 36,120');
    // an open ring is closed, repeated points dropped
    expect(capPolygon([[120, 36], [120, 36], [120.01, 36], [120.01, 36.01]])).toBe('36,120 36,120.01 36.01,120.01 36,120');
  });

  it('refuses rings of fewer than three points', () => {
    expect(capPolygon([[120, 36], [120.01, 36], [120, 36]])).toBeNull();
    expect(capPolygon([])).toBeNull();
  });

  it('simplifies a ring of many points to at most the limit, keeping it closed', () => {
    const n = 2000;
    const circle = Array.from({ length: n + 1 }, (_, i) => {
      const a = (2 * Math.PI * (i % n)) / n;
      return [120 + 0.01 * Math.cos(a) + (i % 2) * 1e-7, 36 + 0.01 * Math.sin(a)];
    });
    const p = capPolygon(circle, 200)!.split(' ');
    expect(p.length).toBeLessThanOrEqual(200);
    expect(p.length).toBeGreaterThanOrEqual(20);
    expect(p[0]).toBe(p[p.length - 1]);
    for (const pair of p) {
      const [lat, lon] = pair.split(',').map(Number) as [number, number];
      expect(Math.hypot(lat - 36, lon - 120)).toBeCloseTo(0.01, 3);
    }
  });

  it('takes the outer ring of every part of a multipolygon', () => {
    const hole = [[120.002, 36.002], [120.003, 36.002], [120.003, 36.003], [120.002, 36.002]];
    expect(capPolygons([[square, hole], [square.map(([x, y]) => [x! + 1, y!])]])).toEqual([
      '36,120 36,120.01 36.01,120.01 36.01,120 36,120',
      '36,121 36,121.01 36.01,121.01 36.01,121 36,121',
    ]);
  });
});

describe('texts', () => {
  const base: CapTextInput = {
    msgType: 'Update',
    state: 'dispatched',
    escalation: 'grid',
    action: 'dispatch',
    responseType: 'Avoid',
    caseCode: 'HD20261201-000001',
    categoryName: '火情',
    majorName: '突发事件',
    place: '黄岛街道 第1网格',
    gridCode: '370211001001001',
  };

  it.each([
    [{}, '【特急事件】黄岛街道 第1网格 火情（已派遣）'],
    [{ state: 'closed', action: 'close', responseType: 'AllClear' }, '【解除】黄岛街道 第1网格 火情（已结案）'],
    [{ msgType: 'Cancel', state: 'void', action: 'void', responseType: 'None' }, '【撤销】黄岛街道 第1网格 火情（已作废）'],
  ] as const)('headline %j', (extra, headline) => {
    const t = capTexts('zh-CN', { ...base, ...extra });
    expect(t.headline).toBe(headline);
    expect(t.description).toContain('HD20261201-000001');
    expect(t.instruction.length).toBeGreaterThan(0);
  });

  it('has an English version', () => {
    const t = capTexts('en', { ...base, categoryName: 'Fire', majorName: 'Emergencies', action: null, state: 'reported' });
    expect(t.headline).toBe('[Emergency] Fire, 黄岛街道 第1网格 (Reported)');
    expect(t.description).toContain('newly reported');
  });
});
