//! The manager's dashboard: every KPI for the period and scope (the same report the API
//! answers), the charts drawn from the same record sets, and the teams and people the
//! viewer may narrow it to. Every bar carries the link to the records behind it, and its
//! number is worked out from exactly those records.
use super::kpis::{report_of, resolve, window, KpiQuery, Scope, SetsRead};
use crate::domain::forecast::rollup;
use crate::domain::kpis::{Fact, KpiKey, Period};
use crate::domain::leads::{lead_source_label, LEAD_SOURCES};
use crate::domain::pipeline::Stage;
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::error::AppResult;
use crate::i18n::Lang;
use crate::model::{
    kpi_drill_query, kpi_page_link, ForecastLine, KpiBar, KpiChart, KpiDashboard, KpiForecast,
    KpiScopeChoice, Role,
};
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::kpis::{self as store, Narrow, People};
use crate::ssr::store::users;
use std::collections::{BTreeMap, HashSet};

/// The dashboard for the query's period and scope.
pub async fn dashboard(
    state: &AppState,
    viewer: &Viewer,
    q: KpiQuery,
    lang: Lang,
) -> AppResult<KpiDashboard> {
    let scope = resolve(state, viewer, &q).await?;
    let mut conn = state.db.read.acquire().await?;
    let mut read = SetsRead::default();
    let report = report_of(&mut conn, &mut read, state, &scope, &q, lang).await?;
    let people = pickable_people(state, viewer, &scope).await?;
    let teams = pickable_teams(state, &scope).await?;
    let link = |key: KpiKey, p: Period, rep: Option<i64>, narrow: Narrow| {
        let query = kpi_drill_query(
            p.from,
            p.to,
            q.team_id,
            rep.or(q.rep_id),
            narrow.stage.map(Stage::as_str),
            narrow.source,
        );
        kpi_page_link(key, &query)
    };
    let w = window(scope.period, state.clock.now_ms());

    let mut charts = Vec::new();
    // The open pipeline by stage: a funnel, one read per stage.
    let mut funnel = Vec::new();
    for stage in Stage::OPEN {
        let narrow = Narrow {
            stage: Some(stage),
            ..Narrow::default()
        };
        let facts =
            store::facts(&mut *conn, KpiKey::PipelineValue, &w, &scope.people, narrow).await?;
        funnel.push(KpiBar {
            label: stage.label(lang).to_string(),
            value: KpiKey::PipelineValue.value(&facts),
            second: None,
            records: facts.len() as i64,
            drill: link(KpiKey::PipelineValue, scope.period, None, narrow),
        });
    }
    charts.push(chart("pipeline_by_stage", KpiKey::PipelineValue, funnel));

    // New leads by source, one read per source; the sources with none are left out.
    let mut sources = Vec::new();
    for source in LEAD_SOURCES {
        let narrow = Narrow {
            source: Some(source),
            ..Narrow::default()
        };
        let facts = store::facts(&mut *conn, KpiKey::LeadsNew, &w, &scope.people, narrow).await?;
        if facts.is_empty() {
            continue;
        }
        sources.push(KpiBar {
            label: lead_source_label(source, lang).to_string(),
            value: KpiKey::LeadsNew.value(&facts),
            second: None,
            records: facts.len() as i64,
            drill: link(KpiKey::LeadsNew, scope.period, None, narrow),
        });
    }
    charts.push(chart("leads_by_source", KpiKey::LeadsNew, sources));

    // Trends by week (or month, for a long period).
    let steps = scope.period.steps();
    for (id, key, second) in [
        ("won_by_step", KpiKey::WonAmount, None),
        ("leads_by_step", KpiKey::LeadsNew, None),
        (
            "first_response_by_step",
            KpiKey::TicketFirstResponseMedian,
            Some(KpiKey::TicketFirstResponseP90),
        ),
    ] {
        let facts = read.facts(&mut conn, key, &w, &scope.people).await?;
        let bars = steps
            .iter()
            .map(|step| {
                let span = window(*step, w.now_ms);
                let (start, end) = (span.start_ms, span.end_ms);
                let within: Vec<Fact> = facts
                    .iter()
                    .filter(|f| f.at_ms >= start && f.at_ms < end)
                    .cloned()
                    .collect();
                KpiBar {
                    label: step_label(*step, scope.period.charted_weekly()),
                    value: key.value(&within),
                    second: second.and_then(|k| k.value(&within)),
                    records: within.len() as i64,
                    drill: link(key, *step, None, Narrow::default()),
                }
            })
            .collect();
        charts.push(chart(id, key, bars));
    }

    // Per person: the win rate and follow-ups done on time.
    for (id, key) in [
        ("win_rate_by_rep", KpiKey::WinRate),
        ("follow_ups_by_rep", KpiKey::FollowUpCompliance),
    ] {
        let facts = read.facts(&mut conn, key, &w, &scope.people).await?;
        let mut by_owner: BTreeMap<i64, Vec<Fact>> = BTreeMap::new();
        for f in facts {
            if let Some(owner) = f.owner {
                by_owner.entry(owner).or_default().push(f.clone());
            }
        }
        let bars = people
            .iter()
            .filter_map(|p| {
                let mine = by_owner.get(&p.id)?;
                Some(KpiBar {
                    label: p.name.clone(),
                    value: key.value(mine),
                    second: None,
                    records: mine.len() as i64,
                    drill: link(key, scope.period, Some(p.id), Narrow::default()),
                })
            })
            .collect();
        charts.push(chart(id, key, bars));
    }

    let mut forecasts = Vec::new();
    for name in ["month", "quarter"] {
        let Some(whole) = Period::whole(name, state.clock.now(), DEFAULT_UTC_OFFSET_MINUTES) else {
            continue;
        };
        let deals = crate::ssr::store::forecast::forecast_deals(
            &mut *conn,
            &window(whole, w.now_ms),
            &scope.people,
        )
        .await?;
        let mut rows: Vec<ForecastLine> = people
            .iter()
            .filter(|p| deals.iter().any(|(o, _)| *o == Some(p.id)))
            .map(|p| ForecastLine {
                person_id: Some(p.id),
                name: p.name.clone(),
                rollup: rollup(
                    deals
                        .iter()
                        .filter(|(o, _)| *o == Some(p.id))
                        .map(|(_, d)| *d),
                ),
            })
            .collect();
        rows.push(ForecastLine {
            person_id: None,
            name: lang.t("Total", "合计").to_string(),
            rollup: rollup(deals.iter().map(|(_, d)| *d)),
        });
        forecasts.push(KpiForecast {
            period: name.to_string(),
            from: whole.from,
            to: whole.to,
            rows,
        });
    }

    Ok(KpiDashboard {
        report,
        forecasts,
        period: (q.from.is_none() && q.to.is_none())
            .then(|| q.period.clone().unwrap_or_else(|| "month".to_string())),
        teams,
        people: people
            .into_iter()
            .map(|p| KpiScopeChoice {
                id: p.id,
                name: p.name,
            })
            .collect(),
        charts,
    })
}

