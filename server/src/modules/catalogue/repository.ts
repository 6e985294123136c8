import type pg from 'pg';
import type { Category, Department } from '@gridcommand/shared/schemas';

export async function listCategories(pool: pg.Pool, major: string | null): Promise<Category[]> {
  const { rows } = await pool.query<Category>(
    `SELECT c.code, c.major_code AS "majorCode", m.name AS "majorName", m.name_en AS "majorNameEn",
            c.name, c.name_en AS "nameEn", c.department_code AS "departmentCode",
            c.respond_limit::float8 AS "respondLimit", c.respond_unit AS "respondUnit",
            c.resolve_limit::float8 AS "resolveLimit", c.resolve_unit AS "resolveUnit",
            c.red_factor::float8 AS "redFactor", c.warn_ratio::float8 AS "warnRatio",
            c.closing_condition AS "closingCondition"
     FROM category c JOIN category_major m ON m.code = c.major_code
     WHERE $1::text IS NULL OR c.major_code = $1
     ORDER BY c.code`,
    [major],
  );
  return rows;
}

export async function listDepartments(pool: pg.Pool): Promise<Department[]> {
  const { rows } = await pool.query<Department>(`SELECT code, name, name_en AS "nameEn" FROM department ORDER BY code`);
  return rows;
}
