//! The manager's dashboard: every KPI for the period and scope (the same report the API
//! answers), the charts drawn from the same record sets, and the teams and people the
//! viewer may narrow it to. Every bar carries the link to the records behind it, and its
//! number is worked out from exactly those records.
use super::kpi_tallies::{group_of, TalliesRead};
use super::kpis::{report_of, resolve, window, KpiQuery, Scope};
use crate::domain::forecast::{rollup, ForecastDeal};
use crate::domain::kpi_tally::Tally;
use crate::domain::kpis::{KpiKey, Period};
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
use crate::ssr::store::forecast::{forecast_deals, ForecastDeals};
use crate::ssr::store::kpi_cells::By;
use crate::ssr::store::kpi_slots::day_of;
use crate::ssr::store::kpis::{Narrow, People};
use crate::ssr::store::users;
use sqlx::AnyConnection;
use std::collections::{HashMap, HashSet};

/// The funnel's KPI (by stage) and the sources chart's (by lead source).
const FUNNEL: KpiKey = KpiKey::PipelineValue;
const BY_SOURCE: KpiKey = KpiKey::LeadsNew;

/// The trends by week (or month): chart, KPI, and the second figure its bars carry.
const TRENDS: [(&str, KpiKey, Option<KpiKey>); 3] = [
    ("won_by_step", KpiKey::WonAmount, None),
    ("leads_by_step", KpiKey::LeadsNew, None),
    (
        "first_response_by_step",
        KpiKey::TicketFirstResponseMedian,
        Some(KpiKey::TicketFirstResponseP90),
    ),
];

/// The bars per person: chart and KPI.
const PER_REP: [(&str, KpiKey); 2] = [
    ("win_rate_by_rep", KpiKey::WinRate),
    ("follow_ups_by_rep", KpiKey::FollowUpCompliance),
];

/// The groupings the charts read, fetched with the report's own sums in one statement:
/// the funnel and the sources by part, the trends by day, the per-person bars by owner.
fn charted() -> Vec<(KpiKey, By)> {
    [(FUNNEL, By::Part), (BY_SOURCE, By::Part)]
        .into_iter()
        .chain(TRENDS.iter().map(|(_, key, _)| (*key, By::Day)))
        .chain(PER_REP.iter().map(|(_, key)| (*key, By::Owner)))
        .collect()
}

