//! Tasks: mine (or my team's, for managers), overdue first in red, done in one tap, and a
//! short form to add one (the rows and the form are shared with the customer page, in
//! `components::tasks`).
use crate::api::{list_tasks, AddTask, FinishTask};
use crate::components::tasks::{NewTaskForm, TaskRows};
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn TasksPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let done = move || query.with(|m| m.get("status").is_some_and(|s| s == "done"));
    let team = move || query.with(|m| m.get("team").is_some_and(|s| s == "1"));
    let cursor = move || query.with(|m| m.get("cursor"));
    let add = ServerAction::<AddTask>::new();
    let finish = ServerAction::<FinishTask>::new();
    provide_context(add);
    provide_context(finish);
    let sent = crate::components::outbox::use_sent();
    let tasks = crate::page_data::page_resource(
        move || {
            (
                done(),
                team(),
                cursor(),
                add.version().get(),
                finish.version().get() + sent.get() as usize,
            )
        },
        |(done, team, cursor, _, _)| {
            list_tasks(
                Some(if done { "done" } else { "open" }.to_string()),
                Some(!team),
                None,
                cursor,
            )
        },
    );
    let action_error = move || {
        add.value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| finish.value().get().and_then(|r| r.err()))
    };
    let tab = move |status: &'static str, team_tab: bool| {
        let mut href = format!("/tasks?status={status}");
        if team_tab {
            href.push_str("&team=1");
        }
        href
    };
    view! {
        <PageTitle text=lang.t("Tasks · Tandem", "任务 · Tandem")/>
        <h1>{lang.t("Tasks", "任务")}</h1>
        <nav class="tabs" aria-label=lang.t("Task lists", "任务列表")>
            <a href=move || tab("open", team()) aria-current=move || (!done()).then_some("page")>{lang.t("Open", "待办")}</a>
            <a href=move || tab("done", team()) aria-current=move || done().then_some("page")>{lang.t("Done", "已完成")}</a>
            <a href=move || tab(if done() { "done" } else { "open" }, !team())>
                {move || if team() { lang.t("Only mine", "只看我的") } else { lang.t("Everyone I can see", "团队全部") }}
            </a>
        </nav>
        {move || action_error().map(|e| view! { <ErrorNote error=e/> })}
        <NewTaskForm customer_id=None/>
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match tasks.await {
                    Ok(page) => {
                        let next = page.next_cursor.map(|c| {
                            let mut href = format!("{}&cursor={c}", tab(if done() { "done" } else { "open" }, team()));
                            href.shrink_to_fit();
                            view! { <a class="button more" href=href>{lang.t("More", "更多")}</a> }
                        });
                        if page.items.is_empty() {
                            view! { <p class="empty" data-testid="no-tasks">{lang.t("No tasks here.", "暂无任务。")}</p> }.into_any()
                        } else {
                            view! {
                                <TaskRows tasks=page.items show_assignee=team()/>
                                {next}
                            }.into_any()
                        }
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
