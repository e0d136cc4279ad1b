-- Keys the processes serving the database share, such as the website's key for signing form
-- tokens: a form a visitor got from one process is accepted by another, and after a restart.

CREATE TABLE site_keys (
    name       TEXT COLLATE "C" PRIMARY KEY,
    key        TEXT COLLATE "C" NOT NULL,
    created_at TEXT COLLATE "C" NOT NULL
);
