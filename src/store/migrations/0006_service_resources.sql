-- 0006: what each replica of a service asks of the inference environment (the
-- resources mapping of resources/resource_request.h, as JSON), so a restarted server
-- books the same fixed slices again.
ALTER TABLE service_specs ADD COLUMN resources TEXT NOT NULL DEFAULT '{}';
