//! The page a customer's survey link opens (`/csat/{token}`, `/nps/{token}`): no sign-in,
//! plain HTML that works without JavaScript on any phone, in the customer's language. One
//! answer per link; an unknown or expired link is a 404 page, a second answer a 409 page
//! that thanks them for the first.
use crate::public_page::{esc, page};
use crate::rest::extract::parse_urlencoded;
use crate::startup::ServerState;
use app::domain::surveys::SurveyKind;
use app::error::AppError;
use app::i18n::errors::message;
use app::i18n::fields::field_label;
use app::i18n::Lang;
use app::ssr::context::lang_of;
use app::ssr::services::surveys::{self, link_path, Opened};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

const SURVEY_TITLE: (&str, &str) = ("Your opinion", "您的评价");

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/csat/{token}", get(show).post(take))
        .route("/nps/{token}", get(show).post(take))
}

async fn show(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = lang_of(&headers, None);
    match surveys::open(&state.app, &token).await {
        Ok(s) => match s.answered {
            Some(score) => page(
                lang,
                SURVEY_TITLE,
                StatusCode::OK,
                &thanks(lang, s.kind, score),
            ),
            None => page(
                lang,
                SURVEY_TITLE,
                StatusCode::OK,
                &form(lang, &token, &s, None, ""),
            ),
        },
        Err(e) => failed(lang, &e),
    }
}

#[derive(Deserialize, Default)]
struct Answer {
    #[serde(default)]
    score: String,
    #[serde(default)]
    comment: String,
}

async fn take(
    State(state): State<ServerState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let lang = lang_of(&headers, None);
    let answer: Answer = match parse_urlencoded(&body) {
        Ok(a) => a,
        Err(refused) => return refused,
    };
    let opened = match surveys::open(&state.app, &token).await {
        Ok(s) => s,
        Err(e) => return failed(lang, &e),
    };
    let Ok(score) = answer.score.trim().parse::<i64>() else {
        let error = error_line(lang, "score", &message(lang, &choose_a_score(opened.kind)));
        let html = form(lang, &token, &opened, Some(&error), &answer.comment);
        return page(lang, SURVEY_TITLE, StatusCode::UNPROCESSABLE_ENTITY, &html);
    };
    let comment = Some(answer.comment.as_str()).filter(|c| !c.trim().is_empty());
    match surveys::answer(&state.app, &token, score, comment).await {
        Ok(done) => page(
            lang,
            SURVEY_TITLE,
            StatusCode::OK,
            &thanks(lang, done.kind, done.answered.unwrap_or(score)),
        ),
        Err(AppError::Validation(errors)) => {
            let lines: Vec<String> = errors
                .iter()
                .map(|(field, e)| error_line(lang, field, &e.text(lang)))
                .collect();
            let html = form(
                lang,
                &token,
                &opened,
                Some(&lines.join("")),
                &answer.comment,
            );
            page(lang, SURVEY_TITLE, StatusCode::UNPROCESSABLE_ENTITY, &html)
        }
        Err(AppError::Conflict(_)) => page(
            lang,
            SURVEY_TITLE,
            StatusCode::CONFLICT,
            &thanks(lang, opened.kind, opened.answered.unwrap_or(score)),
        ),
        Err(e) => failed(lang, &e),
    }
}

fn choose_a_score(kind: SurveyKind) -> String {
    format!(
        "must be between {} and {}",
        kind.scale().start(),
        kind.scale().end()
    )
}

/// One refused field, by its label, with its message in the reader's language.
fn error_line(lang: Lang, field: &str, text: &str) -> String {
    format!(
        r#"<p class="field-error" role="alert">{}: {}</p>"#,
        esc(&field_label(lang, field)),
        esc(text)
    )
}

fn form(lang: Lang, token: &str, s: &Opened, error: Option<&str>, comment: &str) -> String {
    let (low, high) = s.kind.ends(lang);
    let scores: String = s
        .kind
        .scale()
        .map(|n| {
            format!(
                r#"<label class="score"><input type="radio" name="score" value="{n}" required><span>{n}</span></label>"#
            )
        })
        .collect();
    let about = s
        .about
        .as_deref()
        .map(|a| format!(r#"<p class="muted">{}</p>"#, esc(a)))
        .unwrap_or_default();
    format!(
        r#"<h1>{question}</h1>{about}{error}
<form method="post" action="{action}">
<fieldset class="scale"><legend>{score_label}</legend>{scores}</fieldset>
<p class="scale-ends"><span>{low}</span><span>{high}</span></p>
<label for="comment">{comment_label}</label>
<textarea id="comment" name="comment" rows="3" maxlength="2000">{comment}</textarea>
<button type="submit" class="primary">{send}</button>
</form>"#,
        question = esc(s.kind.question(lang)),
        error = error.unwrap_or_default(),
        action = esc(&format!("{}{}", link_path(s.kind), token)),
        score_label = esc(&field_label(lang, "score")),
        comment_label = lang.t(
            "Anything you want to tell us (optional)",
            "想对我们说的话（选填）"
        ),
        comment = esc(comment),
        send = lang.t("Send", "提交"),
    )
}

fn thanks(lang: Lang, kind: SurveyKind, score: i64) -> String {
    format!(
        r#"<h1>{}</h1><p class="answered" data-score="{score}">{} {score} / {}</p>"#,
        lang.t("Thank you!", "感谢您的反馈！"),
        lang.t("Your answer:", "您的评分："),
        kind.scale().end(),
    )
}

fn failed(lang: Lang, e: &AppError) -> Response {
    let (status, text) = match e {
        AppError::NotFound => (
            StatusCode::NOT_FOUND,
            lang.t(
                "This link is not valid or has expired.",
                "此链接无效或已过期。",
            ),
        ),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            lang.t(
                "Something went wrong; please try again later.",
                "出了点问题，请稍后再试。",
            ),
        ),
    };
    if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(error = ?e, "survey page failed");
    }
    page(lang, SURVEY_TITLE, status, &format!("<h1>{text}</h1>"))
}
