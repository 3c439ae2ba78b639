-- 0001: the first schema. Json documents are TEXT; times are ms since the epoch.
-- Never edit an applied migration: add 0002_*.sql instead.

CREATE TABLE artifacts (
  digest      TEXT PRIMARY KEY,            -- sha256 hex of the content
  size        INTEGER NOT NULL,
  kind        TEXT NOT NULL,
  meta        TEXT NOT NULL DEFAULT '{}',
  created_ms  INTEGER NOT NULL
);

CREATE TABLE datasets (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL,
  version         INTEGER NOT NULL,
  artifact_digest TEXT NOT NULL,
  schema          TEXT NOT NULL DEFAULT '{}',
  rows            INTEGER NOT NULL DEFAULT 0,
  source          TEXT NOT NULL DEFAULT '',
  created_ms      INTEGER NOT NULL,
  UNIQUE (name, version)
);

CREATE TABLE operators (
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  state       TEXT NOT NULL,
  runtime     TEXT NOT NULL,
  manifest    TEXT NOT NULL DEFAULT '{}',
  digest      TEXT NOT NULL DEFAULT '',
  created_ms  INTEGER NOT NULL,
  PRIMARY KEY (name, version)
);

CREATE TABLE pipelines (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  version     INTEGER NOT NULL,
  spec        TEXT NOT NULL,
  digest      TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  UNIQUE (name, version)
);

CREATE TABLE runs (
  id                TEXT PRIMARY KEY,
  pipeline_id       TEXT NOT NULL DEFAULT '',
  pipeline_name     TEXT NOT NULL DEFAULT '',
  pipeline_version  INTEGER NOT NULL DEFAULT 0,
  state             TEXT NOT NULL,
  error             TEXT NOT NULL DEFAULT '',
  params            TEXT NOT NULL DEFAULT '{}',
  created_ms        INTEGER NOT NULL,
  started_ms        INTEGER NOT NULL DEFAULT 0,
  finished_ms       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_state ON runs (state, created_ms);
CREATE INDEX runs_by_pipeline ON runs (pipeline_name, created_ms);

CREATE TABLE tasks (
  id                TEXT PRIMARY KEY,
  run_id            TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  node              TEXT NOT NULL,
  operator_name     TEXT NOT NULL DEFAULT '',
  operator_version  INTEGER NOT NULL DEFAULT 0,
  state             TEXT NOT NULL,
  attempt           INTEGER NOT NULL DEFAULT 0,
  params            TEXT NOT NULL DEFAULT '{}',
  inputs            TEXT NOT NULL DEFAULT '{}',
  outputs           TEXT NOT NULL DEFAULT '{}',
  task_dir          TEXT NOT NULL DEFAULT '',
  pid               INTEGER NOT NULL DEFAULT 0,
  start_ticks       INTEGER NOT NULL DEFAULT 0,
  exit_code         INTEGER NOT NULL DEFAULT 0,
  error             TEXT NOT NULL DEFAULT '',
  progress          REAL NOT NULL DEFAULT 0,
  message           TEXT NOT NULL DEFAULT '',
  started_ms        INTEGER NOT NULL DEFAULT 0,
  finished_ms       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tasks_by_run ON tasks (run_id);

CREATE TABLE models (
  name        TEXT PRIMARY KEY,
  created_ms  INTEGER NOT NULL
);

CREATE TABLE model_versions (
  model_name       TEXT NOT NULL REFERENCES models (name),
  version          INTEGER NOT NULL,
  artifact_digest  TEXT NOT NULL,
  format           TEXT NOT NULL,
  signature        TEXT NOT NULL DEFAULT '{}',
  metrics          TEXT NOT NULL DEFAULT '{}',
  lineage          TEXT NOT NULL DEFAULT '{}',
  created_ms       INTEGER NOT NULL,
  PRIMARY KEY (model_name, version)
);

CREATE TABLE services (
  name           TEXT PRIMARY KEY,
  model_name     TEXT NOT NULL,
  model_version  INTEGER NOT NULL,
  state          TEXT NOT NULL,
  host           TEXT NOT NULL DEFAULT '',
  port           INTEGER NOT NULL DEFAULT 0,
  pid            INTEGER NOT NULL DEFAULT 0,
  start_ticks    INTEGER NOT NULL DEFAULT 0,
  error          TEXT NOT NULL DEFAULT '',
  created_ms     INTEGER NOT NULL,
  updated_ms     INTEGER NOT NULL
);
