-- Full-text search over customers: name, contact names, phones and emails. The body is
-- tokenised by Tandem (CJK bigrams, Latin words, numbers; see domain/search.rs) so that
-- SQLite and PostgreSQL index the same terms. rowid = customers.id.
CREATE VIRTUAL TABLE customer_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');
