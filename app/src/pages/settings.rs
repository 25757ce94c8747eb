//! Admin: the rules every default of the product comes from — the public pool, lead timing,
//! lead routing, alert thresholds and the customer health weights. Each section is a server-function form, so it saves
//! without the WASM; the values shown are the stored ones.
use crate::api::{
    get_settings, RemoveRoutingRule, SaveAlertRules, SaveHealthWeights, SaveLeadRules,
    SavePipelineRules, SavePoolRules, SaveRoutingRule, SettingsView,
};
use crate::components::PageTitle;
use crate::components::{ErrorNote, Loading};
use crate::domain::leads::AssignmentRule;
use crate::domain::pipeline::{NEGOTIATION_FIELDS, PROPOSAL_FIELDS};
use crate::error::AppError;
use crate::i18n::fields::field_label;
use crate::i18n::Lang;
use crate::model::User;
use crate::use_lang;
use leptos::prelude::*;

#[component]
pub fn SettingsPage() -> impl IntoView {
    let lang = use_lang();
    let pool = ServerAction::<SavePoolRules>::new();
    let leads = ServerAction::<SaveLeadRules>::new();
    let alerts = ServerAction::<SaveAlertRules>::new();
    let pipeline = ServerAction::<SavePipelineRules>::new();
    let save_rule = ServerAction::<SaveRoutingRule>::new();
    let remove_rule = ServerAction::<RemoveRoutingRule>::new();
    let health = ServerAction::<SaveHealthWeights>::new();
    // What the page says is the outcome of the save that finished last: a refused save
    // followed by a good one shows "Saved", not the old refusal. After a save, or a save
    // refused because another admin's came first, the forms are rebuilt from what is stored;
    // a value refused as invalid leaves the forms alone, so what was typed stays to be fixed.
    let last = RwSignal::new(None::<Result<(), AppError>>);
    let reload = RwSignal::new(0u32);
    let finished: [Signal<Option<Result<(), AppError>>>; 7] = [
        Signal::derive(move || pool.value().get().map(|r| r.map(|_| ()))),
        Signal::derive(move || leads.value().get().map(|r| r.map(|_| ()))),
        Signal::derive(move || alerts.value().get().map(|r| r.map(|_| ()))),
        Signal::derive(move || pipeline.value().get().map(|r| r.map(|_| ()))),
        Signal::derive(move || save_rule.value().get().map(|r| r.map(|_| ()))),
        Signal::derive(move || remove_rule.value().get().map(|r| r.map(|_| ()))),
        Signal::derive(move || health.value().get().map(|r| r.map(|_| ()))),
    ];
    for result in finished {
        Effect::new(move |_| {
            if let Some(r) = result.get() {
                if !matches!(r, Err(AppError::Validation(_))) {
                    reload.update(|n| *n += 1);
                }
                last.set(Some(r));
            }
        });
    }
    let data = crate::page_data::page_resource(move || reload.get(), |_| get_settings());
    let outcome = move || {
        Some(match last.get()? {
            Err(e) => view! { <ErrorNote error=e/> }.into_any(),
            Ok(()) => view! {
                <p class="notice ok" role="status" data-testid="saved">{lang.t("Saved.", "已保存。")}</p>
            }
            .into_any(),
        })
    };
    view! {
        <PageTitle text=lang.t("Settings · Tandem", "设置 · Tandem")/>
        <h1>{lang.t("Settings", "设置")}</h1>
        <nav class="tabs" aria-label=lang.t("Admin", "管理")>
            <a href="/admin">{lang.t("Users and teams", "用户与团队")}</a>
            <a href="/admin/settings" aria-current="page">{lang.t("Settings", "设置")}</a>
        </nav>
        {outcome}
        <Transition fallback=|| view! { <Loading/> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(v) => {
                        // Stored values that changed get freshly built forms (keyed by the
                        // versions), rather than old inputs patched in place.
                        let key = v.versions;
                        view! {
                            <For each=move || std::iter::once(v.clone()) key=move |_| key let:v>
                                <SettingsForms v pool leads alerts pipeline save_rule remove_rule health/>
                            </For>
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// A labelled whole-number input holding `value`, the stored one (the forms are rebuilt
/// from what is stored after every save, except one refused as invalid).
/// A whole-number setting, labelled as its errors name it (`i18n::errors::field_label`).
fn number(lang: Lang, name: &'static str, value: i64) -> impl IntoView {
    view! {
        <label>{field_label(lang, name)}
            <input name=name type="number" inputmode="numeric" min="0" step="1" required value=value/>
        </label>
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn SettingsForms(
    v: SettingsView,
    pool: ServerAction<SavePoolRules>,
    leads: ServerAction<SaveLeadRules>,
    alerts: ServerAction<SaveAlertRules>,
    pipeline: ServerAction<SavePipelineRules>,
    save_rule: ServerAction<SaveRoutingRule>,
    remove_rule: ServerAction<RemoveRoutingRule>,
    health: ServerAction<SaveHealthWeights>,
) -> impl IntoView {
    let lang = use_lang();
    let p = v.pool;
    let h = v.health;
    let limit = |level: &str| {
        p.level_limits
            .get(level)
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    let (level_a, level_b, level_c) = (limit("A"), limit("B"), limit("C"));
    let l = v.leads;
    let a = v.alerts;
    let d = v.pipeline;
    let criteria = |name: &'static str, fields: [&'static str; 3], on: &[String]| {
        fields
            .into_iter()
            .map(|f| {
                let checked = on.iter().any(|x| x == f);
                view! {
                    <label class="check">
                        <input type="checkbox" name=name value=f checked=checked/>
                        {deal_field(lang, f)}
                    </label>
                }
            })
            .collect::<Vec<_>>()
    };
    let proposal_checks = criteria("proposal_requires[]", PROPOSAL_FIELDS, &d.proposal_requires);
    let negotiation_checks = criteria(
        "negotiation_requires[]",
        NEGOTIATION_FIELDS,
        &d.negotiation_requires,
    );
    let reps = v.reps;
    let ver = v.versions;
    let rules = v
        .assignment
        .into_iter()
        .enumerate()
        .map(|(i, rule)| view! { <RoutingRule index=Some(i) rule version=ver.assignment reps=reps.clone() save_rule remove_rule/> })
        .collect::<Vec<_>>();
    let no_rules = rules.is_empty();
    view! {
        <section aria-labelledby="pool-rules" class="card">
            <h2 id="pool-rules">{lang.t("Public pool", "公海规则")}</h2>
            <ActionForm action=pool attr:class="grid-form" attr:data-testid="pool-form">
                <input type="hidden" name="version" value=ver.pool/>
                {number(lang, "holding_limit", p.holding_limit)}
                {number(lang, "daily_claim_cap", p.daily_claim_cap)}
                {number(lang, "reclaim_cooldown_days", p.reclaim_cooldown_days)}
                {number(lang, "no_follow_up_days", p.no_follow_up_days)}
                {number(lang, "no_win_days", p.no_win_days)}
                {number(lang, "warning_days", p.warning_days)}
                <fieldset class="levels">
                    <legend>{lang.t("Most customers of a level per rep (empty: no limit)", "各级别每人上限(留空不限)")}</legend>
                    <label>"A"<input name="level_a" type="number" inputmode="numeric" min="0" value=level_a/></label>
                    <label>"B"<input name="level_b" type="number" inputmode="numeric" min="0" value=level_b/></label>
                    <label>"C"<input name="level_c" type="number" inputmode="numeric" min="0" value=level_c/></label>
                </fieldset>
                <button type="submit" class="primary">{lang.t("Save pool rules", "保存公海规则")}</button>
            </ActionForm>
        </section>
        <section aria-labelledby="lead-rules" class="card">
            <h2 id="lead-rules">{lang.t("Leads", "线索")}</h2>
            <ActionForm action=leads attr:class="grid-form" attr:data-testid="lead-form">
                <input type="hidden" name="version" value=ver.leads/>
                {number(lang, "first_contact_hours", l.first_contact_hours)}
                <label>{lang.t("Urgent sources (comma-separated)", "紧急来源(逗号分隔)")}
                    <input name="urgent_sources" maxlength="500" value=l.urgent_sources.join(", ")/>
                </label>
                {number(lang, "urgent_first_contact_hours", l.urgent_first_contact_hours)}
                {number(lang, "mql_timeout_days", l.mql_timeout_days)}
                <button type="submit" class="primary">{lang.t("Save lead rules", "保存线索规则")}</button>
            </ActionForm>
        </section>
        <section aria-labelledby="routing-rules" class="card">
            <h2 id="routing-rules">{lang.t("Lead routing", "线索分配规则")}</h2>
            <p class="hint">{lang.t(
                "Rules are tried in order; the first that matches a lead, with a rep below the holding limit, assigns it round robin. Unmatched leads go to the pool.",
                "按顺序匹配;第一条匹配且有未达上限的销售的规则按轮询分配。未匹配的线索进入公海。",
            )}</p>
            {no_rules.then(|| view! { <p class="empty">{lang.t("No rules: every new lead goes to the pool.", "暂无规则:新线索全部进入公海。")}</p> })}
            <ol class="routing">{rules}</ol>
            <details class="card">
                <summary class="button">{lang.t("Add a rule", "新增规则")}</summary>
                <RoutingRule index=None rule=AssignmentRule::default() version=ver.assignment reps save_rule remove_rule/>
            </details>
        </section>
        <section aria-labelledby="pipeline-rules" class="card">
            <h2 id="pipeline-rules">{lang.t("Pipeline", "商机阶段")}</h2>
            <ActionForm action=pipeline attr:class="grid-form" attr:data-testid="pipeline-form">
                <input type="hidden" name="version" value=ver.pipeline/>
                {number(lang, "probability_initial", d.probabilities[0])}
                {number(lang, "probability_needs", d.probabilities[1])}
                {number(lang, "probability_proposal", d.probabilities[2])}
                {number(lang, "probability_negotiation", d.probabilities[3])}
                <fieldset class="reps">
                    <legend>{lang.t("To enter proposal, a deal needs", "进入方案呈现需填写")}</legend>
                    {proposal_checks}
                </fieldset>
                <fieldset class="reps">
                    <legend>{lang.t("To enter negotiation, a deal needs", "进入商务谈判需填写")}</legend>
                    {negotiation_checks}
                </fieldset>
                <p class="hint">{lang.t(
                    "Won always needs a contract approved by a manager, and lost a reason. Open deals take new probabilities at once.",
                    "赢单始终需要经理批准的合同,输单需要原因。未结束的商机立即使用新赢率。",
                )}</p>
                <button type="submit" class="primary">{lang.t("Save pipeline rules", "保存商机规则")}</button>
            </ActionForm>
        </section>
        <section aria-labelledby="alert-rules" class="card">
            <h2 id="alert-rules">{lang.t("Alerts", "提醒规则")}</h2>
            <ActionForm action=alerts attr:class="grid-form" attr:data-testid="alert-form">
                <input type="hidden" name="version" value=ver.alerts/>
                {number(lang, "follow_up_overdue_hours", a.follow_up_overdue_hours)}
                {number(lang, "lead_sla_warning_percent", a.lead_sla_warning_percent)}
                {number(lang, "silent_customer_days", a.silent_customer_days)}
                {number(lang, "stage_initial", a.stage_limit_days[0])}
                {number(lang, "stage_needs", a.stage_limit_days[1])}
                {number(lang, "stage_proposal", a.stage_limit_days[2])}
                {number(lang, "stage_negotiation", a.stage_limit_days[3])}
                {number(lang, "post_sale_check_days", a.post_sale_check_days)}
                {number(lang, "renewal_days", a.renewal_days)}
                {number(lang, "receivable_escalate_days", a.receivable_escalate_days)}
                <button type="submit" class="primary">{lang.t("Save alert rules", "保存提醒规则")}</button>
            </ActionForm>
        </section>
        <section aria-labelledby="health-weights" class="card">
            <h2 id="health-weights">{lang.t("Customer health", "客户健康度")}</h2>
            <p class="hint">{lang.t(
                "A customer starts at 100; each factor takes off up to what is set here. Scores take new weights as each customer is next worked out.",
                "客户满分 100,各因素按此处设置扣分。新权重在每位客户下次重算时生效。",
            )}</p>
            <ActionForm action=health attr:class="grid-form" attr:data-testid="health-form">
                <input type="hidden" name="version" value=ver.health/>
                {number(lang, "silent_after_days", h.silent_after_days)}
                {number(lang, "silence_max", h.silence_max)}
                {number(lang, "ticket_points", h.ticket_points)}
                {number(lang, "tickets_max", h.tickets_max)}
                {number(lang, "breach_points", h.breach_points)}
                {number(lang, "breaches_max", h.breaches_max)}
                {number(lang, "low_csat_points", h.low_csat_points)}
                {number(lang, "detractor_points", h.detractor_points)}
                {number(lang, "payment_max", h.payment_max)}
                {number(lang, "renewal_points", h.renewal_points)}
                {number(lang, "renewal_days", h.renewal_days)}
                {number(lang, "renewal_quiet_days", h.renewal_quiet_days)}
                {number(lang, "at_risk_below", h.at_risk_below)}
                {number(lang, "recovered_at", h.recovered_at)}
                <button type="submit" class="primary">{lang.t("Save health weights", "保存健康度权重")}</button>
            </ActionForm>
        </section>
    }
}

/// A deal field's name as the pipeline form shows it.
fn deal_field(lang: Lang, field: &str) -> &'static str {
    match field {
        "pain_points" => lang.t("Pain points", "痛点"),
        "decision_maker" => lang.t("Decision maker", "决策人"),
        "budget_range" => lang.t("Budget range", "预算范围"),
        "amount_minor" => lang.t("Amount", "金额"),
        "expected_close" => lang.t("Expected close date", "预计成交日期"),
        _ => lang.t("Competitors", "竞争对手"),
    }
}

/// One routing rule as a form (or, without an index, the form adding one).
#[component]
fn RoutingRule(
    index: Option<usize>,
    rule: AssignmentRule,
    /// The version of the rule list this form was rendered from.
    version: i64,
    reps: Vec<User>,
    save_rule: ServerAction<SaveRoutingRule>,
    remove_rule: ServerAction<RemoveRoutingRule>,
) -> impl IntoView {
    let lang = use_lang();
    let key = index.map(|i| i.to_string()).unwrap_or_else(|| "new".into());
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let checks = reps
        .into_iter()
        .map(|u| {
            let checked = rule.rep_ids.contains(&u.id);
            let label = if u.active {
                u.name.clone()
            } else {
                format!("{} ({})", u.name, lang.t("deactivated", "已冻结"))
            };
            view! {
                <label class="check">
                    <input type="checkbox" name="rep_ids[]" value=u.id checked=checked/>
                    {label}
                </label>
            }
        })
        .collect::<Vec<_>>();
    let remove = index.map(|i| {
        view! {
            <ActionForm action=remove_rule attr:class="inline-form">
                <input type="hidden" name="index" value=i/>
                <input type="hidden" name="version" value=version/>
                <button type="submit">{lang.t("Remove", "删除")}</button>
            </ActionForm>
        }
    });
    view! {
        <li class="routing-rule" data-testid=format!("rule-{key}")>
            <ActionForm action=save_rule attr:class="grid-form">
                <input type="hidden" name="index" value=index.map(|i| i.to_string()).unwrap_or_default()/>
                <input type="hidden" name="version" value=version/>
                <label>{lang.t("Source", "来源")}<input name="source" maxlength="100" value=text(&rule.source) placeholder=lang.t("any", "不限")/></label>
                <label>{lang.t("Region", "地区")}<input name="region" maxlength="100" value=text(&rule.region) placeholder=lang.t("any", "不限")/></label>
                <label>{lang.t("Industry", "行业")}<input name="industry" maxlength="100" value=text(&rule.industry) placeholder=lang.t("any", "不限")/></label>
                <label>{lang.t("Product line", "产品线")}<input name="product_line" maxlength="100" value=text(&rule.product_line) placeholder=lang.t("any", "不限")/></label>
                <fieldset class="reps">
                    <legend>{lang.t("Reps, in turn", "轮流分配给")}</legend>
                    {checks}
                </fieldset>
                <button type="submit" class="primary">{if index.is_some() { lang.t("Save rule", "保存规则") } else { lang.t("Add rule", "添加规则") }}</button>
            </ActionForm>
            {remove}
        </li>
    }
}
