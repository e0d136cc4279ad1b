-- Portal content: pages, snippets and the customization of each portal; the versions (with their
-- specification) and documents of each API. Everything goes with its portal or API. Pages and
-- documents form trees: position orders siblings, and a parent takes its children with it.

CREATE TABLE portal_pages (
    id             TEXT COLLATE "C" PRIMARY KEY,
    region         TEXT COLLATE "C" NOT NULL,
    portal_id      TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    parent_page_id TEXT COLLATE "C" REFERENCES portal_pages (id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    slug           TEXT COLLATE "C" NOT NULL,
    title          TEXT COLLATE "C" NOT NULL,
    content        TEXT COLLATE "C" NOT NULL,
    description    TEXT COLLATE "C",
    visibility     TEXT COLLATE "C" NOT NULL,
    status         TEXT COLLATE "C" NOT NULL,
    created_at     TEXT COLLATE "C" NOT NULL,
    updated_at     TEXT COLLATE "C" NOT NULL
);

CREATE INDEX portal_pages_tree ON portal_pages (portal_id, parent_page_id, position, created_at, id);
CREATE INDEX portal_pages_parent ON portal_pages (parent_page_id);

CREATE TABLE portal_snippets (
    id          TEXT COLLATE "C" PRIMARY KEY,
    region      TEXT COLLATE "C" NOT NULL,
    portal_id   TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    name        TEXT COLLATE "C" NOT NULL,
    title       TEXT COLLATE "C" NOT NULL,
    content     TEXT COLLATE "C" NOT NULL,
    description TEXT COLLATE "C",
    visibility  TEXT COLLATE "C" NOT NULL,
    status      TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    updated_at  TEXT COLLATE "C" NOT NULL,
    UNIQUE (portal_id, name)
);

CREATE INDEX portal_snippets_order ON portal_snippets (portal_id, created_at, id);

-- The customization is one JSON document per portal; a portal without a row has the defaults.
CREATE TABLE portal_customizations (
    portal_id  TEXT COLLATE "C" PRIMARY KEY REFERENCES portals (id) ON DELETE CASCADE,
    region     TEXT COLLATE "C" NOT NULL,
    document   TEXT COLLATE "C" NOT NULL,
    updated_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE api_versions (
    id           TEXT COLLATE "C" PRIMARY KEY,
    region       TEXT COLLATE "C" NOT NULL,
    api_id       TEXT COLLATE "C" NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    version      TEXT COLLATE "C" NOT NULL,
    spec_type    TEXT COLLATE "C" NOT NULL,
    spec_content TEXT COLLATE "C" NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL,
    updated_at   TEXT COLLATE "C" NOT NULL
);

CREATE INDEX api_versions_order ON api_versions (api_id, created_at, id);

CREATE TABLE api_documents (
    id                 TEXT COLLATE "C" PRIMARY KEY,
    region             TEXT COLLATE "C" NOT NULL,
    api_id             TEXT COLLATE "C" NOT NULL REFERENCES apis (id) ON DELETE CASCADE,
    parent_document_id TEXT COLLATE "C" REFERENCES api_documents (id) ON DELETE CASCADE,
    position           INTEGER NOT NULL,
    slug               TEXT COLLATE "C" NOT NULL,
    title              TEXT COLLATE "C" NOT NULL,
    content            TEXT COLLATE "C" NOT NULL,
    status             TEXT COLLATE "C" NOT NULL,
    created_at         TEXT COLLATE "C" NOT NULL,
    updated_at         TEXT COLLATE "C" NOT NULL
);

CREATE INDEX api_documents_tree ON api_documents (api_id, parent_document_id, position, created_at, id);
CREATE INDEX api_documents_parent ON api_documents (parent_document_id);
