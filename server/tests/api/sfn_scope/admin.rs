//! The admin's server functions in the walk: users, teams and every settings form, each
//! sent with fields it cannot read (so a refused role learns nothing and nothing changes).
use super::rules::Rule;
use super::Call;

/// A settings form with every number field unreadable, from the given version.
fn unreadable(fields: &[&'static str], version: &str) -> Vec<(&'static str, String)> {
    fields
        .iter()
        .map(|k| (*k, "x".to_string()))
        .chain([("version", version.to_string())])
        .collect()
}

/// The admin's calls; `rep5` names the other team's rep.
pub(super) fn calls(rep5: i64, version: &str) -> Vec<Call> {
    let version = version.to_string();
    let s = |v: i64| v.to_string();
    vec![
        ("admin", vec![], Rule::Admin),
        ("settings", vec![], Rule::Admin),
        (
            "save_pool_rules",
            unreadable(
                &[
                    "holding_limit",
                    "daily_claim_cap",
                    "reclaim_cooldown_days",
                    "no_follow_up_days",
                    "no_win_days",
                    "warning_days",
                    "level_a",
                    "level_b",
                    "level_c",
                ],
                &version,
            ),
            Rule::Admin,
        ),
        (
            "save_lead_rules",
            unreadable(
                &[
                    "first_contact_hours",
                    "urgent_first_contact_hours",
                    "urgent_sources",
                    "mql_timeout_days",
                ],
                &version,
            ),
            Rule::Admin,
        ),
        (
            "save_alert_rules",
            unreadable(
                &[
                    "follow_up_overdue_hours",
                    "lead_sla_warning_percent",
                    "silent_customer_days",
                    "stage_initial",
                    "stage_needs",
                    "stage_proposal",
                    "stage_negotiation",
                    "post_sale_check_days",
                    "renewal_days",
                    "receivable_escalate_days",
                ],
                &version,
            ),
            Rule::Admin,
        ),
        (
            "save_health_weights",
            unreadable(
                &[
                    "silent_after_days",
                    "silence_max",
                    "ticket_points",
                    "tickets_max",
                    "breach_points",
                    "breaches_max",
                    "low_csat_points",
                    "detractor_points",
                    "payment_max",
                    "renewal_points",
                    "renewal_days",
                    "renewal_quiet_days",
                    "at_risk_below",
                    "recovered_at",
                ],
                &version,
            ),
            Rule::Admin,
        ),
        (
            "save_pipeline_rules",
            unreadable(
                &[
                    "probability_initial",
                    "probability_needs",
                    "probability_proposal",
                    "probability_negotiation",
                ],
                &version,
            ),
            Rule::Admin,
        ),
        (
            "save_routing_rule",
            vec![
                ("index", "new".into()),
                ("source", "event".into()),
                ("region", String::new()),
                ("industry", String::new()),
                ("product_line", String::new()),
                ("version", "999".into()),
            ],
            Rule::Admin,
        ),
        (
            "remove_routing_rule",
            vec![("index", "99".into()), ("version", "999".into())],
            Rule::Admin,
        ),
        (
            "create_user",
            vec![
                ("email", "walk@demo.tandem".into()),
                ("name", "走查".into()),
                ("role", "rep".into()),
                ("team_id", String::new()),
                ("password", "x".into()),
            ],
            Rule::Admin,
        ),
        (
            "update_user",
            vec![
                ("id", s(rep5)),
                ("version", "999".into()),
                ("name", "x".into()),
                ("role", "rep".into()),
                ("team_id", String::new()),
            ],
            Rule::Admin,
        ),
        (
            "set_user_active",
            vec![
                ("id", s(rep5)),
                ("version", "999".into()),
                ("active", "true".into()),
            ],
            Rule::Admin,
        ),
        (
            "create_team",
            vec![("name", String::new()), ("parent_id", String::new())],
            Rule::Admin,
        ),
    ]
}
