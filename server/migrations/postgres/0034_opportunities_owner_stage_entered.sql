-- Today's stalled deals are the rep's deals that have sat in a stage past its limit, the
-- longest first. With the stage's entry time in the index, each stage's oldest deals are
-- read in order and the search stops at the page's limit; without it, every deal the rep
-- ever owned (won and lost included) was read and sorted: 290 ms for a book of 10^5.
-- The new index starts with the old one's columns, so it serves their searches too.
CREATE INDEX opportunities_owner_stage_entered ON opportunities(owner_id, stage, stage_entered_at);
DROP INDEX opportunities_owner_stage;
