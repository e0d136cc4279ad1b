-- The change counter: every write transaction that changes what a gateway node or the mail
-- sender reads adds one to a slot, so that each process serving the database learns of the
-- commits of the others by watching the sum. Writers pick a slot at random, so that writers that
-- do not conflict otherwise seldom wait for each other's row.

CREATE TABLE change_counter (
    slot  INTEGER PRIMARY KEY,
    value BIGINT NOT NULL
);

INSERT INTO change_counter (slot, value) VALUES
    (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0), (7, 0),
    (8, 0), (9, 0), (10, 0), (11, 0), (12, 0), (13, 0), (14, 0), (15, 0);
