//! The public help centre: `/help` lists and searches the public articles (Chinese or
//! English), `/help/{id}` shows one. No sign-in; drafts and internal articles do not exist
//! here (404).
use crate::public_page::{self, esc, page};
use crate::rest::extract::parse_urlencoded;
use crate::startup::ServerState;
use app::error::AppError;
use app::i18n::Lang;
use app::model::Article;
use app::ssr::context::lang_of;
use app::ssr::services::articles::{self, ArticleQuery};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::routing::get;
use axum::Router;

const TITLE: (&str, &str) = ("Help centre", "帮助中心");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/help", get(index))
        .route("/help/{id}", get(article))
}

async fn index(State(state): State<ServerState>, uri: Uri, headers: HeaderMap) -> Response {
    let lang = lang_of(&headers, None);
    let query: ArticleQuery = match parse_urlencoded(uri.query().unwrap_or("").as_bytes()) {
        Ok(q) => q,
        Err(refused) => return refused,
    };
    let needle = query.q.clone().unwrap_or_default();
    let found = match articles::list(&state.app, None, query).await {
        Ok(page) => page.items,
        Err(AppError::Validation(_)) => Vec::new(),
        Err(e) => return failed(lang, &e),
    };
    let rows: String = found.iter().map(row).collect();
    let list = if found.is_empty() {
        format!(
            r#"<p class="muted" data-testid="no-articles">{}</p>"#,
            lang.t("No article matches.", "没有找到相关文章。")
        )
    } else {
        format!(r#"<ul class="articles">{rows}</ul>"#)
    };
    let main = format!(
        r#"<h1>{title}</h1>
<form class="help-search" method="get" action="/help" role="search">
<label class="sr-only" for="help-q">{search}</label>
<input id="help-q" name="q" type="search" value="{needle}" placeholder="{search}">
<button type="submit" class="primary">{search}</button>
</form>{list}"#,
        title = lang.t(TITLE.0, TITLE.1),
        search = lang.t("Search", "搜索"),
        needle = esc(&needle),
    );
    page(lang, TITLE, StatusCode::OK, &main)
}

fn row(a: &Article) -> String {
    let snippet: String = a.body.chars().take(120).collect();
    format!(
        r#"<li><a href="/help/{id}">{title}</a><br><span class="muted">{category}{snippet}</span></li>"#,
        id = a.id,
        title = esc(&a.title),
        category = a
            .category
            .as_deref()
            .map(|c| format!("{} · ", esc(c)))
            .unwrap_or_default(),
        snippet = esc(&snippet),
    )
}

async fn article(
    State(state): State<ServerState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, None);
    let Ok(id) = id.parse::<i64>() else {
        return failed(lang, &AppError::NotFound);
    };
    match articles::get(&state.app, None, id).await {
        Ok(a) => {
            let main = format!(
                r#"<p><a href="/help">← {back}</a></p><h1>{title}</h1><div class="article-body">{body}</div>"#,
                back = lang.t(TITLE.0, TITLE.1),
                title = esc(&a.title),
                body = esc(&a.body),
            );
            page(lang, TITLE, StatusCode::OK, &main)
        }
        Err(e) => failed(lang, &e),
    }
}

fn failed(lang: Lang, e: &AppError) -> Response {
    let back = format!(
        r#"<p><a href="/help">← {}</a></p>"#,
        lang.t(TITLE.0, TITLE.1)
    );
    let gone = lang.t("There is no such article.", "没有这篇文章。");
    public_page::failed(lang, TITLE, e, gone, &back)
}
