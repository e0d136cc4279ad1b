-- Outgoing e-mail: a message is queued in the transaction of the change that causes it and
-- leaves the queue once the mail server has accepted it. A sender claims one message at a time
-- until claimed_until, so that two senders never deliver the same message and a sender that died
-- mid-delivery only delays it. A message that runs out of attempts, or that the server refuses
-- for good, stays as 'failed' with its reason and without its body, so that no copy of the token
-- it carried outlives the attempt to deliver it.

CREATE TABLE mail_queue (
    id              TEXT COLLATE "C" PRIMARY KEY,
    region          TEXT COLLATE "C" NOT NULL,
    portal_id       TEXT COLLATE "C" NOT NULL REFERENCES portals (id) ON DELETE CASCADE,
    recipient       TEXT COLLATE "C" NOT NULL,
    subject         TEXT COLLATE "C" NOT NULL,
    body_text       TEXT COLLATE "C" NOT NULL,
    body_html       TEXT COLLATE "C" NOT NULL,
    link            TEXT COLLATE "C" NOT NULL,
    token           TEXT COLLATE "C" NOT NULL,
    created_at      TEXT COLLATE "C" NOT NULL,
    status          TEXT COLLATE "C" NOT NULL CHECK (status IN ('queued', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT COLLATE "C" NOT NULL,
    claim_id        TEXT COLLATE "C",
    claimed_until   TEXT COLLATE "C",
    last_error      TEXT COLLATE "C" NOT NULL DEFAULT '',
    failed_at       TEXT COLLATE "C"
);

CREATE INDEX mail_queue_due ON mail_queue (status, next_attempt_at, id);
CREATE INDEX mail_queue_portal ON mail_queue (region, portal_id, created_at, id);
