-- Stand-ins for the Citus functions distribute.sql calls, for checking the script on plain PostgreSQL (never on a
-- Citus node: they would shadow the real ones). Each refuses what Citus refuses when a table is distributed,
-- replicated or added to the coordinator's metadata, and records the table's class in citus_stand_in:
-- - a distributed table: its distribution column exists and is NOT NULL; every unique index and constraint includes
--   it; `colocate_with` names a distributed table whose distribution column has the same type;
-- - its foreign keys point at a reference table, or at a table of its own co-location group;
-- - a reference table's foreign keys point at reference tables (itself included); a local table's at reference or
--   local ones.
-- Foreign keys added after distribution are checked by server/test/citus-readiness.test.ts.
CREATE TABLE citus_stand_in (
  tbl      regclass PRIMARY KEY,
  kind     text NOT NULL CHECK (kind IN ('distributed', 'reference', 'local')),
  col      text,
  col_type regtype,
  grp      text
);

CREATE FUNCTION citus_stand_in_fk_targets(t regclass) RETURNS TABLE (target regclass, kind text, grp text)
  LANGUAGE sql STABLE AS $$
  SELECT c.confrelid::regclass, s.kind, s.grp
    FROM pg_constraint c LEFT JOIN citus_stand_in s ON s.tbl = c.confrelid
   WHERE c.contype = 'f' AND c.conrelid = t AND c.confrelid <> t
$$;

CREATE FUNCTION create_reference_table(t regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM citus_stand_in_fk_targets(t) LOOP
    IF r.kind IS DISTINCT FROM 'reference' THEN
      RAISE EXCEPTION 'reference table % refers to %, which is not a reference table (yet)', t, r.target;
    END IF;
  END LOOP;
  INSERT INTO citus_stand_in (tbl, kind) VALUES (t, 'reference');
END $$;

CREATE FUNCTION citus_add_local_table_to_metadata(t regclass) RETURNS void LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM citus_stand_in_fk_targets(t) LOOP
    IF r.kind IS NULL OR r.kind = 'distributed' THEN
      RAISE EXCEPTION 'local table % refers to %, which is neither a reference nor a local table', t, r.target;
    END IF;
  END LOOP;
  INSERT INTO citus_stand_in (tbl, kind) VALUES (t, 'local');
END $$;

CREATE FUNCTION create_distributed_table(t regclass, col text, colocate_with text DEFAULT 'default') RETURNS void
  LANGUAGE plpgsql AS $$
DECLARE
  att record;
  other record;
  r record;
  g text;
BEGIN
  SELECT a.attnum, a.attnotnull, a.atttypid INTO att FROM pg_attribute a
   WHERE a.attrelid = t AND a.attname = col AND NOT a.attisdropped;
  IF NOT FOUND THEN RAISE EXCEPTION 'cannot distribute %: no column %', t, col; END IF;
  IF NOT att.attnotnull THEN RAISE EXCEPTION 'cannot distribute %: % may be null', t, col; END IF;
  FOR r IN SELECT i.indexrelid::regclass AS idx FROM pg_index i
            WHERE i.indrelid = t AND i.indisunique AND NOT (att.attnum = ANY (i.indkey::int2[])) LOOP
    RAISE EXCEPTION 'cannot distribute %: unique index % does not include %', t, r.idx, col;
  END LOOP;
  IF colocate_with = 'default' THEN
    g := t::text;
  ELSE
    SELECT * INTO other FROM citus_stand_in WHERE tbl = colocate_with::regclass AND kind = 'distributed';
    IF NOT FOUND THEN RAISE EXCEPTION 'cannot co-locate % with %: not distributed', t, colocate_with; END IF;
    IF other.col_type <> att.atttypid THEN
      RAISE EXCEPTION 'cannot co-locate % with %: % is %, not %', t, colocate_with, col, att.atttypid::regtype, other.col_type;
    END IF;
    g := other.grp;
  END IF;
  FOR r IN SELECT * FROM citus_stand_in_fk_targets(t) LOOP
    IF r.kind IS NULL OR r.kind = 'local' OR (r.kind = 'distributed' AND r.grp <> g) THEN
      RAISE EXCEPTION 'distributed table % refers to %, which is neither a reference table nor in its co-location group', t, r.target;
    END IF;
  END LOOP;
  INSERT INTO citus_stand_in (tbl, kind, col, col_type, grp) VALUES (t, 'distributed', col, att.atttypid, g);
END $$;
