//! Tandem's app: typed models and domain rules shared by server and browser, the pages for
//! each role, and the server functions they call. Server-only code sits in `ssr`.
// The lazily loaded pages (pages::lazy) lay out their whole view types in this crate.
#![recursion_limit = "256"]
pub mod api;
pub mod components;
#[macro_use]
pub mod domain;
pub mod error;
pub mod format;
pub mod i18n;
pub mod model;
pub mod page_data;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

use components::PageTitle;
use i18n::Lang;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};
use pages::lazy;

/// The HTML document, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = request_lang();
    view! {
        <!DOCTYPE html>
        <html lang=lang.code()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover"/>
                <meta name="theme-color" content="#0f5c8c"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/icons/icon-192.png"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="stylesheet" id="leptos" href=asset_href(&options, "css")/>
                // The outbox, the service worker and the offline helpers (public/).
                <script src="/outbox.js" defer></script>
                <script src="/pwa.js" defer></script>
                <AutoReload options=options.clone()/>
                // The WebAssembly is fetched after the page's first paint, not named here.
                <components::hydration::HydrateAfterPaint options=options.clone()/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The address of one of the browser's main files (`css`, `js`, `wasm`): they sit in the
/// build's content-named folder (`site_pkg_dir` is `pkg/<hash>`, server/src/assets.rs), so
/// a deploy changes it.
pub fn asset_href(options: &LeptosOptions, ext: &str) -> String {
    format!("/{}/{}.{ext}", options.site_pkg_dir, options.output_name)
}

/// The UI language: on the server from the request (cookie, then the user's setting, then
/// Accept-Language); in the browser from the `<html lang>` the server rendered, so both
/// sides agree during hydration.
pub fn request_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        ssr::context::request_lang()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|e| e.get_attribute("lang"))
            .and_then(|l| Lang::parse(&l))
            .unwrap_or_default()
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = request_lang();
    provide_context(lang);
    components::outbox::provide_sent();
    // The page is marked interactive (`<body data-hydrated>`) by the browser's entry point
    // (frontend/src/lib.rs) once the opened page has hydrated.
    view! {
        <PageTitle text="Tandem"/>
        <Router>
            <Routes fallback=move || view! { <pages::NotFound/> }>
                <Route path=path!("/login") view=pages::login::LoginPage/>
                // In-order streaming: every page reads complete without JavaScript. Today's
                // code is in the main WebAssembly; the other pages' load when opened
                // (pages::lazy).
                <ParentRoute path=path!("") view=components::layout::SignedInLayout ssr=SsrMode::InOrder>
                    <Route path=path!("/today") view=pages::today::TodayPage ssr=SsrMode::InOrder/>
                    <Route path=path!("/queue") view={Lazy::<lazy::Queue>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/tickets/:id") view={Lazy::<lazy::Ticket>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view={Lazy::<lazy::Dashboard>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/dashboard/:key") view={Lazy::<lazy::KpiRecords>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/approvals") view={Lazy::<lazy::Approvals>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/admin") view={Lazy::<lazy::Admin>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/admin/settings") view={Lazy::<lazy::Settings>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/customers") view={Lazy::<lazy::Customers>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/customers/new") view={Lazy::<lazy::NewCustomer>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/customers/:id") view={Lazy::<lazy::Customer>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/alerts") view={Lazy::<lazy::Alerts>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/leads") view={Lazy::<lazy::Leads>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/tasks") view={Lazy::<lazy::Tasks>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/pipeline") view={Lazy::<lazy::Pipeline>::new()} ssr=SsrMode::InOrder/>
                    <Route path=path!("/deals/:id") view={Lazy::<lazy::Deal>::new()} ssr=SsrMode::Async/>
                </ParentRoute>
            </Routes>
        </Router>
    }
}

/// The language chosen for this render.
pub fn use_lang() -> Lang {
    use_context::<Lang>().unwrap_or_default()
}
