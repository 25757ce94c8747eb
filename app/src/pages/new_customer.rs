//! A new customer with its first contact, checked for duplicates before it is saved.
use crate::api::CreateCustomer;
use crate::components::ErrorNote;
use crate::components::PageTitle;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn NewCustomerPage() -> impl IntoView {
    let lang = use_lang();
    let create = ServerAction::<CreateCustomer>::new();
    let error = move || create.value().get().and_then(|r| r.err());
    view! {
        <PageTitle text=lang.t("New customer · Tandem", "新建客户 · Tandem")/>
        <h1>{lang.t("New customer", "新建客户")}</h1>
        {move || error().map(|e| view! { <ErrorNote error=e/> })}
        <ActionForm action=create attr:class="stack card">
            <label for="nc-name">{lang.t("Company name", "公司名称")}</label>
            <input id="nc-name" name="name" required maxlength="200"/>
            <label for="nc-level">{lang.t("Level", "级别")}</label>
            <select id="nc-level" name="level">
                <option value="A">"A"</option>
                <option value="B">"B"</option>
                <option value="C" selected=true>"C"</option>
            </select>
            <label for="nc-industry">{lang.t("Industry", "行业")}</label>
            <input id="nc-industry" name="industry" maxlength="100"/>
            <label for="nc-region">{lang.t("Region", "地区")}</label>
            <input id="nc-region" name="region" maxlength="100"/>
            <fieldset class="plain">
                <legend>{lang.t("First contact (optional)", "首位联系人(可选)")}</legend>
                <label for="nc-contact">{lang.t("Name", "姓名")}</label>
                <input id="nc-contact" name="contact_name" maxlength="100"/>
                <label for="nc-phone">{lang.t("Mobile", "手机")}</label>
                <input id="nc-phone" name="phone" type="tel" inputmode="tel" placeholder="138 0000 0000"/>
                <label for="nc-email">{lang.t("Email", "邮箱")}</label>
                <input id="nc-email" name="email" type="email"/>
            </fieldset>
            <button type="submit" class="primary">{lang.t("Save customer", "保存客户")}</button>
        </ActionForm>
    }
}
