-- The dashboard lists the contracts waiting for approval, newest first. Without an index
-- on the approval status, SQLite read every customer and looked up each one's contracts
-- (1.4 ms a page at 10^4 customers with no contract at all, growing with the customers);
-- with it, the pending contracts are read in order and the search stops at the page's
-- limit.
CREATE INDEX contracts_approval ON contracts(approval_status, id);
