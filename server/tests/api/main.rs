#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Integration tests: each test starts Tandem on a random port with its own database
//! (SQLite always; PostgreSQL too when TANDEM_TEST_POSTGRES_URL is set) and talks HTTP.
mod helpers;

mod alerts;
mod articles;
mod auth;
mod canned_replies;
mod contacts;
mod contract_approvals;
mod customer_book;
mod customer_lists;
mod customers;
mod delivery;
mod device_queue;
mod dovecot;
mod follow_ups;
mod fuzz;
mod health;
mod kpi_dashboard;
mod kpi_forecast;
mod kpi_rollups;
mod kpis;
mod kpis_people;
mod leads;
mod mail_in;
mod mail_out;
mod mailbox;
mod pages;
mod pipeline;
mod platform;
mod pool;
mod query_plans;
mod receivables;
mod reply_files;
mod scope;
mod security;
mod servers;
mod settings;
mod sfn_scope;
mod surveys;
mod tasks;
mod ticket_clocks;
mod ticket_routing;
mod tickets;
mod tls;
mod web_form;
