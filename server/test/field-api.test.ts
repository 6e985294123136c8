/**
 * The field module through HTTP on real PostGIS: photo upload (type from the bytes, limits, thumbnails without
 * EXIF, content-hash names, rate limit), patrols with tracks, check-ins, household visits (with their refusals and
 * Idempotency-Key replays), device sessions the admin revokes, and the worker's own page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import exifr from 'exifr';
import type { FieldMe, Patrol, PhotoUploadResponse } from '@gridcommand/shared/schemas';
import { expectError } from './api-expect.ts';
import { PASSWORD, as, caseWorld, sessionCookie, type CaseWorld, type TestRole } from './cases-helpers.ts';

let w: CaseWorld;
let uploads: string;

beforeAll(async () => {
  uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'gc-uploads-'));
  w = await caseWorld({ uploadDir: uploads, photoRate: 1000, photoMaxBytes: 200_000 });
});
afterAll(async () => {
  await w?.close();
  fs.rmSync(uploads, { recursive: true, force: true });
});

/** A small JPEG with EXIF date and GPS, different for each seed. */
async function jpegWithGps(seed: number): Promise<Buffer> {
  return sharp({ create: { width: 320, height: 240, channels: 3, background: { r: seed % 256, g: 90, b: 40 } } })
    .jpeg({ quality: 80 })
    .withExif({
      IFD2: { DateTimeOriginal: '2026:11:30 09:15:00' },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '39/1 54/1 3000/100', GPSLongitudeRef: 'E', GPSLongitude: '116/1 23/1 4500/100' },
    })
    .toBuffer();
}

function upload(role: TestRole, body: Buffer | string, type = 'image/jpeg', cookie = w.cookies[role]) {
  return w.app.inject({ method: 'POST', url: '/api/photos', headers: { cookie, 'x-gc-csrf': '1', 'content-type': type }, payload: body });
}

async function photoCount(): Promise<number> {
  return Number((await w.db.pool.query<{ n: string }>('SELECT count(*) AS n FROM photo')).rows[0]!.n);
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => d.name);
}

