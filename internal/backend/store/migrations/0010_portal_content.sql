-- Portal content: pages, snippets and the customization of each portal; the versions (with their
-- specification) and documents of each API. Everything goes with its portal or API. Pages and
-- documents form trees: position orders siblings, and a parent takes its children with it.

CREATE TABLE portal_pages (
    id             TEXT PRIMARY KEY,
    region         TEXT NOT NULL,
    portal_id      TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    parent_page_id TEXT REFERENCES portal_pages (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    slug           TEXT NOT NULL,
    title          TEXT NOT NULL,
    content        TEXT NOT NULL,
    description    TEXT,
    visibility     TEXT NOT NULL,
    status         TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

CREATE INDEX portal_pages_tree ON portal_pages (portal_id, parent_page_id, position, created_at, id);
CREATE INDEX portal_pages_parent ON portal_pages (parent_page_id);

CREATE TABLE portal_snippets (
    id          TEXT PRIMARY KEY,
    region      TEXT NOT NULL,
    portal_id   TEXT NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    title       TEXT NOT NULL,
    content     TEXT NOT NULL,
    description TEXT,
    visibility  TEXT NOT NULL,
    status      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (portal_id, name)
);

CREATE INDEX portal_snippets_order ON portal_snippets (portal_id, created_at, id);

-- The customization is one JSON document per portal; a portal without a row has the defaults.
CREATE TABLE portal_customizations (
    portal_id  TEXT PRIMARY KEY REFERENCES portals (id) ON DELETE CASCADE,
    region     TEXT NOT NULL,
    document   TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE api_versions (
    id           TEXT PRIMARY KEY,
    region       TEXT NOT NULL,
    api_id       TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    version      TEXT NOT NULL,
    spec_type    TEXT NOT NULL,
    spec_content TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);

CREATE INDEX api_versions_order ON api_versions (api_id, created_at, id);

CREATE TABLE api_documents (
    id                 TEXT PRIMARY KEY,
    region             TEXT NOT NULL,
    api_id             TEXT NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    parent_document_id TEXT REFERENCES api_documents (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    slug               TEXT NOT NULL,
    title              TEXT NOT NULL,
    content            TEXT NOT NULL,
    status             TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);

CREATE INDEX api_documents_tree ON api_documents (api_id, parent_document_id, position, created_at, id);
CREATE INDEX api_documents_parent ON api_documents (parent_document_id);
