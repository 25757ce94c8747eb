//! A contract's receivables (回款) where its deal is seen: the plan with what is paid and
//! overdue of each installment, the payments received, and a form to record one.
use crate::api::RecordPayment;
use crate::format::money;
use crate::i18n::Lang;
use crate::model::Receivables;
use crate::use_lang;
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn ContractReceivables(r: Receivables) -> impl IntoView {
    let lang = use_lang();
    let action = use_context::<ServerAction<RecordPayment>>();
    let owed = r.outstanding_minor;
    let rows = r
        .installments
        .iter()
        .map(|i| {
            let state = if i.paid_minor >= i.amount_minor {
                lang.t("Paid", "已回款").to_string()
            } else if i.overdue_days > 0 {
                match lang {
                    Lang::En => format!("{} days overdue", i.overdue_days),
                    Lang::ZhCn => format!("逾期 {} 天", i.overdue_days),
                }
            } else {
                lang.t("Not yet due", "未到期").to_string()
            };
            let overdue = i.overdue_days > 0;
            view! {
                <tr class:overdue=overdue>
                    <th scope="row">{i.planned_date.clone()}</th>
                    <td class="num">{money(i.amount_minor)}</td>
                    <td class="num">{money(i.paid_minor)}</td>
                    <td>{state}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    let receipts = r
        .receipts
        .iter()
        .map(|p| {
            view! {
                <li>
                    {p.received_on.clone()}" · "{money(p.amount_minor)}
                    {p.reference.clone().map(|x| format!(" · {x}"))}
                    {p.recorded_by_name.clone().map(|x| format!(" · {x}"))}
                </li>
            }
        })
        .collect::<Vec<_>>();
    let id = r.contract_id;
    let form = (owed > 0).then_some(()).and(action).map(|action| {
        view! {
            <ActionForm action=action attr:class="grid-form">
                <input type="hidden" name="contract_id" value=id/>
                <label>{lang.t("Amount received (yuan)", "回款金额（元）")}
                    <input name="amount_yuan" inputmode="decimal" required/></label>
                <label>{lang.t("Received on", "到账日期")}
                    <input name="received_on" type="date" required/></label>
                <label>{lang.t("Reference", "凭证号")}<input name="reference" maxlength="200"/></label>
                <button type="submit">{lang.t("Record payment", "登记回款")}</button>
            </ActionForm>
        }
    });
    let summary = match lang {
        Lang::En => format!(
            "Received {} of {}; {} overdue",
            money(r.received_minor),
            money(r.amount_minor),
            money(r.overdue_minor)
        ),
        Lang::ZhCn => format!(
            "已回款 {} / {}；逾期 {}",
            money(r.received_minor),
            money(r.amount_minor),
            money(r.overdue_minor)
        ),
    };
    view! {
        <details class="receivables" data-contract-receivables=id>
            <summary data-testid="receivables-summary">{summary}</summary>
            <table class="grid">
                <caption>{lang.t("Payment plan", "回款计划")}</caption>
                <thead><tr>
                    <th scope="col">{lang.t("Planned", "计划日期")}</th>
                    <th scope="col" class="num">{lang.t("Amount", "金额")}</th>
                    <th scope="col" class="num">{lang.t("Paid", "已回款")}</th>
                    <th scope="col">{lang.t("State", "状态")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <ul class="receipts">{receipts}</ul>
            {form}
        </details>
    }
}
