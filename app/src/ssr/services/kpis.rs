//! The managers' KPIs for a period and a scope, compared with the period before, and the
//! records behind each. A manager sees their team's subtree (one team of it, or one
//! person of it); an admin, or a manager of a top team (a director), sees everyone.
pub(crate) use super::kpi_tallies::TalliesRead;
use crate::domain::kpis::Fact;
use crate::domain::kpis::{KpiKey, KpiUnit, Period};
use crate::domain::pipeline::Stage;
use crate::domain::scope::can_see_dashboard;
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::model::kpi_drill_query;
use crate::model::{Kpi, KpiRecord, KpiRecords, KpiReport, Role};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::from_ms;
use crate::ssr::context::AppState;
use crate::ssr::store::kpi_cells::By;
use crate::ssr::store::kpis::{self as store, kind_of, Narrow, People, Window};
use crate::ssr::store::scope::people_of_team_subtree;
use crate::ssr::store::users;
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// Which period and whose work: `from`/`to` (local dates, inclusive) or `period` (week,
/// month, quarter, year to date; the default is month), and a team or a person.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KpiQuery {
    /// First day, YYYY-MM-DD (with `to`).
    pub from: Option<String>,
    /// Last day, YYYY-MM-DD, inclusive.
    pub to: Option<String>,
    /// week | month | quarter | year: up to today (when no from/to).
    pub period: Option<String>,
    /// One team and the teams below it.
    pub team_id: Option<i64>,
    /// One person (a rep, or an agent for the desk's KPIs).
    pub rep_id: Option<i64>,
    /// One pipeline stage (initial, needs, proposal, negotiation): narrows the open
    /// pipeline's KPIs to the deals in it.
    pub stage: Option<String>,
    /// One lead source (web_form, event, referral, import, api, trial, demo): narrows the
    /// leads' KPIs to the leads from it.
    pub source: Option<String>,
}

impl KpiQuery {
    /// A query from what a page's address holds (each field as typed; empty = not
    /// given). The page's form sends the dates it shows with the period chosen: a named
    /// period wins over them.
    pub fn from_page(
        period: Option<String>,
        from: Option<String>,
        to: Option<String>,
        team_id: Option<String>,
        rep_id: Option<String>,
        stage: Option<String>,
        source: Option<String>,
    ) -> AppResult<KpiQuery> {
        let given = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        let id = |field: &str, v: Option<String>| {
            given(v)
                .map(|s| {
                    s.trim()
                        .parse::<i64>()
                        .map_err(|_| AppError::field(field, "enter a whole number"))
                })
                .transpose()
        };
        let period = given(period);
        let (from, to) = match period {
            Some(_) => (None, None),
            None => (given(from), given(to)),
        };
        Ok(KpiQuery {
            period,
            from,
            to,
            team_id: id("team_id", team_id)?,
            rep_id: id("rep_id", rep_id)?,
            stage: given(stage),
            source: given(source),
        })
    }
}

/// Every KPI for the query's period and scope, with the previous period's values.
pub async fn report(
    state: &AppState,
    viewer: &Viewer,
    q: KpiQuery,
    lang: Lang,
) -> AppResult<KpiReport> {
    let mut conn = state.db.read.acquire().await?;
    let scope = resolve(&mut conn, state, viewer, &q).await?;
    let mut read = TalliesRead::default();
    report_of(&mut conn, &mut read, state, &scope, &q, lang, &[]).await
}

