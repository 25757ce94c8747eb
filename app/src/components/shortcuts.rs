//! Keyboard shortcuts for the desk: one listener per page, keys ignored while someone
//! types in a field, and the list of keys shown with `?`.
use crate::i18n::Lang;
use crate::use_lang;
use leptos::prelude::*;

/// Calls `on_key` with each key pressed outside a text field (`j`, `Enter`, `?`, …),
/// without modifiers, on the client; removed with the page.
pub fn use_shortcuts(on_key: impl Fn(&str) + 'static) {
    let handle = window_event_listener(leptos::ev::keydown, move |e| {
        if e.ctrl_key() || e.meta_key() || e.alt_key() {
            return;
        }
        let typing = e
            .target()
            .and_then(|t| leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| el.tag_name().to_ascii_lowercase())
            .is_some_and(|tag| matches!(tag.as_str(), "input" | "textarea" | "select"));
        if typing && e.key() != "Escape" {
            return;
        }
        let key = e.key();
        if matches!(
            key.as_str(),
            "j" | "k" | "r" | "n" | "a" | "c" | "?" | "Enter" | "Escape"
        ) {
            on_key(&key);
            if key != "Enter" {
                e.prevent_default();
            }
        }
    });
    on_cleanup(move || handle.remove());
}

/// Moves the keyboard focus to the element with this id (a reply box, a select).
pub fn focus(id: &str) {
    if let Some(el) = document().get_element_by_id(id) {
        if let Ok(el) = leptos::wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
            let _ = el.focus();
        }
    }
}

/// The keys a page answers to, as a list that `?` opens and Escape closes.
#[component]
pub fn ShortcutHelp(
    open: RwSignal<bool>,
    keys: Vec<(&'static str, &'static str, &'static str)>,
) -> impl IntoView {
    let lang: Lang = use_lang();
    view! {
        <p class="shortcut-hint">
            <button type="button" class="link" on:click=move |_| open.update(|o| *o = !*o)
                aria-expanded=move || open.get().to_string()>
                <kbd>"?"</kbd>" "{lang.t("Keyboard shortcuts", "键盘快捷键")}
            </button>
        </p>
        <Show when=move || open.get()>
            <dl class="shortcuts" data-testid="shortcuts">
                {keys.iter().map(|(key, en, zh)| view! {
                    <div><dt><kbd>{*key}</kbd></dt><dd>{lang.t(en, zh)}</dd></div>
                }).collect::<Vec<_>>()}
            </dl>
        </Show>
    }
}
