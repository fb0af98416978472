//! HTTP integration tests: the real application on both backends.

mod helpers;

mod auth;
mod criteria;
mod docs;
mod errors;
mod health;
mod schema;
mod seed_vacancies;
mod vacancies;
