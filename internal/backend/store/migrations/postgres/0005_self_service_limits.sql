-- Limits of the developer sign-up and login endpoints, and the outbox.
--
-- throttle_events holds what the limits count: login attempts and failures, sign-ups and
-- password-reset requests, per subject (a normalised e-mail address, a client address, or both).
-- Each row expires once no limit can count it any more and is pruned then. attempt_id groups the
-- failure rows a login writes before it checks the password, so that a correct password can
-- withdraw them.
CREATE TABLE throttle_events (
    portal_id  TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    kind       TEXT COLLATE "C" NOT NULL,
    subject    TEXT COLLATE "C" NOT NULL,
    attempt_id TEXT COLLATE "C",
    at         TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
);

CREATE INDEX throttle_events_subject ON throttle_events (portal_id, kind, subject, at);
CREATE INDEX throttle_events_expiry ON throttle_events (expires_at);
CREATE INDEX throttle_events_attempt ON throttle_events (attempt_id);

-- Failed logins are throttle_events now.
DROP TABLE login_failures;

-- Messages to developers when no mail server delivers them, for administrators to read. A message
-- is kept until the token it carries expires.
CREATE TABLE outbox_messages (
    id         TEXT COLLATE "C" PRIMARY KEY,
    region     TEXT COLLATE "C" NOT NULL,
    portal_id  TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    recipient  TEXT COLLATE "C" NOT NULL,
    subject    TEXT COLLATE "C" NOT NULL,
    body       TEXT COLLATE "C" NOT NULL,
    token      TEXT COLLATE "C" NOT NULL,
    sent_at    TEXT COLLATE "C" NOT NULL,
    expires_at TEXT COLLATE "C" NOT NULL
);

CREATE INDEX outbox_messages_portal_order ON outbox_messages (region, portal_id, sent_at, id);
CREATE INDEX outbox_messages_expiry ON outbox_messages (expires_at);

CREATE INDEX developers_unverified ON developers (email_verified, created_at);