fn chart(id: &str, key: KpiKey, bars: Vec<KpiBar>) -> KpiChart {
    KpiChart {
        id: id.to_string(),
        key,
        unit: key.unit(),
        bars,
    }
}

/// A step's label: its first day (`03-02`), or its month (`2026-03`) for monthly steps.
fn step_label(step: Period, weekly: bool) -> String {
    if weekly {
        step.from.format("%m-%d").to_string()
    } else {
        step.from.format("%Y-%m").to_string()
    }
}

struct Person {
    id: i64,
    name: String,
}

/// The people the viewer may narrow to (of the chosen team, if any), by name: reps,
/// agents and managers, the frozen ones included (their past work still counts).
async fn pickable_people(
    state: &AppState,
    viewer: &Viewer,
    scope: &Scope,
) -> AppResult<Vec<Person>> {
    let visible = users::list(&state.db.read, viewer).await?;
    let within: Option<HashSet<i64>> = match &scope.pickable {
        People::Everyone => None,
        People::These(ids) => Some(ids.iter().copied().collect()),
    };
    let mut people: Vec<Person> = visible
        .into_iter()
        .filter(|u| u.role != Role::Admin)
        .filter(|u| within.as_ref().is_none_or(|w| w.contains(&u.id)))
        .map(|u| Person {
            id: u.id,
            name: u.name,
        })
        .collect();
    people.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(people)
}

/// The teams of the viewer's reach (every team for admins and directors).
async fn pickable_teams(state: &AppState, scope: &Scope) -> AppResult<Vec<KpiScopeChoice>> {
    let all = users::teams(&state.db.read).await?;
    let within: Option<HashSet<i64>> = scope.root_team.map(|root| {
        let mut set = HashSet::from([root]);
        // Parents come before children often, but not always: repeat until nothing joins.
        loop {
            let before = set.len();
            for t in &all {
                if t.parent_id.is_some_and(|p| set.contains(&p)) {
                    set.insert(t.id);
                }
            }
            if set.len() == before {
                break set;
            }
        }
    });
    Ok(all
        .into_iter()
        .filter(|t| within.as_ref().is_none_or(|w| w.contains(&t.id)))
        .map(|t| KpiScopeChoice {
            id: t.id,
            name: t.name,
        })
        .collect())
}
