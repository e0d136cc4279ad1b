-- Foundation: admin tokens, portals, their authentication settings, application auth strategies.
-- Booleans are 0/1 integers, timestamps fixed-width RFC 3339 UTC text, labels and configs JSON text.

CREATE TABLE admin_tokens (
    id         TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE portals (
    id                                   TEXT PRIMARY KEY,
    region                               TEXT NOT NULL,
    name                                 TEXT NOT NULL,
    display_name                         TEXT NOT NULL,
    description                          TEXT,
    authentication_enabled               INTEGER NOT NULL,
    rbac_enabled                         INTEGER NOT NULL,
    sipr_enabled                         INTEGER NOT NULL,
    default_api_visibility               TEXT NOT NULL,
    default_page_visibility              TEXT NOT NULL,
    default_application_auth_strategy_id TEXT REFERENCES auth_strategies (id),
    auto_approve_developers              INTEGER NOT NULL,
    auto_approve_applications            INTEGER NOT NULL,
    notifications_pii_enabled            INTEGER NOT NULL,
    labels                               TEXT NOT NULL,
    default_domain                       TEXT NOT NULL,
    created_at                           TEXT NOT NULL,
    updated_at                           TEXT NOT NULL,
    UNIQUE (region, name)
);

CREATE INDEX portals_region_order ON portals (region, created_at, id);
CREATE INDEX portals_default_strategy ON portals (default_application_auth_strategy_id);

CREATE TABLE portal_auth_settings (
    portal_id                 TEXT PRIMARY KEY REFERENCES portals (id) ON DELETE CASCADE,
    region                    TEXT NOT NULL,
    basic_auth_enabled        INTEGER NOT NULL,
    oidc_auth_enabled         INTEGER NOT NULL,
    saml_auth_enabled         INTEGER NOT NULL,
    oidc_team_mapping_enabled INTEGER NOT NULL,
    konnect_mapping_enabled   INTEGER NOT NULL,
    idp_mapping_enabled       INTEGER NOT NULL,
    oidc_issuer               TEXT NOT NULL,
    oidc_client_id            TEXT NOT NULL,
    oidc_client_secret_hash   TEXT NOT NULL,
    oidc_scopes               TEXT NOT NULL,
    oidc_claim_mappings       TEXT NOT NULL
);

CREATE TABLE auth_strategies (
    id                 TEXT PRIMARY KEY,
    region             TEXT NOT NULL,
    name               TEXT NOT NULL,
    display_name       TEXT NOT NULL,
    strategy_type      TEXT NOT NULL,
    config             TEXT NOT NULL,
    labels             TEXT NOT NULL,
    principals_enabled INTEGER NOT NULL,
    -- The portal that created this strategy as its default; it goes away with that portal
    -- when nothing else uses it.
    owner_portal_id    TEXT REFERENCES portals (id) ON DELETE SET NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE INDEX auth_strategies_region_order ON auth_strategies (region, created_at, id);
CREATE INDEX auth_strategies_owner ON auth_strategies (owner_portal_id);
