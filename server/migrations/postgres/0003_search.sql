-- Full-text search over customers: name, contact names, phones and emails. The body is
-- tokenised by Tandem (CJK bigrams, Latin words, numbers; see domain/search.rs) so that
-- SQLite and PostgreSQL index the same terms.
CREATE TABLE customer_search (
    customer_id BIGINT PRIMARY KEY REFERENCES customers(id),
    tsv         tsvector NOT NULL
);
CREATE INDEX customer_search_tsv ON customer_search USING GIN (tsv);
