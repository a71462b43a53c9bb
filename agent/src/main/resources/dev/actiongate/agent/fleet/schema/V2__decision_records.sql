-- Every instance's decision records, shipped from its local records file after they are on
-- disk. A chain is one records file, named by the hash of its first record; seq is the line's
-- number in it, so a line shipped twice is the same row and a line never shipped is a gap.
-- line is the exact bytes of the record (verify --store re-checks the hash chain on them);
-- the other columns are what the console searches on.
CREATE TABLE decision_records (
    chain       text NOT NULL,
    seq         bigint NOT NULL,
    service     text NOT NULL,
    instance    text NOT NULL,
    kind        text,
    decision_id text,
    action      text,
    verdict     text,
    actor       text,
    tenant      text,
    at          timestamptz,
    hash        text NOT NULL,
    line        text NOT NULL,
    PRIMARY KEY (chain, seq)
);
CREATE INDEX decision_records_decision ON decision_records (decision_id);
CREATE INDEX decision_records_search ON decision_records (action, verdict, at);
