-- Self-service: developers with their one-time tokens, sessions and failed logins; applications
-- and their API keys. Secrets (passwords, tokens, keys) are stored only as hashes.

CREATE TABLE developers (
    id             TEXT COLLATE "C" PRIMARY KEY,
    region         TEXT COLLATE "C" NOT NULL,
    portal_id      TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    email          TEXT COLLATE "C" NOT NULL,
    full_name      TEXT COLLATE "C" NOT NULL,
    status         TEXT COLLATE "C" NOT NULL,
    password_hash  TEXT COLLATE "C",
    email_verified BOOLEAN NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    updated_at     TEXT COLLATE "C" NOT NULL,
    UNIQUE (portal_id, email)
);

CREATE INDEX developers_portal_order ON developers (region, portal_id, created_at, id);

-- Verification and password-reset tokens, each usable once.
CREATE TABLE developer_tokens (
    token_hash   TEXT COLLATE "C" PRIMARY KEY,
    developer_id TEXT COLLATE "C" NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    purpose      TEXT COLLATE "C" NOT NULL,
    expires_at   TEXT COLLATE "C" NOT NULL
);

CREATE INDEX developer_tokens_developer ON developer_tokens (developer_id);

CREATE TABLE developer_sessions (
    token_hash   TEXT COLLATE "C" PRIMARY KEY,
    developer_id TEXT COLLATE "C" NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    created_at   TEXT COLLATE "C" NOT NULL,
    expires_at   TEXT COLLATE "C" NOT NULL
);

CREATE INDEX developer_sessions_developer ON developer_sessions (developer_id);

-- Failed logins per portal and normalised e-mail address, whether or not an account exists, so
-- that throttling does not reveal which addresses have accounts.
CREATE TABLE login_failures (
    portal_id TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    email     TEXT COLLATE "C" NOT NULL,
    failed_at TEXT COLLATE "C" NOT NULL
);

CREATE INDEX login_failures_account ON login_failures (portal_id, email, failed_at);

-- auth_strategy_id has no foreign key: the server refuses to delete a strategy that applications
-- use, naming them, and applications of a database where one was deleted report it by id only.
CREATE TABLE applications (
    id               TEXT COLLATE "C" PRIMARY KEY,
    region           TEXT COLLATE "C" NOT NULL,
    portal_id        TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    developer_id     TEXT COLLATE "C" NOT NULL REFERENCES developers (id) ON DELETE CASCADE,
    name             TEXT COLLATE "C" NOT NULL,
    description      TEXT COLLATE "C",
    auth_strategy_id TEXT COLLATE "C" NOT NULL,
    client_id        TEXT COLLATE "C" NOT NULL,
    labels           TEXT COLLATE "C" NOT NULL,
    created_at       TEXT COLLATE "C" NOT NULL,
    updated_at       TEXT COLLATE "C" NOT NULL
);

CREATE INDEX applications_portal_order ON applications (region, portal_id, created_at, id);
CREATE INDEX applications_developer ON applications (developer_id);

CREATE TABLE api_keys (
    id             TEXT COLLATE "C" PRIMARY KEY,
    region         TEXT COLLATE "C" NOT NULL,
    application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    display_name   TEXT COLLATE "C" NOT NULL,
    key_hash       TEXT COLLATE "C" NOT NULL UNIQUE,
    hint           TEXT COLLATE "C" NOT NULL,
    -- developer: made through the portal; generated or supplied: issued by an administrator.
    origin         TEXT COLLATE "C" NOT NULL,
    expires_at     TEXT COLLATE "C",
    created_at     TEXT COLLATE "C" NOT NULL
);

CREATE INDEX api_keys_application ON api_keys (application_id, created_at, id);

-- A registration belongs to the publication it was made for and goes away when the API is
-- unpublished from the portal.
CREATE TABLE application_registrations (
    id             TEXT COLLATE "C" PRIMARY KEY,
    region         TEXT COLLATE "C" NOT NULL,
    portal_id      TEXT COLLATE "C" NOT NULL,
    application_id TEXT COLLATE "C" NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    api_id         TEXT COLLATE "C" NOT NULL,
    status         TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    updated_at     TEXT COLLATE "C" NOT NULL,
    UNIQUE (application_id, api_id),
    FOREIGN KEY (api_id, portal_id) REFERENCES api_publications (api_id, portal_id) ON DELETE CASCADE
);

CREATE INDEX application_registrations_portal_order ON application_registrations (region, portal_id, created_at, id);
CREATE INDEX application_registrations_publication ON application_registrations (api_id, portal_id);