describe('photo upload', () => {
  it('stores a JPEG by its content hash, reads EXIF, serves a thumbnail without metadata', async () => {
    const bytes = await jpegWithGps(1);
    const res = await upload('worker', bytes);
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json() as PhotoUploadResponse;
    expect(p).toMatchObject({ mime: 'image/jpeg', width: 320, height: 240, existing: false, bytes: bytes.length });
    expect(p.id).toMatch(/^[0-9a-f]{64}$/);
    expect(p.takenAt).toBe('2026-11-30T01:15:00.000Z'); // a wall clock in China Standard Time
    expect(p.gps!.lat).toBeCloseTo(39.908333, 5);
    expect(p.gps!.lon).toBeCloseTo(116.395833, 5);
    expect(filesUnder(uploads).sort()).toEqual([p.id, `${p.id}.thumb.jpg`].sort());

    const thumb = await as(w, 'wall', 'GET', p.thumbUrl);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    expect(thumb.headers['cache-control']).toContain('immutable');
    expect(await exifr.gps(thumb.rawPayload).catch(() => undefined)).toBeUndefined();
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(480);
    expect(meta.exif).toBeUndefined();

    // the original (with its EXIF) only for staff
    const original = await as(w, 'dispatcher', 'GET', p.url);
    expect(original.statusCode).toBe(200);
    expect(original.rawPayload.equals(bytes)).toBe(true);
    expectError(await as(w, 'wall', 'GET', p.url), 403);
  });

  it('the same bytes again: 200, the same id, nothing new stored', async () => {
    const bytes = await jpegWithGps(2);
    const first = (await upload('worker', bytes)).json() as PhotoUploadResponse;
    const before = await photoCount();
    const again = await upload('dispatcher', bytes, 'application/octet-stream');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ id: first.id, existing: true });
    expect(await photoCount()).toBe(before);
  });

  it('PNG and WebP are recognised by their bytes whatever the declared type', async () => {
    const png = await sharp({ create: { width: 40, height: 30, channels: 4, background: '#00ff0080' } }).png().toBuffer();
    const res = await upload('worker', png, 'image/jpeg');
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ mime: 'image/png', gps: null, takenAt: null });
    const webp = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#123456' } }).webp().toBuffer();
    expect((await upload('worker', webp, 'application/octet-stream')).json()).toMatchObject({ mime: 'image/webp' });
  });

  it('refuses what is not a photo, and stores nothing', async () => {
    const before = await photoCount();
    const files = filesUnder(uploads).length;
    const jpeg = await jpegWithGps(3);
    const cases: [Buffer | string, string, number, string][] = [
      [Buffer.from('GIF89a not a photo at all'), 'image/jpeg', 415, 'UNSUPPORTED_PHOTO'],
      [jpeg.subarray(0, 200), 'image/jpeg', 415, 'UNSUPPORTED_PHOTO'], // truncated
      [Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(500, 0)]), 'image/jpeg', 415, 'UNSUPPORTED_PHOTO'],
      [Buffer.alloc(0), 'image/jpeg', 400, 'EMPTY_PHOTO'],
      [jpeg, 'text/plain', 415, ''],
      [Buffer.alloc(300_000, 1), 'image/jpeg', 413, ''],
    ];
    for (const [body, type, status, code] of cases) {
      const e = expectError(await upload('worker', body, type), status);
      if (code) expect(e.code).toBe(code);
    }
    // a small file that declares a gigantic image
    const wide = await sharp({ create: { width: 12_500, height: 8, channels: 3, background: '#fff' } }).png().toBuffer();
    expect(expectError(await upload('worker', wide, 'image/png'), 413).code).toBe('PHOTO_DIMENSIONS');
    expect(await photoCount()).toBe(before);
    expect(filesUnder(uploads).length).toBe(files);
  });

  it('needs a signed-in staff role; unknown ids are 404 and malformed ids 400', async () => {
    const jpeg = await jpegWithGps(4);
    expectError(await w.app.inject({ method: 'POST', url: '/api/photos', headers: { 'content-type': 'image/jpeg' }, payload: jpeg }), 401);
    expectError(await upload('wall', jpeg), 403);
    expectError(await as(w, 'worker', 'GET', `/api/photos/${'a'.repeat(64)}/thumb`), 404);
    expectError(await as(w, 'worker', 'GET', '/api/photos/..%2F..%2Fetc%2Fpasswd/thumb'), 400);
    expectError(await as(w, 'worker', 'GET', `/api/photos/${'A'.repeat(64)}`), 400);
  });

  it('limits uploads per user and minute with a clear 429', async () => {
    const limited = await caseWorld({ uploadDir: uploads, photoRate: 2 });
    try {
      const send = (seed: number) =>
        jpegWithGps(seed).then((b) =>
          limited.app.inject({ method: 'POST', url: '/api/photos', headers: { cookie: limited.cookies.worker, 'x-gc-csrf': '1', 'content-type': 'image/jpeg' }, payload: b }),
        );
      expect([(await send(10)).statusCode, (await send(11)).statusCode]).toEqual([201, 201]);
      const third = await send(12);
      expect(expectError(third, 429).code).toBe('RATE_LIMITED');
      expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
      // another user has a budget of their own
      const other = await limited.app.inject({
        method: 'POST', url: '/api/photos', headers: { cookie: limited.cookies.dispatcher, 'x-gc-csrf': '1', 'content-type': 'image/jpeg' }, payload: await jpegWithGps(13),
      });
      expect(other.statusCode).toBe(201);
    } finally {
      await limited.close();
    }
  });
});

