-- Publication lifecycle: APIs, control planes with their gateway services, data-plane nodes and
-- plugins, service links (API implementations) and API publications.
-- Gateway entities keep Kong's integer unix timestamps; the others use the foundation's text times.

CREATE TABLE apis (
    id          TEXT COLLATE "C" PRIMARY KEY,
    region      TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    version     TEXT COLLATE "C",
    -- version with NULL as '', so that name + version is unique for unversioned APIs too.
    version_key TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    slug        TEXT COLLATE "C" NOT NULL,
    labels      TEXT COLLATE "C" NOT NULL,
    attributes  TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    UNIQUE (region, name, version_key),
    UNIQUE (region, slug)
);

CREATE INDEX apis_region_order ON apis (region, created_at, id);

CREATE TABLE control_planes (
    id          TEXT COLLATE "C" PRIMARY KEY,
    region      TEXT COLLATE "C" NOT NULL,
    name        TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    labels      TEXT COLLATE "C" NOT NULL,
    auth_type   TEXT COLLATE "C" NOT NULL,
    proxy_urls  TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    UNIQUE (region, name)
);

CREATE INDEX control_planes_region_order ON control_planes (region, created_at, id);

CREATE TABLE gateway_services (
    id               TEXT COLLATE "C" PRIMARY KEY,
    region           TEXT COLLATE "C" NOT NULL,
    control_plane_id TEXT COLLATE "C" NOT NULL REFERENCES control_planes (id) ON DELETE CASCADE,
    name             TEXT COLLATE "C",
    -- The Kong entity without id, name and timestamps, as JSON.
    entity           TEXT COLLATE "C" NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (control_plane_id, name)
);

CREATE INDEX gateway_services_order ON gateway_services (control_plane_id, created_at, id);

CREATE TABLE gateway_nodes (
    id               TEXT COLLATE "C" PRIMARY KEY,
    region           TEXT COLLATE "C" NOT NULL,
    control_plane_id TEXT COLLATE "C" NOT NULL REFERENCES control_planes (id) ON DELETE CASCADE,
    hostname         TEXT COLLATE "C" NOT NULL,
    version          TEXT COLLATE "C" NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE INDEX gateway_nodes_order ON gateway_nodes (control_plane_id, created_at, id);

CREATE TABLE gateway_plugins (
    id               TEXT COLLATE "C" PRIMARY KEY,
    region           TEXT COLLATE "C" NOT NULL,
    control_plane_id TEXT COLLATE "C" NOT NULL REFERENCES control_planes (id) ON DELETE CASCADE,
    service_id       TEXT COLLATE "C" REFERENCES gateway_services (id) ON DELETE CASCADE,
    name             TEXT COLLATE "C" NOT NULL,
    enabled          BOOLEAN NOT NULL,
    protocols        TEXT COLLATE "C" NOT NULL,
    tags             TEXT COLLATE "C" NOT NULL,
    config           TEXT COLLATE "C" NOT NULL,
    -- The API whose publications this plugin enforces, for plugins the backend manages.
    managed_api_id   TEXT COLLATE "C",
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);

CREATE INDEX gateway_plugins_order ON gateway_plugins (control_plane_id, created_at, id);
CREATE INDEX gateway_plugins_service ON gateway_plugins (service_id);
CREATE INDEX gateway_plugins_managed ON gateway_plugins (managed_api_id);

CREATE TABLE api_implementations (
    id               TEXT COLLATE "C" PRIMARY KEY,
    region           TEXT COLLATE "C" NOT NULL,
    api_id           TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES apis (id) ON DELETE CASCADE,
    control_plane_id TEXT COLLATE "C" NOT NULL REFERENCES control_planes (id),
    service_id       TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES gateway_services (id),
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL
);

CREATE INDEX api_implementations_order ON api_implementations (region, created_at, id);
CREATE INDEX api_implementations_control_plane ON api_implementations (control_plane_id);

CREATE TABLE api_publications (
    api_id                     TEXT COLLATE "C" NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    portal_id                  TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    region                     TEXT COLLATE "C" NOT NULL,
    -- Resolved at publish time: NULL means no application auth.
    auth_strategy_id           TEXT COLLATE "C" REFERENCES auth_strategies (id),
    visibility                 TEXT COLLATE "C" NOT NULL,
    auto_approve_registrations BOOLEAN NOT NULL,
    created_at                 TEXT COLLATE "C" NOT NULL,
    updated_at                 TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (api_id, portal_id)
);

CREATE INDEX api_publications_order ON api_publications (region, created_at, api_id, portal_id);
CREATE INDEX api_publications_portal ON api_publications (portal_id);
CREATE INDEX api_publications_strategy ON api_publications (auth_strategy_id);
