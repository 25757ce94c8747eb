//! Logging a follow-up in three taps: open, kind, next step. A `<details>` panel with a
//! server-function form, so it opens and posts even before the WASM arrives.
use crate::api::LogFollowUp;
use crate::model::ActivityKind;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn QuickLog(customer_id: i64, customer_name: String) -> impl IntoView {
    let lang = use_lang();
    let action = use_context::<ServerAction<LogFollowUp>>().unwrap_or_default();
    let open_label = format!(
        "{} {}",
        lang.t("Log follow-up with", "记录跟进:"),
        customer_name
    );
    // Optional check-in: the browser asks the user before it shares a position.
    let (lat, set_lat) = signal(String::new());
    let (lng, set_lng) = signal(String::new());
    // Read with `try_with`: while the server streams the page, a list re-rendered under a
    // `Transition` may ask the old rows' attributes after their signals are gone.
    let located = move || lat.try_with(|l| !l.is_empty()).unwrap_or(false);
    let check_in = move |_| {
        use wasm_bindgen::JsCast;
        let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
            return;
        };
        let got = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Position)>::new(
            move |p: web_sys::Position| {
                let c = p.coords();
                set_lat.set(format!("{:.6}", c.latitude()));
                set_lng.set(format!("{:.6}", c.longitude()));
            },
        );
        let _ = geo.get_current_position(got.as_ref().unchecked_ref());
        got.forget();
    };
    let kinds = [
        ActivityKind::Call,
        ActivityKind::Visit,
        ActivityKind::Wechat,
        ActivityKind::Email,
        ActivityKind::Meeting,
    ];
    view! {
        <details class="quick-log">
            <summary class="action log" aria-label=open_label>"✎"</summary>
            // Sent through the device's outbox once the page has its scripts (public/outbox.js),
            // under an id of its own (data-queue-keyed: client_id and written_at).
            <ActionForm action=action attr:class="quick-log-form" attr:data-queue="follow_up"
                attr:data-queue-keyed="" attr:data-queue-label=customer_name>
                <input type="hidden" name="customer_id" value=customer_id/>
                <fieldset class="chips">
                    <legend>{lang.t("What happened", "跟进方式")}</legend>
                    {kinds.into_iter().enumerate().map(|(i, k)| {
                        let id = format!("kind-{customer_id}-{}", k.as_str());
                        view! {
                            <input type="radio" name="kind" id=id.clone() value=k.as_str() checked=i == 0/>
                            <label for=id>{k.label(lang)}</label>
                        }
                    }).collect::<Vec<_>>()}
                </fieldset>
                <label class="sr-only" for=format!("summary-{customer_id}")>{lang.t("Summary", "摘要")}</label>
                <input id=format!("summary-{customer_id}") name="summary" maxlength="500"
                    placeholder=lang.t("One line (optional)", "一句话摘要(可选)")/>
                <input type="hidden" name="latitude" prop:value=lat/>
                <input type="hidden" name="longitude" prop:value=lng/>
                <button type="button" class="link check-in" on:click=check_in
                    aria-pressed=move || if located() { "true" } else { "false" }>
                    {move || if !located() {
                        lang.t("📍 Add my location (visit check-in)", "📍 添加我的位置(拜访签到)")
                    } else {
                        lang.t("📍 Location added", "📍 已添加位置")
                    }}
                </button>
                <fieldset class="next">
                    <legend>{lang.t("Next follow-up — saves", "下次跟进(点击即保存)")}</legend>
                    <button type="submit" name="next" value="1d">{lang.t("Tomorrow", "明天")}</button>
                    <button type="submit" name="next" value="3d">{lang.t("In 3 days", "3天后")}</button>
                    <button type="submit" name="next" value="7d">{lang.t("Next week", "下周")}</button>
                    <button type="submit" name="next" value="none">{lang.t("No next step", "暂不安排")}</button>
                </fieldset>
                <div class="pick">
                    <label for=format!("pick-{customer_id}")>{lang.t("Or pick a date", "或选择日期")}</label>
                    <input type="date" id=format!("pick-{customer_id}") name="pick"/>
                    <button type="submit" name="next" value="pick">{lang.t("Save", "保存")}</button>
                </div>
            </ActionForm>
        </details>
    }
}
