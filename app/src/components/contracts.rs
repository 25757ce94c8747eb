//! Pieces of the contract approval that the deal page, the manager's dashboard and the
//! approvals page share.
use crate::api::DecideContract;
use crate::use_lang;
use leptos::prelude::*;

/// Approve and reject, for the contract waiting on the viewer.
#[component]
pub fn ContractButtons(id: i64, decide: ServerAction<DecideContract>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <ActionForm action=decide attr:class="inline-form">
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="approve" value="true"/>
            <button type="submit" class="primary">{lang.t("Approve", "批准")}</button>
        </ActionForm>
        <ActionForm action=decide attr:class="inline-form">
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="approve" value="false"/>
            <button type="submit">{lang.t("Reject", "驳回")}</button>
        </ActionForm>
    }
}

/// Contracts waiting for approval, each opening its deal (or customer), with Approve and
/// Reject.
#[component]
pub fn PendingContractRows(
    contracts: Vec<crate::model::Contract>,
    decide: ServerAction<DecideContract>,
) -> impl IntoView {
    let rows = contracts
        .into_iter()
        .map(|k| {
            let href = k
                .opportunity_id
                .map(|o| format!("/deals/{o}"))
                .unwrap_or_else(|| format!("/customers/{}", k.customer_id));
            view! {
                <li class="row" data-contract=k.id>
                    <a class="main" href=href>
                        <span class="title">{k.customer_name.clone()}" · "{crate::format::money(k.amount_minor)}</span>
                        <span class="meta">{k.owner_name.clone().unwrap_or_default()}" · "{k.start_date.clone()}" → "{k.end_date.clone()}</span>
                    </a>
                    <ContractButtons id=k.id decide/>
                </li>
            }
        })
        .collect::<Vec<_>>();
    view! { <ul class="rows">{rows}</ul> }
}

/// Contracts coming to their end, each with one tap to start its renewal deal (a second
/// tap opens the deal the first made).
#[component]
pub fn RenewalCard(renewals: Vec<crate::model::Contract>) -> impl IntoView {
    let lang = use_lang();
    let renew = ServerAction::<crate::api::RenewContract>::new();
    (!renewals.is_empty()).then(move || {
        let rows = renewals
            .into_iter()
            .map(|k| {
                let ends = match lang {
                    crate::i18n::Lang::En => format!("Ends {}", k.end_date),
                    crate::i18n::Lang::ZhCn => format!("{} 到期", k.end_date),
                };
                view! {
                    <li class="row" data-renewal=k.id>
                        <div class="main">
                            <span class="title">{crate::format::money(k.amount_minor)}</span>
                            <span class="meta">{ends}</span>
                        </div>
                        <ActionForm action=renew attr:class="inline-form">
                            <input type="hidden" name="id" value=k.id/>
                            <button type="submit" class="primary">{lang.t("Start the renewal deal", "创建续约商机")}</button>
                        </ActionForm>
                    </li>
                }
            })
            .collect::<Vec<_>>();
        view! {
            <section class="card" aria-labelledby="renewals">
                <h2 id="renewals">{lang.t("Contracts ending soon", "即将到期的合同")}</h2>
                {move || renew.value().get().map(|r| match r {
                    Ok(deal) => view! {
                        <p class="notice" role="status">
                            {lang.t("Renewal deal: ", "续约商机：")}
                            <a href=format!("/deals/{}", deal.id) data-testid="renewal-deal">{deal.name}</a>
                        </p>
                    }.into_any(),
                    Err(e) => view! { <crate::components::ErrorNote error=e/> }.into_any(),
                })}
                <ul class="rows">{rows}</ul>
            </section>
        }
    })
}
