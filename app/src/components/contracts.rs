//! Pieces of the contract approval that the deal page and the manager's dashboard share.
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
