//! The knowledge base. Agents and admins write articles (draft, internal or public) and
//! make one from a resolved ticket in a step; everyone signed in reads the internal and
//! public ones, anyone the public ones on `/help`. Search is full text over title, body,
//! category and tags, Chinese and English alike.
use super::customers::clean_tags;
use super::write::{audited, audited_new, check_version, stale, Versioned};
use super::{into_page, page_cursor, page_limit, Check};
use crate::domain::events::{Action, Entity};
use crate::domain::scope::{can_write_articles, readable_articles};
use crate::domain::validate::{optional_text, required_long_text, required_text};
use crate::error::{AppError, AppResult};
use crate::model::*;
use crate::ssr::auth::Viewer;
use crate::ssr::context::AppState;
use crate::ssr::store::articles::{self as store, ArticleFields, ArticleFilter};
use crate::ssr::store::search::Search;

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleQuery {
    /// Words to find, in Chinese or English.
    pub q: Option<String>,
    pub category: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The articles `viewer` (None: a visitor of the help page) may read, newest first.
pub async fn list(
    state: &AppState,
    viewer: Option<&Viewer>,
    q: ArticleQuery,
) -> AppResult<Page<Article>> {
    let limit = page_limit(q.limit)?;
    let needle =
        optional_text(q.q.as_deref().unwrap_or(""), 100).map_err(|e| AppError::field("q", e))?;
    let search = match needle {
        Some(n) => match Search::new(state.db.backend, &n) {
            Some(s) => Some(s),
            // Only punctuation: nothing can match.
            None => return Ok(into_page(Vec::new(), limit, |a: &Article| a.id)),
        },
        None => None,
    };
    let filter = ArticleFilter {
        search,
        category: q.category.filter(|c| !c.trim().is_empty()),
        before_id: page_cursor(q.cursor.as_deref())?,
        limit,
    };
    let readable = readable_articles(viewer.map(|v| v.role));
    let rows = store::list(&state.db.read, readable, &filter).await?;
    Ok(into_page(rows, limit, |a| a.id))
}

pub async fn get(state: &AppState, viewer: Option<&Viewer>, id: i64) -> AppResult<Article> {
    let readable = readable_articles(viewer.map(|v| v.role));
    store::get(&state.db.read, readable, id)
        .await?
        .ok_or(AppError::NotFound)
}

fn may_write(viewer: &Viewer) -> AppResult<()> {
    if can_write_articles(viewer.role) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The fields as they will be kept, every problem named.
struct Checked {
    title: String,
    body: String,
    category: Option<String>,
    tags: Vec<String>,
    visibility: ArticleVisibility,
}

impl Checked {
    fn fields(&self) -> ArticleFields<'_> {
        ArticleFields {
            title: &self.title,
            body: &self.body,
            category: self.category.as_deref(),
            tags: &self.tags,
            visibility: self.visibility,
        }
    }
}

fn check(
    title: &str,
    body: &str,
    category: Option<&str>,
    tags: &[String],
    visibility: ArticleVisibility,
) -> AppResult<Checked> {
    let mut check = Check::new();
    let title = check.field("title", required_text(title, 200));
    let body = check.field("body", required_long_text(body, 50_000));
    let category = check.field("category", optional_text(category.unwrap_or(""), 50));
    let tags = clean_tags(&mut check, tags);
    check.finish()?;
    Ok(Checked {
        title,
        body,
        category,
        tags,
        visibility,
    })
}

pub async fn create(state: &AppState, viewer: &Viewer, input: NewArticle) -> AppResult<Article> {
    may_write(viewer)?;
    let visibility = input.visibility.unwrap_or(ArticleVisibility::Draft);
    let a = check(
        &input.title,
        &input.body,
        input.category.as_deref(),
        &input.tags,
        visibility,
    )?;
    insert(state, viewer, &a, None).await
}

async fn insert(
    state: &AppState,
    viewer: &Viewer,
    a: &Checked,
    source_ticket_id: Option<i64>,
) -> AppResult<Article> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let id = store::insert(&mut tx, &a.fields(), source_ticket_id, viewer.user_id, now).await?;
    store::reindex(&mut tx, state.db.backend, id, &a.fields()).await?;
    let created = store::get(&mut *tx, readable_articles(Some(viewer.role)), id).await?;
    let what = (Entity::Article, Action::Created, id);
    let created = audited_new(&mut tx, viewer, what, created, now).await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn patch(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    p: ArticlePatch,
) -> AppResult<Article> {
    may_write(viewer)?;
    let readable = readable_articles(Some(viewer.role));
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current = store::get(&mut *tx, readable, id)
        .await?
        .ok_or(AppError::NotFound)?;
    check_version(&current, current.version, p.version)?;
    let a = check(
        p.title.as_deref().unwrap_or(&current.title),
        p.body.as_deref().unwrap_or(&current.body),
        p.category.as_deref().or(current.category.as_deref()),
        p.tags.as_deref().unwrap_or(&current.tags),
        p.visibility.unwrap_or(current.visibility),
    )?;
    if !store::update(&mut tx, id, p.version, &a.fields(), viewer.user_id, now).await? {
        return Err(stale(store::get(&mut *tx, readable, id).await?));
    }
    store::reindex(&mut tx, state.db.backend, id, &a.fields()).await?;
    let after = store::get(&mut *tx, readable, id).await?;
    let change = Versioned::new(Entity::Article, Action::Updated, id, &current);
    let updated = audited(&mut tx, Some(viewer), change, after, now).await?;
    tx.commit().await?;
    Ok(updated)
}

/// A draft article from a resolved (or closed) ticket: its subject as the title, what the
/// customer asked and the answers they were given as the body, its category; the writer
/// edits and publishes it.
pub async fn from_ticket(state: &AppState, viewer: &Viewer, ticket_id: i64) -> AppResult<Article> {
    may_write(viewer)?;
    let detail = super::tickets::get(state, viewer, ticket_id).await?;
    let t = &detail.ticket;
    if !matches!(t.status, TicketStatus::Resolved | TicketStatus::Closed) {
        return Err(AppError::field(
            "status",
            "only a resolved or closed ticket becomes an article",
        ));
    }
    let lang = crate::i18n::Lang::ZhCn;
    let asked: Vec<&str> = detail
        .messages
        .iter()
        .filter(|m| m.author_id.is_none())
        .map(|m| m.body.as_str())
        .collect();
    let answered: Vec<&str> = detail
        .messages
        .iter()
        .filter(|m| m.author_id.is_some() && !m.internal)
        .map(|m| m.body.as_str())
        .collect();
    let body = format!(
        "问题 / Question\n{}\n\n解答 / Answer\n{}",
        asked.join("\n\n"),
        answered.join("\n\n")
    );
    let a = check(
        &t.subject,
        &body,
        Some(t.category.label(lang)),
        &[],
        ArticleVisibility::Draft,
    )?;
    insert(state, viewer, &a, Some(t.id)).await
}
