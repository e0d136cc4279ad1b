-- Gateway node sync: the configuration hash each node reports, the hash the backend last computed
-- for each control plane with when it first did, and the tokens nodes authenticate with.

ALTER TABLE gateway_nodes ADD COLUMN config_hash TEXT COLLATE "C" NOT NULL DEFAULT '';

-- The node configuration hash of a control plane as the backend last computed it, and when that
-- hash was first computed: expected-config-hash answers it as updated_at.
CREATE TABLE node_config_hashes (
    control_plane_id TEXT COLLATE "C" PRIMARY KEY REFERENCES control_planes (id) ON DELETE CASCADE,
    hash             TEXT COLLATE "C" NOT NULL,
    updated_at       BIGINT NOT NULL
);

-- Node tokens may read one control plane's node configuration and report its nodes; only their
-- hash is stored.
CREATE TABLE node_tokens (
    id               TEXT COLLATE "C" PRIMARY KEY,
    region           TEXT COLLATE "C" NOT NULL,
    control_plane_id TEXT COLLATE "C" NOT NULL REFERENCES control_planes (id) ON DELETE CASCADE,
    name             TEXT COLLATE "C" NOT NULL,
    token_hash       TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at       TEXT COLLATE "C" NOT NULL,
    last_used_at     TEXT COLLATE "C"
);

CREATE INDEX node_tokens_control_plane ON node_tokens (control_plane_id, created_at, id);

