-- Foundation: admin tokens, portals, their authentication settings, application auth strategies.
--
-- The PostgreSQL schema is SQLite's (the file of the same name one directory up), version for
-- version, with these differences: booleans are BOOLEAN; Kong's unix timestamps are BIGINT; every
-- text column is collated "C", so that text sorts, compares and changes case by bytes as in
-- SQLite whatever the database's locale; and a foreign key is declared once its table exists.
-- Timestamps are fixed-width RFC 3339 UTC text, labels and configs JSON text, as in SQLite.

CREATE TABLE admin_tokens (
    id         TEXT COLLATE "C" PRIMARY KEY,
    token_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE portals (
    id                                   TEXT COLLATE "C" PRIMARY KEY,
    region                               TEXT COLLATE "C" NOT NULL,
    name                                 TEXT COLLATE "C" NOT NULL,
    display_name                         TEXT COLLATE "C" NOT NULL,
    description                          TEXT COLLATE "C",
    authentication_enabled               BOOLEAN NOT NULL,
    rbac_enabled                         BOOLEAN NOT NULL,
    sipr_enabled                         BOOLEAN NOT NULL,
    default_api_visibility               TEXT COLLATE "C" NOT NULL,
    default_page_visibility              TEXT COLLATE "C" NOT NULL,
    default_application_auth_strategy_id TEXT COLLATE "C",
    auto_approve_developers              BOOLEAN NOT NULL,
    auto_approve_applications            BOOLEAN NOT NULL,
    notifications_pii_enabled            BOOLEAN NOT NULL,
    labels                               TEXT COLLATE "C" NOT NULL,
    default_domain                       TEXT COLLATE "C" NOT NULL,
    created_at                           TEXT COLLATE "C" NOT NULL,
    updated_at                           TEXT COLLATE "C" NOT NULL,
    UNIQUE (region, name)
);

CREATE INDEX portals_region_order ON portals (region, created_at, id);
CREATE INDEX portals_default_strategy ON portals (default_application_auth_strategy_id);

CREATE TABLE portal_auth_settings (
    portal_id                 TEXT COLLATE "C" PRIMARY KEY REFERENCES portals (id) ON DELETE CASCADE,
    region                    TEXT COLLATE "C" NOT NULL,
    basic_auth_enabled        BOOLEAN NOT NULL,
    oidc_auth_enabled         BOOLEAN NOT NULL,
    saml_auth_enabled         BOOLEAN NOT NULL,
    oidc_team_mapping_enabled BOOLEAN NOT NULL,
    konnect_mapping_enabled   BOOLEAN NOT NULL,
    idp_mapping_enabled       BOOLEAN NOT NULL,
    oidc_issuer               TEXT COLLATE "C" NOT NULL,
    oidc_client_id            TEXT COLLATE "C" NOT NULL,
    oidc_client_secret_hash   TEXT COLLATE "C" NOT NULL,
    oidc_scopes               TEXT COLLATE "C" NOT NULL,
    oidc_claim_mappings       TEXT COLLATE "C" NOT NULL
);

CREATE TABLE auth_strategies (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    region             TEXT COLLATE "C" NOT NULL,
    name               TEXT COLLATE "C" NOT NULL,
    display_name       TEXT COLLATE "C" NOT NULL,
    strategy_type      TEXT COLLATE "C" NOT NULL,
    config             TEXT COLLATE "C" NOT NULL,
    labels             TEXT COLLATE "C" NOT NULL,
    principals_enabled BOOLEAN NOT NULL,
    -- The portal that created this strategy as its default; it goes away with that portal
    -- when nothing else uses it.
    owner_portal_id    TEXT COLLATE "C" REFERENCES portals (id) ON DELETE SET NULL,
    created_at         TEXT COLLATE "C" NOT NULL,
    updated_at         TEXT COLLATE "C" NOT NULL
);

CREATE INDEX auth_strategies_region_order ON auth_strategies (region, created_at, id);
CREATE INDEX auth_strategies_owner ON auth_strategies (owner_portal_id);

ALTER TABLE portals ADD FOREIGN KEY (default_application_auth_strategy_id) REFERENCES auth_strategies (id);
