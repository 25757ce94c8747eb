//! Task rows and the short "add a task" form, shown on the tasks page and the customer page.
use crate::api::{task_assignees, AddTask, FinishTask};
use crate::format::short_time;
use crate::model::Task;
use crate::use_lang;
use leptos::prelude::*;

/// Task rows with a one-tap "done" button; the `FinishTask` action comes from context.
#[component]
pub fn TaskRows(tasks: Vec<Task>, show_assignee: bool) -> impl IntoView {
    let lang = use_lang();
    let finish = use_context::<ServerAction<FinishTask>>();
    view! {
        <ul class="rows" data-testid="task-list">
            {tasks.into_iter().map(|t| {
                let due = t.due_at.map(|d| format!("{} {}", lang.t("due", "截止"), short_time(d)));
                let about = t.customer_id.map(|id| view! {
                    <a href=format!("/customers/{id}")>{t.customer_name.clone().unwrap_or_default()}</a>
                });
                let who = show_assignee.then(|| t.assignee_name.clone()).flatten();
                let done_at = t.done_at.map(|d| format!(" · {} {}", lang.t("done", "完成于"), short_time(d)));
                let button = (t.done_at.is_none()).then_some(()).and(finish).map(|a| {
                    let label = format!("{} {}", lang.t("Mark done:", "标记完成:"), t.title);
                    view! {
                        <ActionForm action=a attr:class="inline" attr:data-queue="task_done"
                            attr:data-queue-label=t.title.clone()>
                            <input type="hidden" name="id" value=t.id/>
                            <input type="hidden" name="version" value=t.version/>
                            <button type="submit" class="action done" aria-label=label>"✓"</button>
                        </ActionForm>
                    }
                });
                view! {
                    <li class="row" class:overdue=t.overdue data-task=t.id>
                        <div class="main">
                            <span class="title">{t.title.clone()}
                                {t.overdue.then(|| view! { <span class="badge danger">{lang.t("Overdue", "已逾期")}</span> })}
                            </span>
                            <span class="meta">
                                {about}
                                {due.map(|d| format!(" {d}"))}
                                {who.map(|w| format!(" · {w}"))}
                                {done_at}
                            </span>
                        </div>
                        {button}
                    </li>
                }
            }).collect::<Vec<_>>()}
        </ul>
    }
}

/// Adding a task: a title, when it is due, and (for managers) who does it. Without
/// `can_assign` (a rep only ever gives tasks to themselves) the form does not ask the
/// server who else there is.
#[component]
pub fn NewTaskForm(
    customer_id: Option<i64>,
    #[prop(default = true)] can_assign: bool,
) -> impl IntoView {
    let lang = use_lang();
    let Some(add) = use_context::<ServerAction<AddTask>>() else {
        return ().into_any();
    };
    let suffix = customer_id.map(|c| c.to_string()).unwrap_or_default();
    let assignee_field = format!("task-assignee{suffix}");
    let dues = [
        ("today", lang.t("Today", "今天")),
        ("1d", lang.t("Tomorrow", "明天")),
        ("7d", lang.t("Next week", "下周")),
        ("none", lang.t("No date", "不设期限")),
    ];
    view! {
        <details class="card new-task">
            <summary class="button">{lang.t("New task", "新建任务")}</summary>
            <ActionForm action=add attr:class="stack">
                {customer_id.map(|c| view! { <input type="hidden" name="customer_id" value=c/> })}
                <label for=format!("task-title{suffix}")>{lang.t("What needs doing", "任务内容")}</label>
                <input id=format!("task-title{suffix}") name="title" required maxlength="200"/>
                <fieldset class="chips">
                    <legend>{lang.t("Due", "截止")}</legend>
                    {dues.into_iter().enumerate().map(|(i, (code, label))| {
                        let id = format!("task-due-{code}{suffix}");
                        view! {
                            <input type="radio" name="due" id=id.clone() value=code checked=i == 1/>
                            <label for=id>{label}</label>
                        }
                    }).collect::<Vec<_>>()}
                    <input type="radio" name="due" id=format!("task-due-pick{suffix}") value="pick"/>
                    <label for=format!("task-due-pick{suffix}")>{lang.t("Date", "指定日期")}</label>
                </fieldset>
                <label for=format!("task-pick{suffix}")>{lang.t("Date (when picked)", "日期(选择指定日期时)")}</label>
                <input type="date" id=format!("task-pick{suffix}") name="pick"/>
                {can_assign.then(|| {
                    let assignees = crate::page_data::page_resource(|| (), |_| task_assignees());
                    view! {
                        <Suspense>
                            {move || {
                                let field = assignee_field.clone();
                                Suspend::new(async move {
                                let people = assignees.await.unwrap_or_default();
                                (people.len() > 1).then(|| view! {
                                    <label for=field.clone()>{lang.t("Who does it", "执行人")}</label>
                                    <select id=field name="assignee_id">
                                        <option value="">{lang.t("Me", "我自己")}</option>
                                        {people.into_iter().map(|u| view! { <option value=u.id>{u.name}</option> }).collect::<Vec<_>>()}
                                    </select>
                                })
                            })}}
                        </Suspense>
                    }
                })}
                <button type="submit" class="primary">{lang.t("Add task", "添加任务")}</button>
            </ActionForm>
        </details>
    }
    .into_any()
}
