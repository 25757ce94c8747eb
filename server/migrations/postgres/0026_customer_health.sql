-- Customer health: the factors behind the score (JSON), when time next changes it (the
-- engine recomputes by this, through its index, never by reading every customer), and
-- whether the customer is at risk (the churn alert fires once per crossing).
ALTER TABLE customers ADD COLUMN health_factors TEXT;
ALTER TABLE customers ADD COLUMN health_due_at BIGINT;
ALTER TABLE customers ADD COLUMN health_at_risk INTEGER NOT NULL DEFAULT 0;
UPDATE customers SET health_score = NULL;
CREATE INDEX customers_health_due ON customers(health_due_at);
CREATE INDEX customers_health ON customers(health_score);