/// The report for a resolved scope, reading through `read` (which the dashboard's charts
/// then read the same record sets from; `also`: the groupings of this period they will
/// read, fetched with the report's own).
pub(crate) async fn report_of(
    conn: &mut AnyConnection,
    read: &mut TalliesRead,
    state: &AppState,
    scope: &Scope,
    q: &KpiQuery,
    lang: Lang,
    also: &[(KpiKey, By)],
) -> AppResult<KpiReport> {
    let period = scope.period;
    let now_ms = state.clock.now_ms();
    let this = window(period, now_ms);
    let before = window(period.previous(), now_ms);
    // Every sum the report needs, this period's and the one before's, read together.
    let mut wanted: Vec<(KpiKey, &Window, By)> = KpiKey::ALL
        .iter()
        .map(|k| (*k, &this, By::Nothing))
        .chain(
            KpiKey::ALL
                .iter()
                .filter(|k| !k.is_snapshot())
                .map(|k| (*k, &before, By::Nothing)),
        )
        .collect();
    wanted.extend(also.iter().map(|(k, by)| (*k, &this, *by)));
    read.prefetch(conn, &wanted, &scope.people).await?;
    let mut kpis = Vec::with_capacity(KpiKey::ALL.len());
    for key in KpiKey::ALL {
        let tally = read.whole(conn, *key, &this, &scope.people).await?;
        let value = tally.value(*key);
        let records = tally.records(*key);
        let previous = if key.is_snapshot() {
            None
        } else {
            read.whole(conn, *key, &before, &scope.people)
                .await?
                .value(*key)
        };
        let query = kpi_drill_query(period.from, period.to, q.team_id, q.rep_id, None, None);
        kpis.push(Kpi {
            key: *key,
            unit: key.unit(),
            value,
            previous,
            records,
            drill: format!("/api/v1/kpis/{}/records?{query}", key.as_str()),
            definition: key.definition(lang).to_string(),
        });
    }
    Ok(KpiReport {
        from: period.from,
        to: period.to,
        previous_from: period.previous().from,
        previous_to: period.previous().to,
        team_id: q.team_id,
        rep_id: q.rep_id,
        kpis,
    })
}

/// The records behind one KPI's value (all of them), with the value they make.
pub async fn records(
    state: &AppState,
    viewer: &Viewer,
    key: KpiKey,
    q: KpiQuery,
) -> AppResult<KpiRecords> {
    let mut conn = state.db.read.acquire().await?;
    let scope = resolve(&mut conn, state, viewer, &q).await?;
    if let Some((field, problem)) = scope.narrow.refusal(key) {
        return Err(AppError::field(field, problem));
    }
    let w = window(scope.period, state.clock.now_ms());
    let titled = store::titled_facts(&mut *conn, key, &w, &scope.people, scope.narrow).await?;
    let kind = kind_of(key);
    let facts: Vec<Fact> = titled.iter().map(|t| t.fact.clone()).collect();
    Ok(KpiRecords {
        key,
        unit: key.unit(),
        from: scope.period.from,
        to: scope.period.to,
        team_id: q.team_id,
        rep_id: q.rep_id,
        stage: scope.narrow.stage.map(|s| s.as_str().to_string()),
        source: scope.narrow.source.map(str::to_string),
        value: key.value(&facts),
        count: titled.len() as i64,
        items: titled
            .into_iter()
            .map(|t| KpiRecord {
                kind: kind.kind.to_string(),
                id: t.fact.id,
                title: t.title,
                href: t.href,
                at: from_ms(t.fact.at_ms),
                // A survey's score is its measure, not an amount.
                amount_minor: t.fact.amount.filter(|_| key.unit() != KpiUnit::Score),
                measure: if key.unit() == KpiUnit::Score {
                    t.fact.amount
                } else {
                    t.fact.measure
                },
            })
            .collect(),
    })
}

/// A period as the store reads it: its instants (local days) and now.
pub fn window(period: Period, now_ms: i64) -> Window {
    let (start_ms, end_ms) = period.span_ms(DEFAULT_UTC_OFFSET_MINUTES);
    Window {
        start_ms,
        end_ms,
        period,
        now_ms,
    }
}

