-- Approval requests of every instance: any instance lists, decides and consumes them.
-- body is the request as the file store keeps it (canonical JSON); the columns are what
-- queries select on.
CREATE TABLE actiongate_approvals (
    id            text PRIMARY KEY,
    service       text NOT NULL,
    instance      text NOT NULL,
    status        text NOT NULL,
    action_digest text NOT NULL,
    requested_at  timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    body          text NOT NULL
);
CREATE INDEX actiongate_approvals_digest ON actiongate_approvals (action_digest, status);
CREATE INDEX actiongate_approvals_open ON actiongate_approvals (status, expires_at);

-- Events counted in sliding windows across the fleet (denials, for escalation). Times are the
-- database's, so that instances' clocks cannot split a window.
CREATE TABLE actiongate_events (
    service    text NOT NULL,
    key        text NOT NULL,
    at         timestamptz NOT NULL,
    keep_until timestamptz NOT NULL,
    instance   text NOT NULL
);
CREATE INDEX actiongate_events_key ON actiongate_events (service, key, at);
CREATE INDEX actiongate_events_keep ON actiongate_events (keep_until);
