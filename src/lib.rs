//! Shortlist: candidate shortlisting and recruitment for UK public-sector employers.

pub mod api;
pub mod auth;
pub mod config;
pub mod cors;
pub mod db;
pub mod delivery;
pub mod demo;
pub mod domain;
pub mod error;
pub mod import;
pub mod metrics;
pub mod openapi;
pub mod rate_limit;
pub mod server;
pub mod service;
pub mod startup;
pub mod telemetry;
