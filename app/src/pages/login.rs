//! Sign-in: a plain HTML form posted to `/auth/login`, so it works before (and without)
//! the WASM.
use crate::components::layout::LangSwitch;
use crate::components::PageTitle;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let error = move || {
        query.with(|q| match q.get("error").as_deref() {
            Some("invalid") => Some(lang.t("Wrong email or password.", "邮箱或密码错误。")),
            Some("rate_limited") => Some(lang.t(
                "Too many failed attempts. Please wait a few minutes and try again.",
                "失败次数过多,请几分钟后再试。",
            )),
            Some("required") => {
                Some(lang.t("Enter your email and password.", "请输入邮箱和密码。"))
            }
            Some(_) => Some(lang.t("Sign-in failed. Please try again.", "登录失败,请重试。")),
            None => None,
        })
    };
    let email = move || query.with(|q| q.get("email").unwrap_or_default());
    let next = move || query.with(|q| q.get("next").unwrap_or_default());
    view! {
        <PageTitle text=lang.t("Sign in · Tandem", "登录 · Tandem")/>
        <main class="login">
            <div class="login-card">
                <div class="login-head">
                    <h1>"Tandem"</h1>
                    <LangSwitch/>
                </div>
                <p class="tagline">{lang.t("Sales, service and management on one customer record.", "销售、服务与管理,共用一份客户档案。")}</p>
                {move || error().map(|e| view! { <p class="notice error" role="alert">{e}</p> })}
                <form method="post" action="/auth/login" class="stack">
                    <input type="hidden" name="next" value=next/>
                    <label for="email">{lang.t("Email", "邮箱")}</label>
                    <input id="email" name="email" type="email" autocomplete="username" required value=email/>
                    <label for="password">{lang.t("Password", "密码")}</label>
                    <input id="password" name="password" type="password" autocomplete="current-password" required/>
                    <button type="submit" class="primary">{lang.t("Sign in", "登录")}</button>
                </form>
            </div>
        </main>
    }
}
