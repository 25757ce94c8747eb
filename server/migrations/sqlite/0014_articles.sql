-- The knowledge base: who may read an article (draft: those who write articles; internal:
-- everyone signed in; public: anyone, on /help), who last changed it, and its full-text
-- entry, tokenised by Tandem like the customers' (Chinese and English found alike).
-- rowid = articles.id.
ALTER TABLE articles ADD COLUMN visibility TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE articles ADD COLUMN updated_by INTEGER REFERENCES users(id);
CREATE INDEX articles_visibility ON articles(visibility, id);
CREATE VIRTUAL TABLE article_fts USING fts5(body, tokenize = 'unicode61 remove_diacritics 0');
