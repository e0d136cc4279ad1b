-- Indexes that lead with the region and the column a hot query looks up, so that SQLite, which
-- has no statistics on a fresh database, prefers them to the region-ordered list indexes: with
-- those, a lookup by API or control plane read every row of the region.
CREATE INDEX api_publications_api ON api_publications (region, api_id, created_at, portal_id);
CREATE INDEX api_implementations_region_control_plane ON api_implementations (region, control_plane_id);
CREATE INDEX application_registrations_api ON application_registrations (region, api_id, status);
-- The gateway data reads every key of a control plane's applications: with the key's hash and
-- expiry in the index it reads no table row.
CREATE INDEX api_keys_application_hashes ON api_keys (application_id, created_at, id, region, expires_at, key_hash);