describe('patrols, check-ins and visits', () => {
  const at = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();

  it('a patrol from start to stop, with its track and a check-in on it', async () => {
    const { lon, lat } = w.home;
    const start = await as(w, 'worker', 'POST', '/api/patrols', { position: { lon, lat, accuracyM: 8, at: at(600_000) } });
    expect(start.statusCode, start.body).toBe(201);
    const p = start.json() as Patrol;
    expect(p).toMatchObject({ endedAt: null, points: 1, distanceM: 0 });
    expect(expectError(await as(w, 'worker', 'POST', '/api/patrols', {}), 409).code).toBe('PATROL_ACTIVE');

    const points = [1, 2, 3].map((i) => ({ lon: lon + i * 0.001, lat, at: at(600_000 - i * 60_000), accuracyM: 10 }));
    const moved = await as(w, 'worker', 'POST', `/api/patrols/${p.id}/points`, { points: [...points, points[0]] });
    expect(moved.statusCode, moved.body).toBe(200);
    const m = moved.json() as { accepted: number; stale: number; distanceM: number };
    expect(m.accepted).toBe(3);
    expect(m.stale).toBe(1);
    expect(m.distanceM).toBeGreaterThan(240); // 3 legs of ~85 m at 39.9°N
    expect(m.distanceM).toBeLessThan(280);
    // the same points again are all stale
    expect((await as(w, 'worker', 'POST', `/api/patrols/${p.id}/points`, { points })).json()).toMatchObject({ accepted: 0, stale: 3 });
    // a point in the future is refused and changes nothing
    expectError(await as(w, 'worker', 'POST', `/api/patrols/${p.id}/points`, { points: [{ lon, lat, at: new Date(Date.now() + 3_600_000).toISOString() }] }), 400);
    // nobody else adds to my track
    expect(expectError(await as(w, 'admin', 'POST', `/api/patrols/${p.id}/points`, { points: [{ lon, lat, at: at(1000) }] }), 403).code).toBe('NOT_YOUR_PATROL');

    const ci = await as(w, 'worker', 'POST', '/api/checkins', { lon, lat, place: '  社区服务站  ', at: at(200_000) });
    expect(ci.statusCode, ci.body).toBe(201);
    expect(ci.json()).toMatchObject({ patrolId: p.id, place: '社区服务站', gridCode: w.home.grid });

    const center = (await as(w, 'dispatcher', 'GET', '/api/patrols?active=true')).json() as { items: Patrol[] };
    const mine = center.items.find((x) => x.id === p.id)!;
    expect(mine).toMatchObject({ points: 4, checkins: 1 });
    expect(mine.track).toHaveLength(4);

    const stop = await as(w, 'worker', 'POST', `/api/patrols/${p.id}/stop`, {});
    expect(stop.statusCode, stop.body).toBe(200);
    expect((stop.json() as Patrol).endedAt).not.toBeNull();
    expect(expectError(await as(w, 'worker', 'POST', `/api/patrols/${p.id}/points`, { points: [{ lon, lat, at: at(0) }] }), 409).code).toBe('PATROL_ENDED');
    const types = (await w.db.pool.query<{ type: string }>(`SELECT type FROM event WHERE type LIKE 'patrol.%' ORDER BY id`)).rows.map((r) => r.type);
    expect(types).toEqual(['patrol.started', 'patrol.moved', 'patrol.checkin', 'patrol.stopped']);
  });

  it('a retry with the same Idempotency-Key writes once and answers the same', async () => {
    const send = () =>
      w.app.inject({
        method: 'POST', url: '/api/visits',
        headers: { cookie: w.cookies.worker, 'x-gc-csrf': '1', 'idempotency-key': 'visit-3f1c' },
        payload: { date: '2026-11-30', household: '3 栋 2 单元 401', note: '独居老人，身体良好' },
      });
    const a = await send();
    const b = await send();
    expect(a.statusCode, a.body).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.headers['idempotent-replayed']).toBe('true');
    expect(b.json()).toEqual(a.json());
    const n = await w.db.pool.query(`SELECT 1 FROM household_visit WHERE household = '3 栋 2 单元 401'`);
    expect(n.rowCount).toBe(1);
    const list = (await as(w, 'worker', 'GET', '/api/visits?from=2026-11-01&to=2026-11-30')).json() as { items: { household: string; gridCode: string }[] };
    expect(list.items.map((v) => v.household)).toContain('3 栋 2 单元 401');
  });

  it('refuses impossible dates and blank text, and stores nothing', async () => {
    const count = async () => Number((await w.db.pool.query<{ n: string }>('SELECT (SELECT count(*) FROM household_visit) + (SELECT count(*) FROM checkin) AS n')).rows[0]!.n);
    const before = await count();
    const { lon, lat } = w.home;
    const bad: [string, unknown][] = [
      ['/api/visits', { date: '2026-02-30', household: 'x' }],
      ['/api/visits', { date: '0000-01-01', household: 'x' }],
      ['/api/visits', { date: '2099-01-01', household: 'x' }],
      ['/api/visits', { date: '2026-11-01', household: '   ' }],
      ['/api/visits', { date: '2026-11-01', household: 'a\u0000b' }],
      ['/api/visits', { date: '2026-11-01', household: 'x', lon }],
      ['/api/checkins', { lon, lat, place: ' \t ' }],
      ['/api/checkins', { lon, lat, place: 'x', at: '2027-02-30T10:00:00+08:00' }],
      ['/api/checkins', { lon, lat, place: 'x', at: '0000-01-01T10:00:00Z' }],
      ['/api/checkins', { lon, lat, place: 'x', photos: ['f'.repeat(64)] }],
      ['/api/checkins', { lon: 500, lat, place: 'x' }],
    ];
    for (const [url, body] of bad) {
      const res = await as(w, 'worker', 'POST', url, body);
      expect(res.statusCode, `${url} ${JSON.stringify(body)} → ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${url} ${JSON.stringify(body)} → ${res.body}`).toBeLessThan(500);
      expectError(res, res.statusCode);
    }
    expectError(await as(w, 'worker', 'GET', '/api/visits?from=2026-11-30&to=2026-11-01'), 400);
    expectError(await as(w, 'worker', 'GET', '/api/visits?from=2026-02-30'), 400);
    expectError(await as(w, 'dispatcher', 'POST', '/api/visits', { date: '2026-11-01', household: 'x' }), 403);
    expectError(await as(w, 'wall', 'GET', '/api/patrols'), 403);
    expect(await count()).toBe(before);
  });
});

