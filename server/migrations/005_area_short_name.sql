-- Up Migration
-- Communities and villages have long official names (XX社区居民委员会, XX村民委员会); maps label them short.
ALTER TABLE area ADD COLUMN short_name text;
UPDATE area SET short_name = name WHERE short_name IS NULL;

-- Down Migration
ALTER TABLE area DROP COLUMN short_name;
