-- Receivables (回款): a contract's payment plan is its installments (the old `payments`
-- rows: a planned date and amount each, and how much of it is paid); received payments
-- are receipts against the contract, applied to the installments oldest first.
ALTER TABLE payments RENAME TO installments;
ALTER TABLE installments ADD COLUMN paid_minor INTEGER NOT NULL DEFAULT 0;
CREATE TABLE receipts (
    id            INTEGER PRIMARY KEY,
    contract_id   INTEGER NOT NULL REFERENCES contracts(id),
    amount_minor  INTEGER NOT NULL,
    received_on   TEXT    NOT NULL,
    received_at   INTEGER NOT NULL,
    reference     TEXT,
    recorded_by   INTEGER REFERENCES users(id),
    created_at    INTEGER NOT NULL
);
INSERT INTO receipts (contract_id, amount_minor, received_on, received_at, created_at)
    SELECT contract_id, received_amount_minor, planned_date, received_at, created_at
    FROM installments WHERE received_at IS NOT NULL AND received_amount_minor IS NOT NULL;
UPDATE installments SET paid_minor = received_amount_minor WHERE received_amount_minor IS NOT NULL;
ALTER TABLE installments DROP COLUMN received_at;
ALTER TABLE installments DROP COLUMN received_amount_minor;
CREATE INDEX installments_planned ON installments(planned_date);
CREATE INDEX receipts_contract ON receipts(contract_id);
CREATE INDEX receipts_received ON receipts(received_at);
