//! The API contract, generated from the handlers and models.
use crate::rest;
use axum::Json;
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(title = "Tandem CRM API", description = "REST API for integrations. Errors are application/problem+json."),
    paths(
        rest::auth::login, rest::auth::logout, rest::auth::me, rest::auth::put_availability,
        rest::alerts::list, rest::alerts::unread, rest::alerts::read, rest::alerts::read_all,
        rest::settings::get_alerts, rest::settings::put_alerts, rest::settings::get_health, rest::settings::put_health,
        rest::customers::list, rest::customers::get, rest::customers::create, rest::customers::patch, rest::customers::delete,
        rest::customers::timeline, rest::customers::restore, rest::customers::claim, rest::customers::release, rest::customers::assign,
        rest::settings::get_pool, rest::settings::put_pool,
        rest::settings::get_sla, rest::settings::put_sla, rest::settings::get_service_hours, rest::settings::put_service_hours, rest::settings::get_ticket_routing, rest::settings::put_ticket_routing, rest::settings::get_team_service_hours, rest::settings::put_team_service_hours,
        rest::contacts::list, rest::contacts::get, rest::contacts::create, rest::contacts::patch, rest::contacts::delete,
        rest::activities::list, rest::activities::create,
        rest::tasks::list, rest::tasks::get, rest::tasks::create, rest::tasks::patch,
        rest::tickets::list, rest::tickets::get, rest::tickets::create, rest::tickets::patch, rest::tickets::add_message, rest::tickets::merge, rest::tickets::attachment, rest::tickets::inbound_email, rest::tickets::public,
        rest::kpis::report, rest::kpis::records, rest::kpis::export_report, rest::kpis::export_records,
        rest::surveys::for_customer, rest::surveys::send_nps,
        rest::articles::list, rest::articles::get, rest::articles::create, rest::articles::patch, rest::articles::from_ticket,
        rest::canned::list, rest::canned::create, rest::canned::for_ticket,
        rest::leads::list, rest::leads::get, rest::leads::create, rest::leads::public, rest::leads::qualify, rest::leads::disqualify,
        rest::leads::convert, rest::leads::contact, rest::leads::assign, rest::leads::create_form, rest::leads::forms, rest::leads::patch_form, rest::leads::rotate_form,
        rest::settings::get_leads, rest::settings::put_leads, rest::settings::get_assignment, rest::settings::put_assignment,
        rest::deals::list, rest::deals::get, rest::deals::create, rest::deals::contract_receivables, rest::deals::renew_contract, rest::deals::contract_plan, rest::deals::contract_receipt, rest::deals::forecast, rest::deals::stage,
        rest::settings::get_pipeline, rest::settings::put_pipeline,
        rest::deals::contracts, rest::deals::contract, rest::deals::request_contract, rest::deals::approve, rest::deals::reject,
        rest::users::list, rest::users::get, rest::users::create, rest::users::patch,
        rest::users::teams, rest::users::create_team,
        rest::users::tokens, rest::users::create_token, rest::users::revoke_token,
    ),
    tags((name = "auth"), (name = "customers"), (name = "contacts"), (name = "activities"), (name = "tasks"), (name = "pool"), (name = "pipeline"), (name = "leads"), (name = "admin"), (name = "alerts"), (name = "tickets"), (name = "surveys"), (name = "articles"), (name = "kpis"))
)]
pub struct ApiDoc;

pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
