//! The device's outbox (public/outbox.js) sends a follow-up or a task's tick, with or
//! without signal; when something was sent, the pages that show it read their data again.
use leptos::prelude::*;

#[derive(Clone, Copy)]
struct Sent(RwSignal<u32>);

/// Counts the outbox's `tandem:sent` events (the App calls this once).
pub fn provide_sent() {
    let sent = RwSignal::new(0u32);
    provide_context(Sent(sent));
    // Effects run only in the browser.
    Effect::new(move |_| {
        let _ = window_event_listener_untyped("tandem:sent", move |_| sent.update(|n| *n += 1));
    });
}

/// How many times the outbox has sent something while the page was open: a page's data
/// source includes it to read again after a send.
pub fn use_sent() -> Signal<u32> {
    match use_context::<Sent>() {
        Some(Sent(s)) => s.into(),
        None => Signal::stored(0),
    }
}
