-- The cache key of a task (workflow/cache_key.h): a task whose key matches an earlier
-- succeeded task reuses its outputs. '' = not cacheable.
ALTER TABLE tasks ADD COLUMN cache_key TEXT NOT NULL DEFAULT '';
CREATE INDEX tasks_by_cache_key ON tasks (cache_key) WHERE cache_key != '';
