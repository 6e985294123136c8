/**
 * The public side's settings (table public_setting, one row): points rules and sensitive major categories, read
 * where they apply (awarding points in the writer's transaction, Open311 answers) and changed by the admin
 * (GET / PUT /api/admin/public-settings). Read each time: one indexed row, and a change applies at once everywhere.
 */
import type pg from 'pg';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DEFAULT_POINT_RULES, DEFAULT_SENSITIVE_MAJORS, type PointRules } from '@gridcommand/shared/domain';
import { ErrorResponse, PublicSettings, PublicSettingsResponse } from '@gridcommand/shared/schemas';
import { HttpError } from '../../plugins/errors.ts';
import { recordAudit } from '../audit/record.ts';

type Queryable = Pick<pg.PoolClient, 'query'>;

export interface Settings {
  pointRules: PointRules;
  sensitiveMajors: string[];
  updatedAt: Date | null;
}

export async function publicSettings(db: Queryable): Promise<Settings> {
  const { rows } = await db.query<{ point_rules: PointRules; sensitive_majors: string[]; updated_at: Date }>(
    'SELECT point_rules, sensitive_majors, updated_at FROM public_setting WHERE id',
  );
  const r = rows[0];
  if (!r) return { pointRules: DEFAULT_POINT_RULES, sensitiveMajors: [...DEFAULT_SENSITIVE_MAJORS], updatedAt: null };
  return { pointRules: { ...DEFAULT_POINT_RULES, ...r.point_rules }, sensitiveMajors: r.sensitive_majors, updatedAt: r.updated_at };
}

const errors = { '4xx': ErrorResponse, '5xx': ErrorResponse };

const present = (s: Settings) => ({ pointRules: s.pointRules, sensitiveMajors: s.sensitiveMajors, updatedAt: (s.updatedAt ?? new Date(0)).toISOString() });

export const settingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/admin/public-settings',
    { schema: { response: { 200: PublicSettingsResponse, ...errors } }, config: { roles: ['admin'] } },
    async () => present(await publicSettings(app.pool)),
  );
  app.put(
    '/api/admin/public-settings',
    { schema: { body: PublicSettings, response: { 200: PublicSettingsResponse, ...errors } }, config: { roles: ['admin'] } },
    async (request) => {
      const { pointRules, sensitiveMajors } = request.body;
      const known = await app.pool.query<{ code: string }>('SELECT code FROM category_major WHERE code = ANY($1::text[])', [sensitiveMajors]);
      const unknown = sensitiveMajors.filter((m) => !known.rows.some((k) => k.code === m));
      if (unknown.length > 0) throw new HttpError(422, 'UNKNOWN_CATEGORY', `no major category ${unknown.join(', ')}`);
      await app.pool.query(
        `UPDATE public_setting SET point_rules = $1, sensitive_majors = $2, updated_at = now(), updated_by = $3 WHERE id`,
        [JSON.stringify(pointRules), sensitiveMajors, request.user!.id],
      );
      await recordAudit(app.pool, request, 'public_settings.update', { objectType: 'public_settings', detail: { pointRules, sensitiveMajors } });
      return present(await publicSettings(app.pool));
    },
  );
};
