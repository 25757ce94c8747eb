//! REST API under `/api/v1` (see docs/api.md): thin handlers over the same services the
//! pages use.
pub mod activities;
pub mod alerts;
pub mod articles;
pub mod auth;
pub mod canned;
pub mod contacts;
pub mod customers;
pub mod deals;
pub mod error;
pub mod export;
pub mod extract;
pub mod kpis;
pub mod leads;
pub mod settings;
pub mod surveys;
pub mod tasks;
pub mod test_clock;
pub mod tickets;
pub mod users;

use crate::startup::ServerState;
use axum::routing::{get, post};
use axum::Router;

/// The largest raw email the inbound door takes (base64 makes files a third larger).
const INBOUND_EMAIL_LIMIT: usize = 64 * 1024 * 1024;

pub fn router() -> Router<ServerState> {
    Router::new()
        .route("/auth/login", post(auth::login))
        .route("/auth/logout", post(auth::logout))
        .route("/me", get(auth::me))
        .route("/test/clock", post(test_clock::shift))
        .route(
            "/me/availability",
            axum::routing::put(auth::put_availability),
        )
        .route("/kpis", get(kpis::report))
        .route("/kpis/{key}/records", get(kpis::records))
        .route("/kpis/export/{format}", get(kpis::export_report))
        .route(
            "/kpis/{key}/records/export/{format}",
            get(kpis::export_records),
        )
        .route("/alerts", get(alerts::list))
        .route("/alerts/unread", get(alerts::unread))
        .route("/alerts/read-all", post(alerts::read_all))
        .route("/alerts/{id}/read", post(alerts::read))
        .route(
            "/settings/alerts",
            get(settings::get_alerts).put(settings::put_alerts),
        )
        .route(
            "/settings/health",
            get(settings::get_health).put(settings::put_health),
        )
        .route("/customers", get(customers::list).post(customers::create))
        .route(
            "/customers/{id}",
            get(customers::get)
                .patch(customers::patch)
                .delete(customers::delete),
        )
        .route("/customers/{id}/timeline", get(customers::timeline))
        .route("/customers/{id}/restore", post(customers::restore))
        .route("/customers/{id}/claim", post(customers::claim))
        .route("/customers/{id}/release", post(customers::release))
        .route("/customers/{id}/assign", post(customers::assign))
        .route(
            "/settings/sla",
            get(settings::get_sla).put(settings::put_sla),
        )
        .route(
            "/settings/team-service-hours",
            get(settings::get_team_service_hours).put(settings::put_team_service_hours),
        )
        .route(
            "/settings/ticket-routing",
            get(settings::get_ticket_routing).put(settings::put_ticket_routing),
        )
        .route(
            "/settings/service-hours",
            get(settings::get_service_hours).put(settings::put_service_hours),
        )
        .route(
            "/settings/pool",
            get(settings::get_pool).put(settings::put_pool),
        )
        .route("/contacts", get(contacts::list).post(contacts::create))
        .route(
            "/contacts/{id}",
            get(contacts::get)
                .patch(contacts::patch)
                .delete(contacts::delete),
        )
        .route(
            "/activities",
            get(activities::list).post(activities::create),
        )
        .route("/tasks", get(tasks::list).post(tasks::create))
        .route("/tasks/{id}", get(tasks::get).patch(tasks::patch))
        .route("/tickets", get(tickets::list).post(tickets::create))
        .route("/tickets/{id}", get(tickets::get).patch(tickets::patch))
        .route("/tickets/{id}/messages", post(tickets::add_message))
        .route("/tickets/{id}/merge", post(tickets::merge))
        .route(
            "/tickets/{id}/attachments/{attachment_id}",
            get(tickets::attachment),
        )
        // A raw email carries its attachments (up to 20 files of 10 MB are kept).
        .route(
            "/inbound/email",
            post(tickets::inbound_email)
                .layer(axum::extract::DefaultBodyLimit::max(INBOUND_EMAIL_LIMIT)),
        )
        .route("/customers/{id}/surveys", get(surveys::for_customer))
        .route("/articles", get(articles::list).post(articles::create))
        .route("/articles/{id}", get(articles::get).patch(articles::patch))
        .route("/tickets/{id}/article", post(articles::from_ticket))
        .route("/canned-replies", get(canned::list).post(canned::create))
        .route("/tickets/{id}/canned-replies", get(canned::for_ticket))
        .route("/surveys/nps", post(surveys::send_nps))
        .route("/opportunities", get(deals::list).post(deals::create))
        .route("/opportunities/{id}", get(deals::get))
        .route("/opportunities/{id}/stage", post(deals::stage))
        .route("/opportunities/{id}/forecast", post(deals::forecast))
        .route(
            "/settings/pipeline",
            get(settings::get_pipeline).put(settings::put_pipeline),
        )
        .route(
            "/contracts",
            get(deals::contracts).post(deals::request_contract),
        )
        .route("/contracts/{id}", get(deals::contract))
        .route("/contracts/{id}/approve", post(deals::approve))
        .route(
            "/contracts/{id}/receivables",
            get(deals::contract_receivables),
        )
        .route(
            "/contracts/{id}/plan",
            axum::routing::put(deals::contract_plan),
        )
        .route("/contracts/{id}/receipts", post(deals::contract_receipt))
        .route("/contracts/{id}/renewal", post(deals::renew_contract))
        .route("/contracts/{id}/reject", post(deals::reject))
        .route(
            "/settings/leads",
            get(settings::get_leads).put(settings::put_leads),
        )
        .route(
            "/settings/lead-assignment",
            get(settings::get_assignment).put(settings::put_assignment),
        )
        .route("/leads", get(leads::list).post(leads::create))
        .route("/leads/{id}", get(leads::get))
        .route("/leads/{id}/qualify", post(leads::qualify))
        .route("/leads/{id}/disqualify", post(leads::disqualify))
        .route("/leads/{id}/convert", post(leads::convert))
        .route("/leads/{id}/contact", post(leads::contact))
        .route("/leads/{id}/assign", post(leads::assign))
        .route("/public/leads", post(leads::public))
        .route("/public/tickets", post(tickets::public))
        .route("/lead-forms", get(leads::forms).post(leads::create_form))
        .route("/lead-forms/{id}", axum::routing::patch(leads::patch_form))
        .route("/lead-forms/{id}/rotate", post(leads::rotate_form))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get).patch(users::patch))
        .route("/teams", get(users::teams).post(users::create_team))
        .route("/api-tokens", get(users::tokens).post(users::create_token))
        .route(
            "/api-tokens/{id}",
            axum::routing::delete(users::revoke_token),
        )
        .fallback(|| async { error::ApiError(app::error::AppError::NotFound) })
}
