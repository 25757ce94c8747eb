-- Sorting customers by name: a key that orders Chinese names by pinyin among Latin ones
-- (北京恒远 → "beijinghengyuan"), compared byte by byte. Existing rows are filled in by
-- `tandem migrate` right after this runs; every write keeps it current.
ALTER TABLE customers ADD COLUMN name_key TEXT;
CREATE INDEX customers_owner_name ON customers(owner_id, name_key, id);
CREATE INDEX customers_name_key ON customers(name_key, id);
