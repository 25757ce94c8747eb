//! The managers' KPIs for a period and a scope, compared with the period before, and the
//! records behind each. A manager sees their team's subtree (one team of it, or one
//! person of it); an admin, or a manager of a top team (a director), sees everyone.
use crate::domain::kpis::Fact;
use crate::domain::kpis::{KpiKey, Period};
use crate::domain::scope::can_see_dashboard;
use crate::domain::time::DEFAULT_UTC_OFFSET_MINUTES;
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;
use crate::model::{Kpi, KpiRecord, KpiRecords, KpiReport, Role};
use crate::ssr::auth::Viewer;
use crate::ssr::clock::from_ms;
use crate::ssr::context::AppState;
use crate::ssr::store::kpis::{self as store, kind_of, records_of, People, Window};
use crate::ssr::store::scope::people_of_team_subtree;
use crate::ssr::store::users;
use chrono::NaiveDate;
use sqlx::AnyConnection;
use std::collections::hash_map::{Entry, HashMap};

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
}

/// Every KPI for the query's period and scope, with the previous period's values.
pub async fn report(
    state: &AppState,
    viewer: &Viewer,
    q: KpiQuery,
    lang: Lang,
) -> AppResult<KpiReport> {
    let (period, people) = resolve(state, viewer, &q).await?;
    let now_ms = state.clock.now_ms();
    let this = window(period, now_ms);
    let before = window(period.previous(), now_ms);
    let mut conn = state.db.read.acquire().await?;
    let mut read = SetsRead::default();
    let mut kpis = Vec::with_capacity(KpiKey::ALL.len());
    for key in KpiKey::ALL {
        let facts = read.facts(&mut conn, *key, &this, &people).await?;
        let value = key.value(facts);
        let records = facts.len() as i64;
        let previous = if key.is_snapshot() {
            None
        } else {
            key.value(read.facts(&mut conn, *key, &before, &people).await?)
        };
        kpis.push(Kpi {
            key: *key,
            unit: key.unit(),
            value,
            previous,
            records,
            drill: drill_link(*key, period, &q),
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

/// The records behind one KPI's value (all of them).
pub async fn records(
    state: &AppState,
    viewer: &Viewer,
    key: KpiKey,
    q: KpiQuery,
) -> AppResult<KpiRecords> {
    let (period, people) = resolve(state, viewer, &q).await?;
    let w = window(period, state.clock.now_ms());
    let facts = store::facts(&state.db.read, key, &w, &people).await?;
    let kind = kind_of(key);
    Ok(KpiRecords {
        key,
        from: period.from,
        to: period.to,
        count: facts.len() as i64,
        items: facts
            .into_iter()
            .map(|f| KpiRecord {
                kind: kind.kind.to_string(),
                id: f.id,
                href: format!("/{}/{}", kind.page, f.id),
                at: from_ms(f.at_ms),
                amount_minor: f.amount,
                measure: f.measure,
            })
            .collect(),
    })
}

/// The record sets a report has read, by the KPI that reads them and the period's start:
/// KPIs that are figures of the same records (conversion of the new leads, p90 beside the
/// median) read them once.
#[derive(Default)]
struct SetsRead(HashMap<(KpiKey, i64), Vec<Fact>>);

impl SetsRead {
    async fn facts(
        &mut self,
        conn: &mut AnyConnection,
        key: KpiKey,
        w: &Window,
        people: &People,
    ) -> AppResult<&Vec<Fact>> {
        let set = (records_of(key), w.start_ms);
        Ok(match self.0.entry(set) {
            Entry::Occupied(read) => read.into_mut(),
            Entry::Vacant(unread) => unread.insert(store::facts(conn, set.0, w, people).await?),
        })
    }
}

/// `/api/v1/kpis/{key}/records?…` for the same period and scope.
fn drill_link(key: KpiKey, period: Period, q: &KpiQuery) -> String {
    let mut link = format!(
        "/api/v1/kpis/{}/records?from={}&to={}",
        key.as_str(),
        period.from,
        period.to
    );
    if let Some(t) = q.team_id {
        link.push_str(&format!("&team_id={t}"));
    }
    if let Some(r) = q.rep_id {
        link.push_str(&format!("&rep_id={r}"));
    }
    link
}

fn window(period: Period, now_ms: i64) -> Window {
    let (start_ms, end_ms) = period.span_ms(DEFAULT_UTC_OFFSET_MINUTES);
    Window {
        start_ms,
        end_ms,
        period,
        now_ms,
    }
}

/// The query's period (refusing a bad date, naming it) and the people it counts (404 for a
/// team or person outside the viewer's scope).
async fn resolve(state: &AppState, viewer: &Viewer, q: &KpiQuery) -> AppResult<(Period, People)> {
    if !can_see_dashboard(viewer.role) {
        return Err(AppError::Forbidden);
    }
    let period = period_of(q, state.clock.now())?;
    let pool = &state.db.read;
    // The viewer's own reach: None = everyone.
    let reach: Option<(i64, Vec<i64>)> = match (viewer.role, viewer.team_id) {
        (Role::Admin, _) => None,
        (_, Some(team)) => match users::team(pool, team).await? {
            Some(t) if t.parent_id.is_none() => None,
            _ => {
                let mut people = people_of_team_subtree(pool, team).await?;
                people.push(viewer.user_id);
                Some((team, people))
            }
        },
        (_, None) => Some((0, vec![viewer.user_id])),
    };
    let mut people = match &reach {
        None => People::Everyone,
        Some((_, p)) => People::These(p.clone()),
    };
    if let Some(team) = q.team_id {
        let within = match &reach {
            None => users::team(pool, team).await?.is_some(),
            Some((root, _)) => {
                *root != 0
                    && users::team_is_within(&mut *pool.acquire().await?, team, *root).await?
            }
        };
        if !within {
            return Err(AppError::NotFound);
        }
        people = People::These(people_of_team_subtree(pool, team).await?);
    }
    if let Some(rep) = q.rep_id {
        let visible = match &people {
            People::Everyone => users::get(pool, rep).await?.is_some(),
            People::These(p) => p.contains(&rep),
        };
        if !visible {
            return Err(AppError::NotFound);
        }
        people = People::These(vec![rep]);
    }
    Ok((period, people))
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
