pub mod admin;
pub mod alerts;
pub mod approvals;
pub mod customer_list;
pub mod customer_timeline;
pub mod customers;
pub mod dashboard;
pub mod kpi_records;
pub mod lazy;
pub mod leads;
pub mod login;
pub mod new_customer;
pub mod pipeline;
pub mod queue;
pub mod settings;
pub mod tasks;
pub mod tickets;
pub mod today;

use crate::use_lang;
use leptos::prelude::*;

/// Shown for unknown paths, with a 404 status when rendered on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(resp) = use_context::<leptos_axum::ResponseOptions>() {
        resp.set_status(http::StatusCode::NOT_FOUND);
    }
    let lang = use_lang();
    view! {
        <main class="page narrow">
            <h1>{lang.t("Page not found", "页面不存在")}</h1>
            <p><a href="/">{lang.t("Go to your home page", "返回首页")}</a></p>
        </main>
    }
}
