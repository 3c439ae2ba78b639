-- 0005: schedules (cron and event triggers), and what the engine must remember across a
-- restart that 0001 did not keep: how a run started, and when a retry may start.

CREATE TABLE schedules (
  name           TEXT PRIMARY KEY,
  pipeline_yaml  TEXT NOT NULL,
  pipeline_name  TEXT NOT NULL DEFAULT '',
  cron           TEXT NOT NULL DEFAULT '',   -- '' = fires on events only
  event          TEXT NOT NULL DEFAULT '',   -- '' = fires on its cron only
  params         TEXT NOT NULL DEFAULT '{}',
  paused         INTEGER NOT NULL DEFAULT 0,
  last_fired_ms  INTEGER NOT NULL DEFAULT 0,
  last_run_id    TEXT NOT NULL DEFAULT '',
  created_ms     INTEGER NOT NULL
);
CREATE INDEX schedules_by_event ON schedules (event) WHERE event != '';

-- '' = submitted by hand; else the schedule or event that submitted it.
ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT '';
-- 1 = submitted with --no-cache.
ALTER TABLE runs ADD COLUMN no_cache INTEGER NOT NULL DEFAULT 0;
-- A failed attempt waiting for its retry starts no earlier than this (0 = at once).
ALTER TABLE tasks ADD COLUMN not_before_ms INTEGER NOT NULL DEFAULT 0;
