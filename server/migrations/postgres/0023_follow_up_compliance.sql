-- The follow-up compliance KPI reads the follow-ups planned in a period by their planned
-- time; without this it would read every activity.
CREATE INDEX activities_next_follow_up ON activities(next_follow_up_at);
