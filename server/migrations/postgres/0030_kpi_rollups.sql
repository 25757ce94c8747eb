-- The KPIs' roll-ups: what each record adds to a KPI (kpi_members, one row per record and
-- KPI), and the sums per KPI, person, day and part (kpi_cells), kept in the transaction
-- of every write that changes a record (store::kpi_rollups::touch) and rebuilt from the
-- records when their definition changes (kpi_rollup_state.version).
CREATE TABLE kpi_members (
    kpi VARCHAR(40) NOT NULL,
    record_id BIGINT NOT NULL,
    owner_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    part VARCHAR(40) NOT NULL,
    grade BIGINT NOT NULL,
    flagged BIGINT NOT NULL,
    amount BIGINT,
    measure BIGINT,
    weighted BIGINT NOT NULL
);
CREATE INDEX kpi_members_record ON kpi_members(kpi, record_id);
CREATE TABLE kpi_cells (
    kpi VARCHAR(40) NOT NULL,
    owner_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    part VARCHAR(40) NOT NULL,
    grade BIGINT NOT NULL,
    n BIGINT NOT NULL,
    flagged BIGINT NOT NULL,
    amount_sum BIGINT NOT NULL,
    amount_n BIGINT NOT NULL,
    measure_sum BIGINT NOT NULL,
    measure_n BIGINT NOT NULL,
    weighted BIGINT NOT NULL,
    PRIMARY KEY (kpi, owner_id, day, part, grade)
);
CREATE TABLE kpi_rollup_state (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO kpi_rollup_state (id, version) VALUES (1, 0);
