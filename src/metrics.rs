//! Prometheus metrics in the text exposition format 0.0.4, from a small registry of
//! atomics: requests by method, matched route pattern and status, their latency, the
//! database pool, and shortlist computations.
//!
//! Labels come only from bounded sets: the route is the pattern the router matched
//! (`/api/v1/vacancies/{vacancy_id}`, never the raw path; `unmatched` otherwise) and
//! an unusual method counts as `other`, so neither ids nor junk can create series.
//!
//! One registry per [`crate::startup::AppState`], shared by every worker (the tests
//! get one per app, so their numbers are their own). A request takes a read lock on
//! the series map and bumps atomics; the write lock is taken only the first time a
//! (method, route) pair is seen.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::future::{ready, Ready};
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::http::{Method, StatusCode};
use actix_web::{web, HttpRequest};
use futures_util::future::LocalBoxFuture;
use sha2::{Digest, Sha256};

/// The exposition format's media type.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Request latency buckets, in seconds: 5 ms to 10 s.
pub const REQUEST_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Shortlist computation buckets, in seconds: an in-memory ranking is usually well
/// under a request's 5 ms floor, so these start at 1 ms.
pub const COMPUTATION_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The route label of a request no resource matched.
pub const UNMATCHED: &str = "unmatched";

const FIRST_STATUS: u16 = 100;
const STATUS_SLOTS: usize = 500;

/// A Prometheus histogram over fixed buckets. Each bucket holds only its own
/// observations; they are summed into cumulative `le` counts when rendered.
struct Histogram {
    bounds: &'static [f64],
    counts: Box<[AtomicU64]>,
    /// Observations above the last bound.
    overflow: AtomicU64,
    sum_nanos: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Histogram {
        Histogram {
            bounds,
            counts: bounds.iter().map(|_| AtomicU64::new(0)).collect(),
            overflow: AtomicU64::new(0),
            sum_nanos: AtomicU64::new(0),
        }
    }

    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        match self.bounds.iter().position(|&bound| seconds <= bound) {
            Some(i) => self.counts[i].fetch_add(1, Relaxed),
            None => self.overflow.fetch_add(1, Relaxed),
        };
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Relaxed);
    }

    /// Appends the `_bucket`, `_sum` and `_count` lines; `labels` is empty or ends
    /// with a comma.
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, count) in self.bounds.iter().zip(self.counts.iter()) {
            cumulative += count.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{bound}\"}} {cumulative}");
        }
        // `_count` is derived from the buckets, so it always equals the `+Inf` bucket
        // even while another thread is half-way through an observation.
        let total = cumulative + self.overflow.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {total}");
        let sum = self.sum_nanos.load(Relaxed) as f64 / 1e9;
        let bare = labels.trim_end_matches(',');
        let braces = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                format!("{{{s}}}")
            }
        };
        let _ = writeln!(out, "{name}_sum{} {sum}", braces(bare));
        let _ = writeln!(out, "{name}_count{} {total}", braces(bare));
    }
}

/// Everything recorded for one (method, route) pair.
struct RouteSeries {
    /// Responses by status code, indexed from 100.
    statuses: Box<[AtomicU64]>,
    duration: Histogram,
}

impl RouteSeries {
    fn new() -> RouteSeries {
        RouteSeries {
            statuses: (0..STATUS_SLOTS).map(|_| AtomicU64::new(0)).collect(),
            duration: Histogram::new(REQUEST_BUCKETS),
        }
    }

    fn record(&self, status: StatusCode, elapsed: Duration) {
        let slot = usize::from(status.as_u16().saturating_sub(FIRST_STATUS));
        if let Some(counter) = self.statuses.get(slot) {
            counter.fetch_add(1, Relaxed);
        }
        self.duration.observe(elapsed);
    }
}

/// The `method` label: the methods the API and CORS use, anything else `other`.
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// A label value with `\`, `"` and newlines escaped as the format requires.
pub fn escape_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

