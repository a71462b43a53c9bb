-- The budgets of the policy's limits, one row per limit, key and window, shared by the fleet.
-- leased is how much of the window's max the instances have taken between them: each spends
-- its lease locally and returns what it did not use, and leased never goes past max. Windows
-- are fixed and aligned to the epoch, in the database's time. key is the SHA-256 of the key.
CREATE TABLE actiongate_quotas (
    service      text NOT NULL,
    limit_id     text NOT NULL,
    key          text NOT NULL,
    per_ms       bigint NOT NULL,
    window_start timestamptz NOT NULL,
    window_end   timestamptz NOT NULL,
    leased       bigint NOT NULL CHECK (leased >= 0),
    PRIMARY KEY (service, limit_id, key, per_ms, window_start)
);
CREATE INDEX actiongate_quotas_end ON actiongate_quotas (window_end);
