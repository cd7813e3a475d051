-- The shared record: every kiosk host's signed encounters and audit trail.
-- Applied once by the kiosk itself (kiosk.sync.migrations), in a transaction.

CREATE TABLE encounters (
    id            text        NOT NULL,
    version       integer     NOT NULL,
    patient_id    text        NOT NULL,
    day           date        NOT NULL,
    status        text        NOT NULL,
    started_at    timestamptz NOT NULL,
    amends        text,
    superseded_by text,
    origin        text        NOT NULL,
    doc           jsonb       NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, version)
);
CREATE INDEX encounters_patient ON encounters (patient_id, started_at DESC);
CREATE INDEX encounters_day_status ON encounters (day, status);
CREATE INDEX encounters_amends ON encounters (amends) WHERE amends IS NOT NULL;

-- Append-only: each origin's (data folder's) hash chain, entry by entry.
CREATE TABLE audit_events (
    origin     text        NOT NULL,
    seq        bigint      NOT NULL,
    hash       text        NOT NULL,
    prev       text        NOT NULL,
    at         timestamptz NOT NULL,
    staff      text        NOT NULL,
    action     text        NOT NULL,
    patient_id text,
    entry      jsonb       NOT NULL,
    PRIMARY KEY (origin, seq)
);

CREATE FUNCTION kiosk_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP;
END;
$$;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION kiosk_append_only();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION kiosk_append_only();
