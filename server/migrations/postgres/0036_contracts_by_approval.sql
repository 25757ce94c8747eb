-- The dashboard lists the contracts waiting for approval, newest first. Without an index
-- on the approval status, SQLite read every customer and looked up each one's contracts
-- (1.4 ms a page at 10^4 customers with no contract at all, growing with the customers);
-- with it, the pending contracts are read in order and the search stops at the page's
-- limit.
CREATE INDEX contracts_approval ON contracts(approval_status, id);
-- Every KPI report counts the overdue receivables and those due in the next 30 days: the
-- unpaid installments by planned date. Paid ones pile up over the years and unpaid ones
-- stay few, so the index holds only the unpaid. At 5 * 10^4 contracts and 2,792 unpaid
-- installments overdue, reading every approved contract's plan took 63 ms on SQLite, the
-- unpaid installments by date 11 ms (once the planner has statistics: see
-- Db::refresh_statistics).
CREATE INDEX installments_unpaid_by_date ON installments(planned_date) WHERE paid_minor < amount_minor;
