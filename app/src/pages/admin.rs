//! Admin: users and teams. Forms are server-function forms, so they post without the WASM.
use crate::api::{get_admin, CreateTeam, CreateUser, SetUserActive, UpdateUser};
use crate::components::layout::role_name;
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::model::{Role, Team, User};
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn AdminPage() -> impl IntoView {
    let lang = use_lang();
    let create_user = ServerAction::<CreateUser>::new();
    let update_user = ServerAction::<UpdateUser>::new();
    let set_active = ServerAction::<SetUserActive>::new();
    let create_team = ServerAction::<CreateTeam>::new();
    let data = crate::page_data::page_resource(
        move || {
            (
                create_user.version().get(),
                update_user.version().get(),
                set_active.version().get(),
                create_team.version().get(),
            )
        },
        |_| get_admin(),
    );
    let last_error = move || {
        [
            create_user.value().get().and_then(|r| r.err()),
            update_user.value().get().and_then(|r| r.err()),
            set_active.value().get().and_then(|r| r.err()),
            create_team.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <PageTitle text=lang.t("Admin · Tandem", "管理 · Tandem")/>
        <h1>{lang.t("Users and teams", "用户与团队")}</h1>
        <nav class="tabs" aria-label=lang.t("Admin", "管理")>
            <a href="/admin" aria-current="page">{lang.t("Users and teams", "用户与团队")}</a>
            <a href="/admin/settings">{lang.t("Settings", "设置")}</a>
        </nav>
        {move || last_error().map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => {
                        let teams = v.teams.clone();
                        let team_list = v.teams.clone();
                        let teams_for_new_user = v.teams.clone();
                        let teams_for_parent = v.teams.clone();
                        view! {
                            <section aria-labelledby="users">
                                <h2 id="users">{lang.t("Users", "用户")}" "<span class="count">{v.users.len()}</span></h2>
                                <table class="grid users">
                                    <thead><tr>
                                        <th scope="col">{lang.t("Name", "姓名")}</th>
                                        <th scope="col">{lang.t("Email", "邮箱")}</th>
                                        <th scope="col">{lang.t("Role and team", "角色与团队")}</th>
                                        <th scope="col">{lang.t("Status", "状态")}</th>
                                    </tr></thead>
                                    <tbody>
                                        {v.users.into_iter().map(|u| view! { <UserRow u teams=teams.clone() update_user set_active/> }).collect::<Vec<_>>()}
                                    </tbody>
                                </table>
                            </section>
                            <section aria-labelledby="new-user" class="card">
                                <h2 id="new-user">{lang.t("Add a user", "新增用户")}</h2>
                                <ActionForm action=create_user attr:class="grid-form">
                                    <label>{lang.t("Name", "姓名")}<input name="name" required/></label>
                                    <label>{lang.t("Email", "邮箱")}<input name="email" type="email" required/></label>
                                    <label>{lang.t("Role", "角色")}<RoleSelect selected=Role::Rep/></label>
                                    <label>{lang.t("Team", "团队")}<TeamSelect name="team_id" teams=teams_for_new_user selected=None/></label>
                                    <label>{lang.t("Initial password", "初始密码")}<input name="password" type="password" minlength="10" required autocomplete="new-password"/></label>
                                    <button type="submit" class="primary">{lang.t("Add user", "添加用户")}</button>
                                </ActionForm>
                            </section>
                            <section aria-labelledby="teams" class="card">
                                <h2 id="teams">{lang.t("Teams", "团队")}</h2>
                                <ul class="teams">
                                    {team_list.iter().map(|t| {
                                        let parent = t.parent_id.and_then(|p| team_list.iter().find(|x| x.id == p)).map(|p| format!(" ← {}", p.name));
                                        view! { <li>{t.name.clone()}{parent}" · "{t.member_count}" "{lang.t("members", "人")}</li> }
                                    }).collect::<Vec<_>>()}
                                </ul>
                                <ActionForm action=create_team attr:class="grid-form">
                                    <label>{lang.t("Team name", "团队名称")}<input name="name" required/></label>
                                    <label>{lang.t("Part of", "上级团队")}<TeamSelect name="parent_id" teams=teams_for_parent selected=None/></label>
                                    <button type="submit">{lang.t("Add team", "添加团队")}</button>
                                </ActionForm>
                            </section>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn UserRow(
    u: User,
    teams: Vec<Team>,
    update_user: ServerAction<UpdateUser>,
    set_active: ServerAction<SetUserActive>,
) -> impl IntoView {
    let lang = use_lang();
    let toggle_label = if u.active {
        lang.t("Deactivate", "冻结")
    } else {
        lang.t("Reactivate", "解冻")
    };
    view! {
        <tr class:inactive=!u.active data-email=u.email.clone()>
            <td>{u.name.clone()}</td>
            <td>{u.email.clone()}</td>
            <td>
                <ActionForm action=update_user attr:class="inline-form">
                    <input type="hidden" name="id" value=u.id/>
                    <input type="hidden" name="version" value=u.version/>
                    <input type="hidden" name="name" value=u.name.clone()/>
                    <label class="sr-only" for=format!("role-{}", u.id)>{lang.t("Role", "角色")}</label>
                    <RoleSelect selected=u.role id=format!("role-{}", u.id)/>
                    <TeamSelect name="team_id" teams selected=u.team_id/>
                    <button type="submit">{lang.t("Save", "保存")}</button>
                </ActionForm>
            </td>
            <td>
                <span class="status">{if u.active { lang.t("Active", "在职") } else { lang.t("Deactivated", "已冻结") }}</span>
                <ActionForm action=set_active attr:class="inline-form">
                    <input type="hidden" name="id" value=u.id/>
                    <input type="hidden" name="version" value=u.version/>
                    <input type="hidden" name="active" value=(!u.active).to_string()/>
                    <button type="submit">{toggle_label}</button>
                </ActionForm>
            </td>
        </tr>
    }
}

#[component]
fn RoleSelect(selected: Role, #[prop(optional, into)] id: Option<String>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select name="role" id=id>
            {Role::ALL.into_iter().map(|r| view! {
                <option value=r.as_str() selected=r == selected>{role_name(lang, r)}</option>
            }).collect::<Vec<_>>()}
        </select>
    }
}

#[component]
fn TeamSelect(name: &'static str, teams: Vec<Team>, selected: Option<i64>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <select name=name aria-label=lang.t("Team", "团队")>
            <option value="" selected=selected.is_none()>{lang.t("— no team —", "— 无 —")}</option>
            {teams.into_iter().map(|t| view! {
                <option value=t.id selected=Some(t.id) == selected>{t.name}</option>
            }).collect::<Vec<_>>()}
        </select>
    }
}
