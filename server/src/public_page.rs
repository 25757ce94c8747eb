//! The shell of the pages anyone may open without signing in (a survey link, the help
//! centre): plain HTML in the reader's language with Tandem's stylesheet, no script, so
//! they work on any phone and without JavaScript.
use app::error::AppError;
use app::i18n::Lang;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

pub use html_escape::encode_text as esc;

/// A page with `main` as its content; `title` in English and Chinese.
pub fn page(lang: Lang, title: (&str, &str), status: StatusCode, main: &str) -> Response {
    let html_lang = match lang {
        Lang::En => "en",
        Lang::ZhCn => "zh-CN",
    };
    let title = esc(match lang {
        Lang::En => title.0,
        Lang::ZhCn => title.1,
    });
    let css = crate::assets::stylesheet_href();
    let html = format!(
        r#"<!DOCTYPE html><html lang="{html_lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><link rel="stylesheet" href="{css}"></head>
<body class="public-page"><main class="card public">{main}</main></body></html>"#
    );
    (status, Html(html)).into_response()
}

/// A refusal as such a page shows it: `not_found` (in the reader's language) for a record
/// that is not there, "something went wrong" (logged) for anything else; `above` is what
/// the page shows before it (a way back).
pub fn failed(
    lang: Lang,
    title: (&str, &str),
    e: &AppError,
    not_found: &str,
    above: &str,
) -> Response {
    let (status, text) = match e {
        AppError::NotFound => (StatusCode::NOT_FOUND, not_found),
        _ => {
            tracing::error!(error = ?e, page = title.0, "public page failed");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                lang.t(
                    "Something went wrong; please try again later.",
                    "出了点问题，请稍后再试。",
                ),
            )
        }
    };
    page(
        lang,
        title,
        status,
        &format!("{above}<h1>{}</h1>", esc(text)),
    )
}