describe('device sessions and the worker page', () => {
  it('a phone stays signed in for weeks, is listed, and the admin revokes it at once', async () => {
    const res = await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'worker', password: PASSWORD, device: { name: '张师傅的手机' } } });
    expect(res.statusCode, res.body).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    const maxAge = Number(/Max-Age=(\d+)/i.exec(setCookie)?.[1]);
    expect(maxAge).toBeGreaterThan(30 * 86_400);
    const cookie = sessionCookie(res);
    const mine = (await w.app.inject({ method: 'GET', url: '/api/auth/sessions', headers: { cookie } })).json() as { items: { id: number; kind: string; deviceName: string | null }[] };
    const device = mine.items.find((s) => s.kind === 'device' && s.deviceName === '张师傅的手机');
    expect(device).toBeTruthy();
    expectError(await w.app.inject({ method: 'GET', url: '/api/admin/sessions', headers: { cookie } }), 403);
    const all = (await as(w, 'admin', 'GET', '/api/admin/sessions?user=' + (await w.db.pool.query<{ id: number }>(`SELECT id FROM app_user WHERE username = 'worker'`)).rows[0]!.id)).json() as { items: { id: number }[] };
    expect(all.items.map((s) => s.id)).toContain(device!.id);
    expect((await as(w, 'admin', 'DELETE', `/api/admin/sessions/${device!.id}`)).statusCode).toBe(204);
    expectError(await w.app.inject({ method: 'GET', url: '/api/field/me', headers: { cookie } }), 401);
    expectError(await as(w, 'admin', 'DELETE', `/api/admin/sessions/${device!.id}`), 404);
    expectError(await w.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'worker', password: PASSWORD, device: { name: '   ' } } }), 400);
  });

  it('GET /api/field/me gives the worker their grids with geometry', async () => {
    const me = (await as(w, 'worker', 'GET', '/api/field/me')).json() as FieldMe;
    expect(me.user.role).toBe('worker');
    expect(me.grids.features.length).toBeGreaterThan(0);
    const codes = me.grids.features.map((f) => (f as { properties: { code: string } }).properties.code);
    expect(codes).toContain(w.home.grid);
    const [x0, y0, x1, y1] = me.bbox!;
    expect(w.home.lon).toBeGreaterThan(x0);
    expect(w.home.lon).toBeLessThan(x1);
    expect(w.home.lat).toBeGreaterThan(y0);
    expect(w.home.lat).toBeLessThan(y1);
    const other = (await as(w, 'dispatcher', 'GET', '/api/field/me')).json() as FieldMe;
    expect(other.grids.features).toHaveLength(0);
  });
});
