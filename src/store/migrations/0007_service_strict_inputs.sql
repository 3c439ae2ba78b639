-- 0007: whether a service's replicas refuse raw rows that need a guess (an unseen
-- category, a number for a text column) instead of answering with warnings, so a
-- restarted server starts them the same way.
ALTER TABLE service_specs ADD COLUMN strict_inputs INTEGER NOT NULL DEFAULT 0;
