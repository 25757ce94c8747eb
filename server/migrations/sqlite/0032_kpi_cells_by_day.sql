-- A report for everyone (an admin's, a director's) names no owners: without this index it
-- read each KPI's cells of every day ever kept to sum one month's (the primary key starts
-- with the owner). With it, the period's days alone.
CREATE INDEX kpi_cells_by_day ON kpi_cells(kpi, day);
