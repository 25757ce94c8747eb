-- The knowledge base: who may read an article (draft: those who write articles; internal:
-- everyone signed in; public: anyone, on /help), who last changed it, and its full-text
-- entry, tokenised by Tandem like the customers' (Chinese and English found alike).
ALTER TABLE articles ADD COLUMN visibility TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE articles ADD COLUMN updated_by BIGINT REFERENCES users(id);
CREATE INDEX articles_visibility ON articles(visibility, id);
CREATE TABLE article_search (
    article_id BIGINT PRIMARY KEY REFERENCES articles(id),
    tsv        tsvector NOT NULL
);
CREATE INDEX article_search_tsv ON article_search USING GIN (tsv);