/// A query resolved against the viewer: the period, whose work is counted, whom the
/// viewer may narrow to (before a person was chosen), and the stage narrowing.
pub(crate) struct Scope {
    pub period: Period,
    pub people: People,
    /// The people of the viewer's reach, or of the chosen team.
    pub pickable: People,
    /// The top of the viewer's reach: None = every team.
    pub root_team: Option<i64>,
    pub narrow: Narrow,
}

/// The query's period (refusing a bad date, naming it) and the people it counts (404 for a
/// team or person outside the viewer's scope), read on the request's connection.
pub(crate) async fn resolve(
    conn: &mut AnyConnection,
    state: &AppState,
    viewer: &Viewer,
    q: &KpiQuery,
) -> AppResult<Scope> {
    if !can_see_dashboard(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let period = period_of(q, state.clock.now())?;
    let narrow = Narrow {
        stage: match q.stage.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(Stage::parse(s).filter(|s| !s.is_closed()).ok_or_else(|| {
                AppError::field("stage", "choose from initial, needs, proposal, negotiation")
            })?),
        },
        source: match q.source.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(crate::domain::leads::lead_source(s).ok_or_else(|| {
                AppError::field(
                    "source",
                    "choose from web_form, event, referral, import, api, trial, demo",
                )
            })?),
        },
    };
    // The viewer's own reach: None = everyone.
    let reach: Option<(i64, Vec<i64>)> = match (viewer.role, viewer.team_id) {
        (Role::Admin, _) => None,
        (_, Some(team)) => match users::team(&mut *conn, team).await? {
            Some(t) if t.parent_id.is_none() => None,
            _ => {
                let mut people = people_of_team_subtree(&mut *conn, team).await?;
                // (A manager is usually in the team they lead: named once.)
                if !people.contains(&viewer.user_id) {
                    people.push(viewer.user_id);
                }
                Some((team, people))
            }
        },
        (_, None) => Some((0, vec![viewer.user_id])),
    };
    let root_team = reach.as_ref().map(|(root, _)| *root);
    let mut people = match reach {
        None => People::Everyone,
        Some((_, p)) => People::These(p),
    };
    if let Some(team) = q.team_id {
        let within = match root_team {
            None => users::team(&mut *conn, team).await?.is_some(),
            Some(root) => root != 0 && users::team_is_within(conn, team, root).await?,
        };
        if !within {
            return Err(AppError::NotFound);
        }
        people = People::These(people_of_team_subtree(&mut *conn, team).await?);
    }
    let pickable = people.clone();
    if let Some(rep) = q.rep_id {
        let visible = match &people {
            People::Everyone => users::get(&mut *conn, rep).await?.is_some(),
            People::These(p) => p.contains(&rep),
        };
        if !visible {
            return Err(AppError::NotFound);
        }
        people = People::These(vec![rep]);
    }
    Ok(Scope {
        period,
        people,
        pickable,
        root_team,
        narrow,
    })
}

fn period_of(q: &KpiQuery, now: chrono::DateTime<chrono::Utc>) -> AppResult<Period> {
    let date = |field: &str, v: &Option<String>| -> AppResult<Option<NaiveDate>> {
        v.as_deref()
            .map(|s| {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
                    .map_err(|_| AppError::field(field, "a date like 2026-12-31"))
            })
            .transpose()
    };
    match (date("from", &q.from)?, date("to", &q.to)?) {
        (Some(from), Some(to)) => {
            if to < from {
                return Err(AppError::field("to", "must be after the start date"));
            }
            if (to - from).num_days() > 3 * 366 {
                return Err(AppError::field("to", "a period of at most three years"));
            }
            Ok(Period { from, to })
        }
        (Some(_), None) => Err(AppError::field("to", "choose a date")),
        (None, Some(_)) => Err(AppError::field("from", "choose a date")),
        (None, None) => {
            let name = q.period.as_deref().unwrap_or("month");
            Period::named(name, now, DEFAULT_UTC_OFFSET_MINUTES)
                .ok_or_else(|| AppError::field("period", "choose from week, month, quarter, year"))
        }
    }
}
