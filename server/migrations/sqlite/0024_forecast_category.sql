-- Each open deal's forecast category, set by its owner: pipeline, best case, commit, or
-- omitted from the forecast (won deals count as closed whatever it says).
ALTER TABLE opportunities ADD COLUMN forecast_category VARCHAR(16) NOT NULL DEFAULT 'pipeline'
    CHECK (forecast_category IN ('pipeline', 'best_case', 'commit', 'omitted'));
