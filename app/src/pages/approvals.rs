//! Every contract waiting for the manager's approval, newest first, a page at a time: the
//! dashboard lists the newest few and links here when there are more.
use crate::api::{pending_contracts, DecideContract};
use crate::components::contracts::PendingContractRows;
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::i18n::Lang;
use crate::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// How many contracts one page lists.
const PAGE: i64 = 50;

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let decide = ServerAction::<DecideContract>::new();
    let cursor = move || query.with(|q| q.get("cursor"));
    let data = crate::page_data::page_resource(
        move || (cursor(), decide.version().get()),
        |(cursor, _)| pending_contracts(Some(PAGE), cursor, None),
    );
    view! {
        <PageTitle text=lang.t("Approvals · Tandem", "合同审批 · Tandem")/>
        <h1>{lang.t("Contracts waiting for your approval", "待审批合同")}</h1>
        {move || decide.value().get().and_then(|r| r.err()).map(|e| view! { <ErrorNote error=e/> })}
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) if !p.can_decide => view! {
                        <p class="empty">{lang.t("Managers and admins approve contracts.", "合同由经理或管理员审批。")}</p>
                    }.into_any(),
                    Ok(p) if p.contracts.is_empty() && cursor().is_none() => view! {
                        <p class="empty">{lang.t("No contract is waiting for your approval.", "没有待审批的合同。")}</p>
                    }.into_any(),
                    Ok(p) => {
                        let summary = match lang {
                            Lang::En => format!("{} waiting, newest first.", p.waiting),
                            Lang::ZhCn => format!("共 {} 份待审批，最新的在前。", p.waiting),
                        };
                        let older = p.next_cursor.map(|c| view! {
                            <a class="button more" href=format!("/approvals?cursor={c}") data-testid="approvals-older">{lang.t("Older", "更早的")}</a>
                        });
                        let newest = cursor().is_some().then(|| view! {
                            <a class="button more" href="/approvals">{lang.t("Newest", "最新的")}</a>
                        });
                        view! {
                            <p class="summary" data-testid="approvals-summary">{summary}</p>
                            <PendingContractRows contracts=p.contracts decide/>
                            <nav aria-label=lang.t("Pages", "翻页")>{newest}" "{older}</nav>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}