/// The database pool as sampled at scrape time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolGauges {
    pub in_use: u32,
    pub idle: u32,
    pub max: u32,
}

/// The registry.
pub struct Metrics {
    routes: RwLock<HashMap<(&'static str, String), RouteSeries>>,
    shortlists_json: AtomicU64,
    shortlists_csv: AtomicU64,
    shortlist_seconds: Histogram,
    shortlist_pages_read: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics {
            routes: RwLock::new(HashMap::new()),
            shortlists_json: AtomicU64::new(0),
            shortlists_csv: AtomicU64::new(0),
            shortlist_seconds: Histogram::new(COMPUTATION_BUCKETS),
            shortlist_pages_read: AtomicU64::new(0),
        }
    }
}

impl Metrics {
    /// Counts one answered request.
    pub fn record_request(
        &self,
        method: &'static str,
        route: Option<String>,
        status: StatusCode,
        elapsed: Duration,
    ) {
        let key = (method, route.unwrap_or_else(|| UNMATCHED.to_string()));
        {
            let routes = self.routes.read().unwrap_or_else(|p| p.into_inner());
            if let Some(series) = routes.get(&key) {
                series.record(status, elapsed);
                return;
            }
        }
        let mut routes = self.routes.write().unwrap_or_else(|p| p.into_inner());
        routes
            .entry(key)
            .or_insert_with(RouteSeries::new)
            .record(status, elapsed);
    }

    /// Counts one shortlist computation of `elapsed`, answered as CSV or JSON.
    pub fn record_shortlist(&self, csv: bool, elapsed: Duration) {
        let counter = if csv {
            &self.shortlists_csv
        } else {
            &self.shortlists_json
        };
        counter.fetch_add(1, Relaxed);
        self.shortlist_seconds.observe(elapsed);
    }

    /// Counts one shortlist page read from the kept results in list order.
    pub fn record_page_read(&self) {
        self.shortlist_pages_read.fetch_add(1, Relaxed);
    }

    /// Every metric in the text exposition format, series in a stable order.
    pub fn render(&self, pool: PoolGauges) -> String {
        let mut out = String::with_capacity(16 * 1024);
        let routes = self.routes.read().unwrap_or_else(|p| p.into_inner());
        let mut keys: Vec<&(&'static str, String)> = routes.keys().collect();
        keys.sort_by(|a, b| (&a.1, a.0).cmp(&(&b.1, b.0)));

        out.push_str(
            "# HELP http_requests_total HTTP requests answered, by method, matched route pattern and status.\n\
             # TYPE http_requests_total counter\n",
        );
        for key in &keys {
            let (method, route) = key;
            let route = escape_label(route);
            for (slot, count) in routes[*key].statuses.iter().enumerate() {
                let count = count.load(Relaxed);
                if count > 0 {
                    let status = slot + usize::from(FIRST_STATUS);
                    let _ = writeln!(
                        out,
                        "http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
                    );
                }
            }
        }

        out.push_str(
            "# HELP http_request_duration_seconds Time to answer an HTTP request (until the response head is ready), by method and matched route pattern.\n\
             # TYPE http_request_duration_seconds histogram\n",
        );
        for key in &keys {
            let (method, route) = key;
            let labels = format!("method=\"{method}\",route=\"{}\",", escape_label(route));
            routes[*key]
                .duration
                .render(&mut out, "http_request_duration_seconds", &labels);
        }
        drop(routes);

        let _ = write!(
            out,
            "# HELP db_pool_connections Database connections held by the pool, by state.\n\
             # TYPE db_pool_connections gauge\n\
             db_pool_connections{{state=\"in_use\"}} {}\n\
             db_pool_connections{{state=\"idle\"}} {}\n\
             # HELP db_pool_max_connections The most connections the pool will open.\n\
             # TYPE db_pool_max_connections gauge\n\
             db_pool_max_connections {}\n",
            pool.in_use, pool.idle, pool.max
        );

        let _ = write!(
            out,
            "# HELP shortlist_computations_total Shortlists computed, by response format.\n\
             # TYPE shortlist_computations_total counter\n\
             shortlist_computations_total{{format=\"json\"}} {}\n\
             shortlist_computations_total{{format=\"csv\"}} {}\n\
             # HELP shortlist_computation_seconds Time to evaluate and rank one vacancy's applications (after loading them).\n\
             # TYPE shortlist_computation_seconds histogram\n",
            self.shortlists_json.load(Relaxed),
            self.shortlists_csv.load(Relaxed),
        );
        self.shortlist_seconds
            .render(&mut out, "shortlist_computation_seconds", "");
        let _ = write!(
            out,
            "# HELP shortlist_pages_read_total Shortlist pages read from the kept results in list order, without building the whole list.\n\
             # TYPE shortlist_pages_read_total counter\n\
             shortlist_pages_read_total {}\n",
            self.shortlist_pages_read.load(Relaxed),
        );
        out
    }
}

/// Runs `compute` (a shortlist computation) and counts it in the request's registry,
/// by the format it will be answered in.
pub fn time_shortlist<T>(req: &HttpRequest, csv: bool, compute: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = compute();
    if let Some(metrics) = req.app_data::<web::Data<Metrics>>() {
        metrics.record_shortlist(csv, started.elapsed());
    }
    result
}

/// The `/metrics` bearer token, kept only as its SHA-256 so that comparing it takes
/// the same time whatever the presented token's length or content.
#[derive(Clone, Default)]
pub struct MetricsToken(Option<[u8; 32]>);

impl MetricsToken {
    pub fn new(token: Option<&str>) -> MetricsToken {
        MetricsToken(token.map(|t| Sha256::digest(t.as_bytes()).into()))
    }

