//! HTTP integration tests: the real application on both backends.

mod helpers;
mod import_accuracy;
mod import_conditions;
mod import_memory;
mod import_pdf;
mod migration_carry;

mod applications;
mod appointment;
mod audit;
mod auth;
mod authz;
mod browser;
mod checks;
mod cors;
mod criteria;
mod demo;
mod docs;
mod errors;
mod hardening;
mod health;
mod hostile;
mod integrity;
mod metrics;
mod panels;
mod privacy;
mod recruitment;
mod schema;
mod scoring;
mod seed_vacancies;
mod shortlists;
mod spec_import;
mod steps;
mod steps_seed004;
mod vacancies;
mod worklists_apps;
