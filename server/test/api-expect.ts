/** Assertions shared by the API tests: every error answers the one error shape. */
import { expect } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
}

/** The response is `status` with { statusCode, error, message, code? } as JSON; returns the body. */
export function expectError(res: LightMyRequestResponse, status: number): ErrorBody {
  expect(res.statusCode, `${res.statusCode} ${res.body.slice(0, 300)}`).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.json() as ErrorBody;
  expect(body.statusCode).toBe(status);
  expect(typeof body.error).toBe('string');
  expect(body.error.length).toBeGreaterThan(0);
  expect(typeof body.message).toBe('string');
  expect(body.message.length).toBeGreaterThan(0);
  if (body.code !== undefined) expect(typeof body.code).toBe('string');
  expect(Object.keys(body).sort()).toEqual(
    body.code === undefined ? ['error', 'message', 'statusCode'] : ['code', 'error', 'message', 'statusCode'],
  );
  return body;
}

/** Slippy-map tile that holds a point. */
export function tileAt(lon: number, lat: number, z: number): { z: number; x: number; y: number } {
  const n = 2 ** z;
  const x = Math.floor(((lon + 180) / 360) * n);
  const r = (lat * Math.PI) / 180;
  const y = Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n);
  return { z, x, y };
}
