-- Publication lifecycle: APIs, control planes with their gateway services, data-plane nodes and
-- plugins, service links (API implementations) and API publications.
-- Gateway entities keep Kong's integer unix timestamps; the others use the foundation's text times.

CREATE TABLE apis (
    id          TEXT PRIMARY KEY,
    region      TEXT NOT NULL,
    name        TEXT NOT NULL,
    version     TEXT,
    -- version with NULL as '', so that name + version is unique for unversioned APIs too.
    version_key TEXT NOT NULL,
    description TEXT,
    slug        TEXT NOT NULL,
    labels      TEXT NOT NULL,
    attributes  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (region, name, version_key),
    UNIQUE (region, slug)
);

CREATE INDEX apis_region_order ON apis (region, created_at, id);

CREATE TABLE control_planes (
    id          TEXT PRIMARY KEY,
    region      TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT,
    labels      TEXT NOT NULL,
    auth_type   TEXT NOT NULL,
    proxy_urls  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (region, name)
);

CREATE INDEX control_planes_region_order ON control_planes (region, created_at, id);

CREATE TABLE gateway_services (
    id               TEXT PRIMARY KEY,
    region           TEXT NOT NULL,
    control_plane_id TEXT NOT NULL REFERENCES control_planes (id) ON DELETE CASCADE,
    name             TEXT,
    -- The Kong entity without id, name and timestamps, as JSON.
    entity           TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    UNIQUE (control_plane_id, name)
);

CREATE INDEX gateway_services_order ON gateway_services (control_plane_id, created_at, id);

CREATE TABLE gateway_nodes (
    id               TEXT PRIMARY KEY,
    region           TEXT NOT NULL,
    control_plane_id TEXT NOT NULL REFERENCES control_planes (id) ON DELETE CASCADE,
    hostname         TEXT NOT NULL,
    version          TEXT NOT NULL,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE INDEX gateway_nodes_order ON gateway_nodes (control_plane_id, created_at, id);

CREATE TABLE gateway_plugins (
    id               TEXT PRIMARY KEY,
    region           TEXT NOT NULL,
    control_plane_id TEXT NOT NULL REFERENCES control_planes (id) ON DELETE CASCADE,
    service_id       TEXT REFERENCES gateway_services (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    enabled          INTEGER NOT NULL,
    protocols        TEXT NOT NULL,
    tags             TEXT NOT NULL,
    config           TEXT NOT NULL,
    -- The API whose publications this plugin enforces, for plugins the backend manages.
    managed_api_id   TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

CREATE INDEX gateway_plugins_order ON gateway_plugins (control_plane_id, created_at, id);
CREATE INDEX gateway_plugins_service ON gateway_plugins (service_id);
CREATE INDEX gateway_plugins_managed ON gateway_plugins (managed_api_id);

CREATE TABLE api_implementations (
    id               TEXT PRIMARY KEY,
    region           TEXT NOT NULL,
    api_id           TEXT NOT NULL UNIQUE REFERENCES apis (id) ON DELETE CASCADE,
    control_plane_id TEXT NOT NULL REFERENCES control_planes (id),
    service_id       TEXT NOT NULL UNIQUE REFERENCES gateway_services (id),
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

CREATE INDEX api_implementations_order ON api_implementations (region, created_at, id);
CREATE INDEX api_implementations_control_plane ON api_implementations (control_plane_id);

CREATE TABLE api_publications (
    api_id                     TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    portal_id                  TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    region                     TEXT NOT NULL,
    -- Resolved at publish time: NULL means no application auth.
    auth_strategy_id           TEXT REFERENCES auth_strategies (id),
    visibility                 TEXT NOT NULL,
    auto_approve_registrations INTEGER NOT NULL,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL,
    PRIMARY KEY (api_id, portal_id)
);

CREATE INDEX api_publications_order ON api_publications (region, created_at, api_id, portal_id);
CREATE INDEX api_publications_portal ON api_publications (portal_id);
CREATE INDEX api_publications_strategy ON api_publications (auth_strategy_id);
