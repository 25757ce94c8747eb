-- When a customer was marked churned (NULL while not churned; cleared when won back):
-- customer retention counts the customers of a period's start still kept at its end.
ALTER TABLE customers ADD COLUMN churned_at BIGINT;
UPDATE customers SET churned_at = updated_at WHERE status = 'churned';
