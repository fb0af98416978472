//! Per-client rate limiting: a token bucket per caller (the verified token's org and
//! `sub`, else the peer address). Limits are per process; behind a load balancer each
//! API process enforces its own share.
//!
//! A request only ever touches its own bucket. Buckets that have refilled (their client
//! has been quiet for up to a minute) are dropped by [`RateLimiter::sweep`], which
//! [`RateLimiter::spawn_sweeper`] runs in the background at a fixed interval.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// How often the background sweeper forgets refilled buckets.
pub const SWEEP_INTERVAL: Duration = Duration::from_secs(30);

impl RateLimiter {
    pub fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute: per_minute.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    fn rate_per_sec(&self) -> f64 {
        f64::from(self.per_minute) / 60.0
    }

    /// Takes one request from `client`'s bucket; `Err(wait)` when it is empty. Costs the
    /// same however many clients are tracked.
    pub fn check(&self, client: &str, now: Instant) -> Result<(), Duration> {
        let capacity = f64::from(self.per_minute);
        let rate = self.rate_per_sec();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let bucket = buckets.entry(client.to_string()).or_insert(Bucket {
            tokens: capacity,
            updated: now,
        });
        let refill = now.saturating_duration_since(bucket.updated).as_secs_f64() * rate;
        bucket.tokens = (bucket.tokens + refill).min(capacity);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }

    /// Forgets every bucket that has refilled by `now`: a client seen again starts
    /// from a full bucket anyway. Returns how many were dropped.
    pub fn sweep(&self, now: Instant) -> usize {
        let capacity = f64::from(self.per_minute);
        let rate = self.rate_per_sec();
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let before = buckets.len();
        buckets.retain(|_, b| {
            b.tokens + now.saturating_duration_since(b.updated).as_secs_f64() * rate < capacity
        });
        before - buckets.len()
    }

    /// How many clients have a bucket.
    pub fn tracked(&self) -> usize {
        self.buckets.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// Sweeps every `every` on the current actix (Tokio) runtime until the limiter is
    /// dropped. Call it from within the runtime that serves, e.g. in `server::run`.
    pub fn spawn_sweeper(self: &Arc<Self>, every: Duration) -> actix_web::rt::task::JoinHandle<()> {
        let limiter = Arc::downgrade(self);
        actix_web::rt::spawn(async move {
            let mut ticks = actix_web::rt::time::interval(every);
            // The first tick is immediate: nothing to sweep yet.
            ticks.tick().await;
            loop {
                ticks.tick().await;
                let Some(limiter) = limiter.upgrade() else {
                    return;
                };
                let dropped = limiter.sweep(Instant::now());
                if dropped > 0 {
                    tracing::debug!(dropped, tracked = limiter.tracked(), "rate-limit sweep");
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_up_to_the_limit_passes_then_waits() {
        let limiter = RateLimiter::new(3);
        let t = Instant::now();
        for _ in 0..3 {
            assert!(limiter.check("a", t).is_ok());
        }
        let wait = limiter.check("a", t).unwrap_err();
        assert!(wait <= Duration::from_secs(20) && wait > Duration::from_secs(19));
        // Other clients are unaffected.
        assert!(limiter.check("b", t).is_ok());
        // A token returns after a third of a minute.
        assert!(limiter.check("a", t + Duration::from_secs(20)).is_ok());
        assert!(limiter.check("a", t + Duration::from_secs(20)).is_err());
    }

    #[test]
    fn a_request_never_sweeps_the_buckets() {
        const CLIENTS: usize = 100_000;
        let limiter = RateLimiter::new(60);
        let t = Instant::now();
        for i in 0..CLIENTS {
            limiter.check(&format!("client-{i}"), t).unwrap();
        }
        // Every bucket has long refilled, yet a request leaves them to the sweeper:
        // it must not pay for walking them all.
        let later = t + Duration::from_secs(3600);
        limiter.check("newcomer", later).unwrap();
        assert_eq!(
            limiter.buckets.lock().unwrap().len(),
            CLIENTS + 1,
            "a request swept the buckets"
        );
    }

    #[test]
    fn the_sweep_drops_refilled_buckets_only() {
        let limiter = RateLimiter::new(60);
        let t = Instant::now();
        limiter.check("quiet", t).unwrap();
        for _ in 0..30 {
            limiter.check("busy", t + Duration::from_secs(40)).unwrap();
        }
        assert_eq!(limiter.tracked(), 2);
        // A minute on, "quiet" has long refilled; "busy" is still 10 tokens short.
        assert_eq!(limiter.sweep(t + Duration::from_secs(60)), 1);
        assert_eq!(limiter.tracked(), 1);
        assert!(limiter.buckets.lock().unwrap().contains_key("busy"));
        // Forgetting a full bucket changes nothing for its client: a full burst again.
        for _ in 0..60 {
            assert!(limiter.check("quiet", t + Duration::from_secs(61)).is_ok());
        }
        assert!(limiter.check("quiet", t + Duration::from_secs(61)).is_err());
        // Once "busy" has refilled too, the next sweep drops it.
        assert_eq!(limiter.sweep(t + Duration::from_secs(75)), 1);
        assert!(!limiter.buckets.lock().unwrap().contains_key("busy"));
    }

    #[actix_rt::test]
    async fn the_background_sweeper_drops_expired_buckets() {
        // 60 000 a minute: a bucket one request short refills in a millisecond.
        let limiter = Arc::new(RateLimiter::new(60_000));
        for i in 0..1_000 {
            limiter
                .check(&format!("client-{i}"), Instant::now())
                .unwrap();
        }
        assert_eq!(limiter.tracked(), 1_000);
        let sweeper = limiter.spawn_sweeper(Duration::from_millis(20));
        let start = Instant::now();
        while limiter.tracked() > 0 && start.elapsed() < Duration::from_secs(5) {
            actix_web::rt::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(limiter.tracked(), 0, "the sweeper did not run");
        // The sweeper ends once the limiter is gone.
        drop(limiter);
        actix_web::rt::time::timeout(Duration::from_secs(5), sweeper)
            .await
            .expect("the sweeper stops when the limiter is dropped")
            .unwrap();
    }
}
