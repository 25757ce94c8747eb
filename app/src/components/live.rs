//! Live alerts in the browser: one websocket per open page, a badge with the unread count,
//! toasts for alerts that arrive live (replayed ones only count), and the system
//! notification (with vibration on phones) when the user allowed it. The socket says
//! `hello` with the last alert id this device saw (kept in localStorage) and reconnects
//! with exponential backoff and jitter.
use crate::model::{Alert, WsMessage};
use crate::use_lang;
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

const LAST_SEEN: &str = "tandem.lastAlert";
/// How long a toast stays before it leaves on its own.
const TOAST_SECONDS: u64 = 8;

/// Live alerts waiting as toasts (newest last): a phone shows the newest and counts the
/// rest; a wide screen stacks up to [`TOASTS_STACKED`] in its corner and counts the rest.
const TOASTS_KEPT: usize = 20;
const TOASTS_STACKED: usize = 3;

/// What the live connection shares with the page.
#[derive(Clone, Copy)]
pub struct Live {
    pub unread: RwSignal<i64>,
    pub toasts: RwSignal<Vec<Alert>>,
    /// Bumped on every alert or read, and when a ticket comes in, so lists can refetch.
    pub changes: RwSignal<u64>,
    pub connected: RwSignal<bool>,
    /// The dashboard the page shows (a `watch_kpis` message), told to the server whenever
    /// it changes or the socket reconnects; None when no dashboard is open.
    pub kpi_watch: RwSignal<Option<WsMessage>>,
    /// The KPIs the server last pushed for that dashboard.
    pub kpi: RwSignal<Option<crate::model::KpiReport>>,
}

impl Live {
    pub fn new() -> Live {
        Live {
            unread: RwSignal::new(0),
            toasts: RwSignal::new(Vec::new()),
            changes: RwSignal::new(0),
            connected: RwSignal::new(false),
            kpi_watch: RwSignal::new(None),
            kpi: RwSignal::new(None),
        }
    }
}

