/**
 * API keys of Open311 applications (admin only, the API's own error shape):
 *   POST   /api/admin/api-keys       { name, ratePerMinute } → 201 { id, name, key, ratePerMinute, … } (the key is shown this once)
 *   GET    /api/admin/api-keys       the keys, without their values
 *   DELETE /api/admin/api-keys/:id   revoke: the key's next POST is refused (403)
 * Only the SHA-256 of a key is stored.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse, Text } from '@gridcommand/shared/schemas';
import { notFound } from '../../plugins/errors.ts';
import { newToken, tokenHash } from '../auth/passwords.ts';
import * as repo from './repository.ts';
import { recordAudit } from '../audit/record.ts';

const KEY_PREFIX = 'gc311_';

const ApiKey = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  ratePerMinute: Type.Integer(),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  lastUsedAt: Type.Union([Type.String(), Type.Null()]),
});
const NewApiKey = Type.Object({ ...ApiKey.properties, key: Type.String() });
const CreateBody = Type.Object(
  { name: Text(100), ratePerMinute: Type.Integer({ minimum: 1, maximum: 10_000 }) },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }, { additionalProperties: false });
const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };
const ADMIN = { roles: ['admin'] as const };

function shown(k: repo.ApiKeyRow) {
  return {
    id: k.id,
    name: k.name,
    ratePerMinute: k.rate_per_minute,
    createdAt: k.created_at.toISOString(),
    revokedAt: k.revoked_at ? k.revoked_at.toISOString() : null,
    lastUsedAt: k.last_used_at ? k.last_used_at.toISOString() : null,
  };
}

const apiKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post('/api/admin/api-keys', { schema: { body: CreateBody, response: { 201: NewApiKey, ...errors } }, config: ADMIN }, async (request, reply) => {
    const { token } = newToken();
    const key = `${KEY_PREFIX}${token}`;
    const hash = tokenHash(key);
    const row = await repo.insertKey(app.pool, { name: request.body.name.trim(), hash, ratePerMinute: request.body.ratePerMinute, createdBy: request.user!.id });
    await recordAudit(app.pool, request, 'api_key.create', { objectType: 'api_key', objectId: row.id, detail: { name: row.name, ratePerMinute: row.rate_per_minute } });
    return reply.status(201).send({ ...shown(row), key });
  });

  app.get('/api/admin/api-keys', { schema: { response: { 200: Type.Object({ items: Type.Array(ApiKey) }), ...errors } }, config: ADMIN }, async () => ({
    items: (await repo.listKeys(app.pool)).map(shown),
  }));

  app.delete('/api/admin/api-keys/:id', { schema: { params: IdParams, response: { 200: ApiKey, ...errors } }, config: ADMIN }, async (request) => {
    const row = await repo.revokeKey(app.pool, request.params.id);
    if (!row) throw notFound('API_KEY_NOT_FOUND', `no API key ${request.params.id}`);
    await recordAudit(app.pool, request, 'api_key.revoke', { objectType: 'api_key', objectId: row.id, detail: { name: row.name } });
    return shown(row);
  });
};

export default apiKeyRoutes;
