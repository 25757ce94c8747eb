//! The browser entry point: hydrate the server-rendered page.
// The pages' view types are deep; the release build (types not erased) lays them out here.
#![recursion_limit = "256"]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // What `leptos::mount::hydrate_lazy` does (wait for the opened page's lazily loaded code,
    // app::pages::lazy, then hydrate), and then mark the page as interactive: only now has
    // the page itself, not just the frame around it, taken over (tests wait for it).
    wasm_bindgen_futures::spawn_local(async {
        let Some(body) = leptos::prelude::document().body() else {
            return;
        };
        let mounted = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        mounted.forget();
        let _ = body.set_attribute("data-hydrated", "true");
    });
}
