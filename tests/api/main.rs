//! HTTP integration tests: the real application on both backends.

mod helpers;

mod applications;
mod appointment;
mod audit;
mod auth;
mod authz;
mod checks;
mod criteria;
mod docs;
mod errors;
mod health;
mod hostile;
mod panels;
mod privacy;
mod recruitment;
mod schema;
mod scoring;
mod seed_vacancies;
mod shortlists;
mod vacancies;
