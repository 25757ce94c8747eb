//! The frame around every signed-in page: header, navigation that fits the role, language
//! switch and sign-out. On phones the navigation is a bottom tab bar within thumb reach.
use crate::api::{get_me, SignedIn};
use crate::i18n::Lang;
use crate::model::Role;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;

/// Navigation entries for a role: (path, English, Chinese, icon).
pub fn nav_for(role: Role) -> Vec<(&'static str, &'static str, &'static str, &'static str)> {
    let today = ("/today", "Today", "今日", "☀");
    let customers = ("/customers", "Customers", "客户", "👥");
    let queue = ("/queue", "Queue", "工单", "🎧");
    let dashboard = ("/dashboard", "Dashboard", "仪表盘", "📊");
    let admin = ("/admin", "Admin", "管理", "⚙");
    let pipeline = ("/pipeline", "Pipeline", "商机", "📈");
    let tasks = ("/tasks", "Tasks", "任务", "✓");
    let leads = ("/leads", "Leads", "线索", "🎯");
    match role {
        Role::Rep => vec![today, leads, customers, pipeline, tasks],
        Role::Agent => vec![queue, customers, tasks],
        Role::Manager => vec![dashboard, leads, pipeline, customers, tasks, today],
        Role::Admin => vec![admin, dashboard, customers, queue],
    }
}

/// The page sits outside the frame's `Suspense`: a page created inside it would be created
/// again when the frame's data arrives, loading its data twice on the server.
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let me = crate::page_data::page_resource(|| (), |_| get_me());
    let lang = use_lang();
    provide_context(crate::components::live::Live::new());
    view! {
        <Suspense fallback=|| view! { <header class="topbar"><span class="brand">"Tandem"</span></header> }>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(user)) => view! { <Frame user/> }.into_any(),
                    Ok(None) | Err(_) => view! {
                        <header class="topbar">
                            <a class="brand" href="/login">"Tandem"</a>
                            <a href="/login">{lang.t("Sign in", "登录")}</a>
                        </header>
                    }.into_any(),
                }
            })}
        </Suspense>
        <main class="page" id="main">
            <Outlet/>
        </main>
        <noscript><p class="sr-only">{lang.t("Tandem works without JavaScript; some updates need a reload.", "未启用脚本时 Tandem 仍可使用,部分内容需刷新。")}</p></noscript>
    }
}

/// The header, the phone's tab bar and the live alerts of a signed-in person.
#[component]
fn Frame(user: SignedIn) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let role_label = role_name(lang, user.role);
    let items = nav_for(user.role);
    let nav = move |class: &'static str| {
        let items = items.clone();
        view! {
            <nav class=class aria-label=lang.t("Main", "主导航")>
                {items.into_iter().map(|(href, en, zh, icon)| {
                    let current = move || {
                        let p = location.pathname.get();
                        (p == href || p.starts_with(&format!("{href}/"))).then_some("page")
                    };
                    view! {
                        <a href=href aria-current=current>
                            <span class="icon" aria-hidden="true">{icon}</span>
                            <span>{lang.t(en, zh)}</span>
                        </a>
                    }
                }).collect::<Vec<_>>()}
            </nav>
        }
    };
    view! {
        // data-user: whose writes the device's outbox sends from this page (public/outbox.js).
        <header class="topbar" data-user=user.id>
            <a class="brand" href=user.role.home_path()>"Tandem"</a>
            {nav("topnav")}
            <crate::components::live::AlertBell/>
            <div class="who">
                <span class="name">{user.name.clone()}</span>
                <span class="role">{role_label}</span>
            </div>
            <LangSwitch/>
            <form method="post" action="/auth/logout" class="inline">
                <button type="submit" class="link">{lang.t("Sign out", "退出")}</button>
            </form>
        </header>
        <crate::components::live::LiveAlerts/>
        {nav("tabbar")}
    }
}

pub fn role_name(lang: Lang, role: Role) -> &'static str {
    match role {
        Role::Rep => lang.t("Sales rep", "销售代表"),
        Role::Agent => lang.t("Service agent", "客服"),
        Role::Manager => lang.t("Manager", "销售经理"),
        Role::Admin => lang.t("Admin", "管理员"),
    }
}

/// Switches zh-CN / English with a plain form post, so it works before the WASM arrives.
#[component]
pub fn LangSwitch() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        }
    };
    let other = lang.other();
    view! {
        <form method="post" action="/auth/lang" class="inline">
            <input type="hidden" name="lang" value=other.code()/>
            <input type="hidden" name="back" value=back/>
            <button type="submit" class="link" lang=other.code()
                title=lang.t("Switch the interface to Chinese", "切换为英文界面")>
                {other.native_name()}
            </button>
        </form>
    }
}
