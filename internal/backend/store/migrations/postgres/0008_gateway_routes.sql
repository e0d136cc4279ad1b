-- Kong routes: the requests that reach a service. A route keeps its service: deleting a service
-- that still has routes is refused by the API, and the foreign key stops it in the database too.
CREATE TABLE gateway_routes (
    id               TEXT COLLATE "C" PRIMARY KEY,
    region           TEXT COLLATE "C" NOT NULL,
    control_plane_id TEXT COLLATE "C" NOT NULL REFERENCES control_planes (id) ON DELETE CASCADE,
    service_id       TEXT COLLATE "C" REFERENCES gateway_services (id),
    name             TEXT COLLATE "C",
    -- The Kong entity without id, name, service and timestamps, as JSON.
    entity           TEXT COLLATE "C" NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (control_plane_id, name)
);

CREATE INDEX gateway_routes_order ON gateway_routes (control_plane_id, created_at, id);
CREATE INDEX gateway_routes_service ON gateway_routes (service_id);
