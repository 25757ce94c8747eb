//! The Tandem server: configuration, database setup, the REST API, the pages, health and
//! metrics, and the command line (serve, migrate, seed).
// The pages' view types are deep; a release build (types not erased) lays them out here.
#![recursion_limit = "256"]
pub mod assets;
pub mod cli;
pub mod config;
pub mod db;
pub mod forms;
pub mod health;
pub mod help_page;
pub mod middleware;
pub mod openapi;
pub mod public_page;
pub mod pwa;
pub mod rest;
pub mod security;
pub mod seed;
pub mod sfn;
pub mod startup;
pub mod survey_page;
pub mod telemetry;
pub mod ws;

pub use startup::{Application, ServerState};
