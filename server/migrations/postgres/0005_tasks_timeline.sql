-- A customer's tasks and timeline are read per customer.
CREATE INDEX tasks_customer ON tasks(customer_id, created_at);
