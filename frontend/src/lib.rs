//! The browser entry point: hydrate the server-rendered page.
// The pages' view types are deep; the release build (types not erased) lays them out here.
#![recursion_limit = "256"]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Waits for the opened page's lazily loaded code (app::pages::lazy) before hydrating.
    leptos::mount::hydrate_lazy(app::App);
}
