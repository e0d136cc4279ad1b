-- An application's client_id identifies it to identity providers and gateways, so it is unique in
-- its region. Databases made before this rule may hold the same client_id twice (developers may
-- choose it): the oldest application keeps it and each later one takes its own id instead. An
-- application whose client_id is another application's id takes its own id too, so that no new
-- value can meet an old one.

UPDATE applications
SET client_id = id
WHERE EXISTS (
        SELECT 1 FROM applications AS earlier
        WHERE earlier.region = applications.region
          AND earlier.client_id = applications.client_id
          AND (earlier.created_at < applications.created_at
               OR (earlier.created_at = applications.created_at AND earlier.id < applications.id))
    )
   OR EXISTS (
        SELECT 1 FROM applications AS other
        WHERE other.region = applications.region
          AND other.id = applications.client_id
          AND other.id <> applications.id
    );

CREATE UNIQUE INDEX applications_region_client_id ON applications (region, client_id);
