//! How the browser takes over a server-rendered page.
use leptos::prelude::*;

/// The script that loads the main WebAssembly and hydrates after the first contentful paint
/// (hydrate_after_paint.js). It replaces Leptos's `HydrationScripts`, which asks for the
/// code in the head (and, with split WebAssembly, every file of the opened page): on a
/// slow network those downloads share the line with the page's own paint. Here the main
/// file is fetched after the paint, and a lazily loaded page's files when its code asks
/// for them (app::pages::lazy). Carries the page's CSP nonce.
#[component]
pub fn HydrateAfterPaint(options: LeptosOptions) -> impl IntoView {
    let nonce = leptos::nonce::use_nonce();
    let js = crate::asset_href(&options, "js");
    let wasm = crate::asset_href(&options, "wasm");
    let script = include_str!("hydrate_after_paint.js").trim_end();
    view! { <script type="module" nonce=nonce>{format!("{script}({js:?}, {wasm:?});")}</script> }
}
