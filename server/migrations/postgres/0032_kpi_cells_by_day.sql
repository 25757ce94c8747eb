-- A report for everyone (an admin's, a director's) names no owners: without this index it
-- read each KPI's cells of every day ever kept to sum one month's (the primary key starts
-- with the owner), and every open deal's forecast cell to find the month's closing dates.
-- With it, the period's days (or, for the cells kept without a day, the parts) alone.
CREATE INDEX kpi_cells_by_day ON kpi_cells(kpi, day, part);
