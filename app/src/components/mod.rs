pub mod article_finder;
pub mod charts;
pub mod contracts;
pub mod hydration;
pub mod layout;
pub mod live;
pub mod outbox;
pub mod quick_log;
pub mod receivables;
pub mod shortcuts;
pub mod tasks;
pub mod tickets;

use crate::error::AppError;
use crate::i18n::fields::field_label;
use crate::use_lang;
use leptos::prelude::*;

/// The page's `<title>`. Every page sets its title here, never with `leptos_meta::Title`
/// directly: leptos_meta (0.8.7 and 0.9.0-rc1) writes the title text into the server's
/// HTML without escaping it, so a customer named `</title><script>…` would run script in
/// whoever opened it. On the server the text is escaped; in the browser it is assigned to
/// `document.title`, which is text already.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = crate::format::escape_html(&text);
    view! { <leptos_meta::Title text=text/> }
}

/// Explains an error to the person, in their language.
#[component]
pub fn ErrorNote(error: AppError) -> impl IntoView {
    let lang = use_lang();
    let text = match &error {
        AppError::Unauthenticated => lang.t(
            "Your session has ended. Please sign in again.",
            "登录已过期,请重新登录。",
        ),
        AppError::NotFound => lang.t(
            "Not found. It may have been removed, or it is not yours to see.",
            "未找到。记录可能已删除,或您无权查看。",
        ),
        AppError::Forbidden => lang.t("Your role cannot do this.", "您的角色无权执行此操作。"),
        AppError::Validation(_) => lang.t("Some fields need attention.", "部分字段需要修改。"),
        AppError::Duplicate(_) => lang.t(
            "This customer may exist already. Open it instead, or ask its owner.",
            "该客户可能已存在。请打开已有记录,或联系其负责人。",
        ),
        AppError::Conflict(_) => lang.t(
            "Someone else changed this record. Reload to see their change.",
            "记录已被他人修改,请刷新后再试。",
        ),
        AppError::NoLongerYours(_) => lang.t(
            "This customer is no longer yours; it was not saved.",
            "该客户已不再由您负责，未保存。",
        ),
        AppError::RateLimited(_) => lang.t(
            "Too many attempts. Please wait and try again.",
            "尝试次数过多,请稍后再试。",
        ),
        _ => lang.t("Something went wrong. Please try again.", "出错了,请重试。"),
    };
    let sign_in = matches!(error, AppError::Unauthenticated)
        .then(|| view! { <a href="/login">{lang.t("Sign in", "登录")}</a> });
    let duplicates = match &error {
        AppError::Duplicate(list) => list
            .iter()
            .map(|d| {
                let owner = d
                    .owner_name
                    .clone()
                    .unwrap_or_else(|| lang.t("public pool", "公海").to_string());
                let name = if d.name.is_empty() {
                    match d.matched_on.as_str() {
                        "phone" => lang.t("A customer with this phone", "使用此电话的客户"),
                        _ => lang.t("A customer with this email", "使用此邮箱的客户"),
                    }
                    .to_string()
                } else {
                    d.name.clone()
                };
                let label = format!("{name} · {owner}");
                if d.visible {
                    view! { <li><a href=format!("/customers/{}", d.customer_id)>{label}</a></li> }
                        .into_any()
                } else {
                    view! { <li>{label}</li> }.into_any()
                }
            })
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    let fields = match error {
        AppError::Validation(errors) => errors
            .into_iter()
            .map(|(f, m)| {
                let (label, text) = (field_label(lang, &f), m.text(lang));
                view! { <li data-field=f><strong>{label}</strong>{lang.t(": ", "：")}{text}</li> }
            })
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    view! {
        <div class="notice error" role="alert">
            <p>{text}" "{sign_in}</p>
            <ul>{fields}</ul>
            <ul class="duplicates" data-testid="duplicates">{duplicates}</ul>
        </div>
    }
}

/// A centred "Loading…" line.
#[component]
pub fn Loading() -> impl IntoView {
    let lang = use_lang();
    view! { <p class="loading" aria-live="polite">{lang.t("Loading…", "加载中…")}</p> }
}

/// The `<option>`s of a fixed list (a priority, a status, a channel), each in the reader's
/// language by `label`; the one equal to `selected` is chosen.
pub fn choice_options<T: crate::domain::Choice + PartialEq + Send + Sync>(
    lang: crate::i18n::Lang,
    label: fn(T, crate::i18n::Lang) -> &'static str,
    selected: Option<T>,
) -> Vec<AnyView> {
    T::ALL
        .iter()
        .map(|c| {
            view! { <option value=c.as_str() selected=selected == Some(*c)>{label(*c, lang)}</option> }
                .into_any()
        })
        .collect()
}
