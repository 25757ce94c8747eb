//! The managers' KPIs: a manager asks for the other team's or its rep's and finds nothing
//! (404); reps and agents have none (403); admins see every team's.
use super::*;

/// Walks these routes as `w`'s role against `t` (its owner is of the other team).
pub(super) async fn walk(w: &mut Walk<'_>, t: &Their) {
    use StatusCode as S;
    let app = w.app;
    let owner = t.owner;
    let their_team = app
        .count(&format!("SELECT team_id FROM users WHERE id = {owner}"))
        .await;
    let refused = if matches!(w.role, "rep" | "agent") {
        S::FORBIDDEN
    } else {
        S::NOT_FOUND
    };
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/kpis",
            format!("/api/v1/kpis?team_id={their_team}"),
            None,
        )
        .await;
    w.check("GET kpis of their team", s, refused, refused, S::OK);
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/kpis/{key}/records",
            format!("/api/v1/kpis/win_rate/records?rep_id={owner}"),
            None,
        )
        .await;
    w.check("GET kpi records of their rep", s, refused, refused, S::OK);
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/kpis/export/{format}",
            format!("/api/v1/kpis/export/csv?team_id={their_team}"),
            None,
        )
        .await;
    w.check("GET kpis export of their team", s, refused, refused, S::OK);
    let (s, _) = w
        .call(
            Method::GET,
            "/api/v1/kpis/{key}/records/export/{format}",
            format!("/api/v1/kpis/won_amount/records/export/xlsx?rep_id={owner}"),
            None,
        )
        .await;
    w.check(
        "GET kpi records export of their rep",
        s,
        refused,
        refused,
        S::OK,
    );
}
