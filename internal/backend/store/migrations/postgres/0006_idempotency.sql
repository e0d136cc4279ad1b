-- Answers to requests sent with an Idempotency-Key, replayed when a client repeats the request.
-- lookup_hash is derived from the credential and the key, which is not stored; sealed is the
-- response encrypted with a key derived from them too (base64 text, portable across dialects).
CREATE TABLE idempotency_records (
    lookup_hash TEXT COLLATE "C" PRIMARY KEY,
    credential  TEXT COLLATE "C" NOT NULL,
    fingerprint TEXT COLLATE "C" NOT NULL,
    sealed      TEXT COLLATE "C" NOT NULL,
    created_at  TEXT COLLATE "C" NOT NULL,
    expires_at  TEXT COLLATE "C" NOT NULL
);

CREATE INDEX idempotency_records_expiry ON idempotency_records (expires_at);