impl Default for Live {
    fn default() -> Self {
        Live::new()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

fn last_seen() -> i64 {
    storage()
        .and_then(|s| s.get_item(LAST_SEEN).ok().flatten())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn remember(id: i64) {
    if id > last_seen() {
        if let Some(s) = storage() {
            let _ = s.set_item(LAST_SEEN, &id.to_string());
        }
    }
}

fn socket_url() -> Option<String> {
    let location = web_sys::window()?.location();
    let scheme = if location.protocol().ok()? == "https:" {
        "wss"
    } else {
        "ws"
    };
    Some(format!("{scheme}://{}/ws", location.host().ok()?))
}

/// Shows the system notification through the service worker when allowed
/// (`tandemNotify` in public/pwa.js), and vibrates phones.
fn notify(alert: &Alert) {
    use wasm_bindgen::JsCast;
    let Some(w) = web_sys::window() else { return };
    let _ = w.navigator().vibrate_with_duration(200);
    let shown = serde_json::json!({
        "id": alert.id, "title": alert.title, "body": alert.body, "url": alert.href(),
    });
    if let Ok(f) = js_sys::Reflect::get(&w, &"tandemNotify".into()) {
        if let Some(f) = f.dyn_ref::<js_sys::Function>() {
            let _ = f.call1(&w, &shown.to_string().into());
        }
    }
}

thread_local! {
    /// The page's live connection (the browser has one thread; effects, which open it,
    /// never run on the server).
    static OPEN: RefCell<Option<Rc<RefCell<Connection>>>> = const { RefCell::new(None) };
}

struct Connection {
    socket: Option<web_sys::WebSocket>,
    attempts: u32,
    /// Alerts up to this id are already in the unread count.
    counted_upto: i64,
}

fn handle(live: Live, state: &Rc<RefCell<Connection>>, msg: WsMessage) {
    match msg {
        WsMessage::Welcome { unread, upto, .. } => {
            live.unread.set(unread);
            state.borrow_mut().counted_upto = upto;
            live.connected.set(true);
        }
        WsMessage::Alert { alert } => {
            let fresh = alert.id > last_seen();
            remember(alert.id);
            let counted = alert.id <= state.borrow().counted_upto;
            if alert.read_at.is_none() && !counted {
                live.unread.update(|n| *n += 1);
            }
            // Only what arrives live raises a toast (and the system notification): alerts
            // stored before this socket said hello are old news for this device, counted in
            // the badge and listed in the alert centre, never laid over the page it opens.
            if fresh && alert.read_at.is_none() && !counted {
                notify(&alert);
                let id = alert.id;
                live.toasts.update(|t| {
                    t.push(alert);
                    let extra = t.len().saturating_sub(TOASTS_KEPT);
                    t.drain(..extra);
                });
                // A toast says "something new" and then gets out of the way: on a phone it
                // sits over the page's buttons. The alert stays unread in the alert centre.
                set_timeout(
                    move || live.toasts.update(|t| t.retain(|a| a.id != id)),
                    std::time::Duration::from_secs(TOAST_SECONDS),
                );
            }
            live.changes.update(|c| *c += 1);
        }
        WsMessage::Read { ids } => {
            live.unread.update(|n| *n = (*n - ids.len() as i64).max(0));
            live.toasts.update(|t| t.retain(|a| !ids.contains(&a.id)));
            live.changes.update(|c| *c += 1);
        }
        WsMessage::ReadAll { upto } => {
            live.unread.set(0);
            live.toasts.update(|t| t.retain(|a| a.id > upto));
            live.changes.update(|c| *c += 1);
        }
        WsMessage::Queue => live.changes.update(|c| *c += 1),
        WsMessage::Kpi { report } => live.kpi.set(Some(report)),
        _ => {}
    }
}

fn connect(live: Live, state: Rc<RefCell<Connection>>) {
    let Some(url) = socket_url() else { return };
    let Ok(socket) = web_sys::WebSocket::new(&url) else {
        retry(live, state);
        return;
    };
    {
        let socket2 = socket.clone();
        let state2 = state.clone();
        let on_open = Closure::<dyn FnMut()>::new(move || {
            state2.borrow_mut().attempts = 0;
            let hello = WsMessage::Hello { after: last_seen() };
            if let Ok(text) = serde_json::to_string(&hello) {
                let _ = socket2.send_with_str(&text);
            }
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();
    }
    {
        let state2 = state.clone();
        let on_message =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |e: web_sys::MessageEvent| {
                if let Some(text) = e.data().as_string() {
                    if let Ok(msg) = serde_json::from_str::<WsMessage>(&text) {
                        handle(live, &state2, msg);
                    }
                }
            });
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
    }
    {
        let state2 = state.clone();
        let on_close = Closure::<dyn FnMut()>::new(move || {
            live.connected.set(false);
            state2.borrow_mut().socket = None;
            retry(live, state2.clone());
        });
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_close.forget();
    }
    state.borrow_mut().socket = Some(socket);
}

/// Waits 1, 2, 4 … 30 s, times a random 0.5–1.5, then connects again.
fn retry(live: Live, state: Rc<RefCell<Connection>>) {
    let attempts = {
        let mut s = state.borrow_mut();
        s.attempts = s.attempts.saturating_add(1);
        s.attempts
    };
    let base = 1000.0 * 2f64.powi(attempts.min(5) as i32 - 1);
    let delay = base.min(30_000.0) * (0.5 + js_sys::Math::random());
    set_timeout(
        move || connect(live, state),
        std::time::Duration::from_millis(delay as u64),
    );
}

/// Opens the live connection once the page is interactive; shares [`Live`] (which the
/// frame provides) with the bell and the pages.
#[component]
pub fn LiveAlerts() -> impl IntoView {
    let live = use_context::<Live>().unwrap_or_default();
    Effect::new(move |started: Option<bool>| {
        if started.is_none() {
            let state = Rc::new(RefCell::new(Connection {
                socket: None,
                attempts: 0,
                counted_upto: 0,
            }));
            OPEN.with(|open| *open.borrow_mut() = Some(state.clone()));
            connect(live, state);
        }
        true
    });
    // The dashboard shown, told again after every (re)connection.
    Effect::new(move |_| {
        let watch = live.kpi_watch.get().unwrap_or(WsMessage::UnwatchKpis);
        if !live.connected.get() {
            return;
        }
        OPEN.with(|open| {
            let socket = open
                .borrow()
                .as_ref()
                .and_then(|s| s.borrow().socket.clone());
            if let (Some(socket), Ok(text)) = (socket, serde_json::to_string(&watch)) {
                let _ = socket.send_with_str(&text);
            }
        });
    });
    view! { <Toasts/> }
}

/// New alerts, each a link to its record, announced to screen readers. A phone shows only
/// the newest (one toast never hides more of the page than one alert needs) with "2 more
/// new alerts" under it; a wide screen stacks the newest three in its corner. The rest wait
/// in the alert centre, unread.
#[component]
fn Toasts() -> impl IntoView {
    let lang = use_lang();
    let live = use_context::<Live>().unwrap_or_default();
    // The newest last: a phone's stylesheet shows only the last toast.
    let stacked = move || {
        live.toasts
            .with(|t| t[t.len().saturating_sub(TOASTS_STACKED)..].to_vec())
    };
    let more = move |hidden: usize| {
        (hidden > 0).then(|| match lang {
            crate::i18n::Lang::En if hidden == 1 => "1 more new alert".to_string(),
            crate::i18n::Lang::En => format!("{hidden} more new alerts"),
            crate::i18n::Lang::ZhCn => format!("还有 {hidden} 条新提醒"),
        })
    };
    let waiting = move || live.toasts.with(Vec::len);
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=stacked key=|a| a.id let:alert>
                <div class="toast" data-kind=alert.kind.as_str()>
                    <a href=alert.href() class="toast-body">
                        <strong>{alert.title.clone()}</strong>
                        <span>{alert.body.clone()}</span>
                    </a>
                    <button type="button" class="toast-close"
                        aria-label=lang.t("Dismiss", "关闭")
                        on:click=move |_| live.toasts.update(|t| t.retain(|x| x.id != alert.id))>"×"</button>
                </div>
            </For>
            {move || more(waiting().saturating_sub(1)).map(|text| view! {
                <a href="/alerts" class="toast-more on-phone" data-testid="toasts-more">{text}</a>
            })}
            {move || more(waiting().saturating_sub(TOASTS_STACKED)).map(|text| view! {
                <a href="/alerts" class="toast-more on-wide">{text}</a>
            })}
        </div>
    }
}

/// The bell in the header: the unread count, a link to the alert centre.
#[component]
pub fn AlertBell() -> impl IntoView {
    let lang = use_lang();
    let live = use_context::<Live>().unwrap_or_default();
    // The count is fetched in the browser (the socket's welcome keeps it current), so the
    // server-rendered header never waits on it.
    Effect::new(move |started: Option<bool>| {
        if started.is_none() {
            leptos::task::spawn_local(async move {
                if let Ok(c) = crate::api::unread_alerts().await {
                    if !live.connected.get_untracked() {
                        live.unread.set(c.unread);
                    }
                }
            });
        }
        true
    });
    let label = move || {
        let n = live.unread.get();
        match lang {
            crate::i18n::Lang::En => format!("Alerts, {n} unread"),
            crate::i18n::Lang::ZhCn => format!("提醒,{n} 条未读"),
        }
    };
    view! {
        <a href="/alerts" class="bell" aria-label=label data-testid="alert-bell"
            data-live=move || if live.connected.get() { "on" } else { "off" }>
            <span aria-hidden="true">"🔔"</span>
            {move || {
                let n = live.unread.get();
                (n > 0).then(|| view! { <span class="bell-count" data-testid="unread-count">{if n > 99 { "99+".to_string() } else { n.to_string() }}</span> })
            }}
        </a>
    }
}