/// The dashboard for the query's period and scope.
pub async fn dashboard(
    state: &AppState,
    viewer: &Viewer,
    q: KpiQuery,
    lang: Lang,
) -> AppResult<KpiDashboard> {
    // Every read of the page's KPIs on one connection: each taken from the pool costs a
    // round trip to its thread when given back, and a request holding one must not wait
    // for another.
    let mut conn = state.db.read.acquire().await?;
    let scope = resolve(&mut conn, state, viewer, &q).await?;
    let people = pickable_people(&mut conn, viewer, &scope).await?;
    let teams = pickable_teams(&mut conn, &scope).await?;
    let mut read = TalliesRead::default();
    let report = report_of(&mut conn, &mut read, state, &scope, &q, lang, &charted()).await?;
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
    let people_set = &scope.people;
    // The open pipeline by stage: a funnel.
    let by_stage = read
        .grouped(&mut conn, FUNNEL, &w, people_set, By::Part)
        .await?;
    let funnel = Stage::OPEN
        .iter()
        .map(|stage| {
            let narrow = Narrow {
                stage: Some(*stage),
                ..Narrow::default()
            };
            let t = group_of(by_stage, stage.as_str());
            KpiBar {
                label: stage.label(lang).to_string(),
                value: t.value(FUNNEL),
                second: None,
                records: t.n,
                drill: link(FUNNEL, scope.period, None, narrow),
            }
        })
        .collect();
    charts.push(chart("pipeline_by_stage", FUNNEL, funnel));

    // New leads by source; the sources with none are left out.
    let by_source = read
        .grouped(&mut conn, BY_SOURCE, &w, people_set, By::Part)
        .await?;
    let sources = LEAD_SOURCES
        .iter()
        .filter_map(|source| {
            let t = group_of(by_source, source);
            (t.n > 0).then(|| KpiBar {
                label: lead_source_label(source, lang).to_string(),
                value: t.value(BY_SOURCE),
                second: None,
                records: t.n,
                drill: link(
                    BY_SOURCE,
                    scope.period,
                    None,
                    Narrow {
                        source: Some(source),
                        ..Narrow::default()
                    },
                ),
            })
        })
        .collect();
    charts.push(chart("leads_by_source", BY_SOURCE, sources));

    // Trends by week (or month, for a long period).
    let steps = scope.period.steps();
    for (id, key, second) in TRENDS {
        let by_day = read
            .grouped(&mut conn, key, &w, people_set, By::Day)
            .await?;
        let bars = steps
            .iter()
            .map(|step| {
                let span = window(*step, w.now_ms);
                let days = day_of(span.start_ms)..day_of(span.end_ms);
                let mut within = Tally::default();
                for (day, t) in by_day {
                    if day.parse().is_ok_and(|d| days.contains(&d)) {
                        within.add(t);
                    }
                }
                KpiBar {
                    label: step_label(*step, scope.period.charted_weekly()),
                    value: within.value(key),
                    second: second.and_then(|k| within.value(k)),
                    records: within.records(key),
                    drill: link(key, *step, None, Narrow::default()),
                }
            })
            .collect();
        charts.push(chart(id, key, bars));
    }

    // Per person: the win rate and follow-ups done on time.
    for (id, key) in PER_REP {
        let by_owner = read
            .grouped(&mut conn, key, &w, people_set, By::Owner)
            .await?;
        let bars = people
            .iter()
            .filter_map(|p| {
                let mine = group_of(by_owner, &p.id.to_string());
                (mine.n > 0).then(|| KpiBar {
                    label: p.name.clone(),
                    value: mine.value(key),
                    second: None,
                    records: mine.records(key),
                    drill: link(key, scope.period, Some(p.id), Narrow::default()),
                })
            })
            .collect();
        charts.push(chart(id, key, bars));
    }

    // The month's and the quarter's forecasts, read together (the month is the quarter's).
    let wholes: Vec<(&str, Period)> = ["month", "quarter"]
        .into_iter()
        .filter_map(|name| {
            Period::whole(name, state.clock.now(), DEFAULT_UTC_OFFSET_MINUTES).map(|p| (name, p))
        })
        .collect();
    let windows: Vec<_> = wholes.iter().map(|(_, p)| window(*p, w.now_ms)).collect();
    let lists = forecast_deals(&mut *conn, &windows, &scope.people).await?;
    let forecasts = wholes
        .iter()
        .zip(lists)
        .map(|((name, whole), deals)| forecast_of(name, *whole, &deals, &people, lang))
        .collect();

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

/// A period's forecast: a row per person with deals in it, then the total.
fn forecast_of(
    name: &str,
    whole: Period,
    deals: &ForecastDeals,
    people: &[Person],
    lang: Lang,
) -> KpiForecast {
    let mut by_owner: HashMap<i64, Vec<ForecastDeal>> = HashMap::new();
    for (owner, d) in deals {
        if let Some(owner) = owner {
            by_owner.entry(*owner).or_default().push(*d);
        }
    }
    let mut rows: Vec<ForecastLine> = people
        .iter()
        .filter_map(|p| {
            by_owner.get(&p.id).map(|mine| ForecastLine {
                person_id: Some(p.id),
                name: p.name.clone(),
                rollup: rollup(mine.iter().copied()),
            })
        })
        .collect();
    rows.push(ForecastLine {
        person_id: None,
        name: lang.t("Total", "合计").to_string(),
        rollup: rollup(deals.iter().map(|(_, d)| *d)),
    });
    KpiForecast {
        period: name.to_string(),
        from: whole.from,
        to: whole.to,
        rows,
    }
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
    conn: &mut AnyConnection,
    viewer: &Viewer,
    scope: &Scope,
) -> AppResult<Vec<Person>> {
    let visible = users::list(&mut *conn, viewer).await?;
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
async fn pickable_teams(conn: &mut AnyConnection, scope: &Scope) -> AppResult<Vec<KpiScopeChoice>> {
    let all = users::teams(&mut *conn).await?;
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