    /// Whether a request with this `Authorization` header may scrape.
    pub fn allows(&self, authorization: Option<&str>) -> bool {
        let Some(expected) = &self.0 else {
            return true;
        };
        let presented = authorization
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .unwrap_or_default();
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        let difference = expected
            .iter()
            .zip(presented.iter())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b));
        std::hint::black_box(difference) == 0
    }
}

/// Middleware that counts and times every response, including those answered before
/// routing (rate-limit refusals, CORS preflights).
pub struct RecordRequests(pub Arc<Metrics>);

impl<S, B> Transform<S, ServiceRequest> for RecordRequests
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Transform = RecordRequestsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RecordRequestsMiddleware {
            service: Rc::new(service),
            metrics: self.0.clone(),
        }))
    }
}

pub struct RecordRequestsMiddleware<S> {
    service: Rc<S>,
    metrics: Arc<Metrics>,
}

impl<S, B> Service<ServiceRequest> for RecordRequestsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<ServiceResponse<B>, actix_web::Error>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let started = Instant::now();
        let method = method_label(req.method());
        let metrics = self.metrics.clone();
        let fut = self.service.call(req);
        Box::pin(async move {
            let result = fut.await;
            match &result {
                Ok(res) => metrics.record_request(
                    method,
                    res.request().match_pattern(),
                    res.status(),
                    started.elapsed(),
                ),
                // Handlers' errors reach here as responses; an error from a middleware
                // no longer carries its request, so its route is unknown.
                Err(e) => metrics.record_request(
                    method,
                    None,
                    e.as_response_error().status_code(),
                    started.elapsed(),
                ),
            }
            result
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool() -> PoolGauges {
        PoolGauges {
            in_use: 1,
            idle: 3,
            max: 4,
        }
    }

    fn value(text: &str, series: &str) -> Option<f64> {
        text.lines()
            .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
    }

    #[test]
    fn histogram_buckets_are_cumulative_and_count_includes_overflow() {
        let m = Metrics::default();
        for ms in [1, 7, 7, 300, 20_000] {
            m.record_request(
                "GET",
                Some("/x/{id}".into()),
                StatusCode::OK,
                Duration::from_millis(ms),
            );
        }
        let text = m.render(pool());
        let b = |le: &str| {
            value(
                &text,
                &format!(
                    "http_request_duration_seconds_bucket{{method=\"GET\",route=\"/x/{{id}}\",le=\"{le}\"}}"
                ),
            )
            .unwrap()
        };
        assert_eq!(b("0.005"), 1.0);
        assert_eq!(b("0.01"), 3.0);
        assert_eq!(b("0.25"), 3.0);
        assert_eq!(b("0.5"), 4.0);
        assert_eq!(b("10"), 4.0);
        assert_eq!(b("+Inf"), 5.0);
        let count = value(
            &text,
            "http_request_duration_seconds_count{method=\"GET\",route=\"/x/{id}\"}",
        );
        assert_eq!(count, Some(5.0));
        let sum = value(
            &text,
            "http_request_duration_seconds_sum{method=\"GET\",route=\"/x/{id}\"}",
        )
        .unwrap();
        assert!((sum - 20.315).abs() < 1e-9, "{sum}");
        assert_eq!(
            value(
                &text,
                "http_requests_total{method=\"GET\",route=\"/x/{id}\",status=\"200\"}"
            ),
            Some(5.0)
        );
    }

    #[test]
    fn unmatched_routes_and_statuses_are_labelled() {
        let m = Metrics::default();
        m.record_request("other", None, StatusCode::NOT_FOUND, Duration::ZERO);
        m.record_request("other", None, StatusCode::NOT_FOUND, Duration::ZERO);
        let text = m.render(pool());
        assert_eq!(
            value(
                &text,
                "http_requests_total{method=\"other\",route=\"unmatched\",status=\"404\"}"
            ),
            Some(2.0)
        );
        assert_eq!(
            value(&text, "db_pool_connections{state=\"in_use\"}"),
            Some(1.0)
        );
        assert_eq!(value(&text, "db_pool_max_connections"), Some(4.0));
    }

    #[test]
    fn shortlists_are_counted_by_format() {
        let m = Metrics::default();
        m.record_shortlist(false, Duration::from_micros(500));
        m.record_shortlist(true, Duration::from_millis(3));
        m.record_shortlist(true, Duration::from_millis(3));
        let text = m.render(pool());
        assert_eq!(
            value(&text, "shortlist_computations_total{format=\"json\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&text, "shortlist_computations_total{format=\"csv\"}"),
            Some(2.0)
        );
        assert_eq!(
            value(&text, "shortlist_computation_seconds_bucket{le=\"0.001\"}"),
            Some(1.0)
        );
        assert_eq!(
            value(&text, "shortlist_computation_seconds_count"),
            Some(3.0)
        );
    }

    #[test]
    fn every_sample_line_is_well_formed() {
        let m = Metrics::default();
        m.record_request(
            "POST",
            Some("/a\"b\\c".into()),
            StatusCode::CREATED,
            Duration::ZERO,
        );
        let text = m.render(pool());
        assert!(text.contains("route=\"/a\\\"b\\\\c\""), "{text}");
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (_, number) = line.rsplit_once(' ').unwrap();
            assert!(number.parse::<f64>().is_ok(), "{line}");
        }
    }

    #[test]
    fn methods_outside_the_usual_set_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::OPTIONS), "OPTIONS");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(method_label(&Method::TRACE), "other");
    }

    #[test]
    fn the_token_must_match_exactly() {
        let open = MetricsToken::new(None);
        assert!(open.allows(None));
        let token = MetricsToken::new(Some("scrape-secret"));
        assert!(token.allows(Some("Bearer scrape-secret")));
        assert!(token.allows(Some("bearer scrape-secret")));
        assert!(!token.allows(None));
        assert!(!token.allows(Some("Bearer scrape-secre")));
        assert!(!token.allows(Some("Bearer scrape-secret2")));
        assert!(!token.allows(Some("Basic scrape-secret")));
        assert!(!token.allows(Some("scrape-secret")));
        assert!(!token.allows(Some("")));
    }
}
