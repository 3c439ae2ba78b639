-- 0004: the model library's tags, aliases and stages, and services with several
-- replicas and a traffic split between a stable and a canary model version.

-- Free-form key/value tags on one model version.
CREATE TABLE model_tags (
  model_name  TEXT NOT NULL,
  version     INTEGER NOT NULL,
  key         TEXT NOT NULL,
  value       TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (model_name, version, key),
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
);

-- A name (production, staging, anything) that points at one version of a model.
CREATE TABLE model_aliases (
  model_name  TEXT NOT NULL,
  alias       TEXT NOT NULL,
  version     INTEGER NOT NULL,
  updated_ms  INTEGER NOT NULL,
  PRIMARY KEY (model_name, alias),
  FOREIGN KEY (model_name, version) REFERENCES model_versions (model_name, version)
);

-- The lifecycle stage of a version: none | staging | production | archived.
ALTER TABLE model_versions ADD COLUMN stage TEXT NOT NULL DEFAULT 'none';

-- What a service should run besides its stable model version (services row): how many
-- replicas, their batching, and an optional canary version with its traffic weight.
CREATE TABLE service_specs (
  name            TEXT PRIMARY KEY REFERENCES services (name) ON DELETE CASCADE,
  replicas        INTEGER NOT NULL DEFAULT 1,
  batch_max       INTEGER NOT NULL DEFAULT 0,
  batch_delay_us  INTEGER NOT NULL DEFAULT 0,
  canary_model    TEXT NOT NULL DEFAULT '',
  canary_version  INTEGER NOT NULL DEFAULT 0,
  canary_weight   INTEGER NOT NULL DEFAULT 0,
  updated_ms      INTEGER NOT NULL
);

-- What a service runs: one row per replica process.
CREATE TABLE service_replicas (
  service        TEXT NOT NULL REFERENCES services (name) ON DELETE CASCADE,
  id             TEXT NOT NULL,
  track          TEXT NOT NULL,             -- stable | canary
  model_name     TEXT NOT NULL,
  model_version  INTEGER NOT NULL,
  state          TEXT NOT NULL,             -- starting | ready | draining
  host           TEXT NOT NULL DEFAULT '',
  port           INTEGER NOT NULL DEFAULT 0,
  pid            INTEGER NOT NULL DEFAULT 0,
  start_ticks    INTEGER NOT NULL DEFAULT 0,
  restarts       INTEGER NOT NULL DEFAULT 0,
  created_ms     INTEGER NOT NULL,
  updated_ms     INTEGER NOT NULL,
  PRIMARY KEY (service, id)
);
