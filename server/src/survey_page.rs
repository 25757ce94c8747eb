//! The page a customer's survey link opens (`/csat/{token}`, `/nps/{token}`): no sign-in,
//! plain HTML that works without JavaScript on any phone, in the customer's language. One
//! answer per link; an unknown or expired link is a 404 page, a second answer a 409 page
//! that thanks them for the first.
use crate::public_page::{self, esc, page};
use crate::rest::extract::parse_urlencoded;
use crate::startup::ServerState;
use app::domain::surveys::SurveyKind;
use app::error::AppError;
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
    let comment = Some(answer.comment.as_str()).filter(|c| !c.trim().is_empty());
    let refused = match surveys::answer(&state.app, &token, &answer.score, comment).await {
        Ok(done) => {
            let score = done.answered.unwrap_or_default();
            return page(
                lang,
                SURVEY_TITLE,
                StatusCode::OK,
                &thanks(lang, done.kind, score),
            );
        }
        Err(e) => e,
    };
    // Refused: the survey as it stands says what to show (the form again with what was
    // wrong, or thanks for the answer given before).
    let opened = match surveys::open(&state.app, &token).await {
        Ok(s) => s,
        Err(e) => return failed(lang, &e),
    };
    match (refused, opened.answered) {
        (AppError::Validation(errors), None) => {
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
        // Answered already (by this link's first answer): thanks, and nothing changes.
        (AppError::Conflict(_) | AppError::Validation(_), Some(score)) => page(
            lang,
            SURVEY_TITLE,
            StatusCode::CONFLICT,
            &thanks(lang, opened.kind, score),
        ),
        (e, _) => failed(lang, &e),
    }
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
    let gone = lang.t(
        "This link is not valid or has expired.",
        "此链接无效或已过期。",
    );
    public_page::failed(lang, SURVEY_TITLE, e, gone, "")
}
