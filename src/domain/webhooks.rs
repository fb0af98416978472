//! Webhooks as the Standard Webhooks specification has them (standardwebhooks.com):
//! secrets, signatures, which addresses a delivery may go to, and when to retry.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SECRET_PREFIX: &str = "whsec_";
/// Key bytes of a new secret: 32, as the reference libraries generate (24 to 64 allowed).
pub const SECRET_BYTES: usize = 32;

/// A new signing secret: `whsec_` + base64 of random key bytes.
pub fn new_secret(key: &[u8; SECRET_BYTES]) -> String {
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(key)
    )
}

/// The key bytes of a `whsec_` secret.
pub fn secret_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret
        .strip_prefix(SECRET_PREFIX)
        .ok_or_else(|| format!("a signing secret starts with {SECRET_PREFIX}"))?;
    base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .map_err(|_| "a signing secret is base64 after its prefix".to_string())
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`.
pub fn signature(key: &[u8], id: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    format!(
        "v1,{}",
        base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
    )
}

/// The `webhook-signature` header: one signature per key, space-separated, so a
/// receiver that still holds the previous secret during a rotation verifies too.
pub fn signature_header(keys: &[Vec<u8>], id: &str, timestamp: i64, body: &[u8]) -> String {
    keys.iter()
        .map(|k| signature(k, id, timestamp, body))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why an address may not receive deliveries, or `None` when it is a public one.
/// Loopback, private, link-local and other non-public ranges would let a subscriber
/// make the server call into its own network (SSRF: a cloud metadata service at
/// 169.254.169.254, an admin port on localhost).
pub fn forbidden_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let first = v6.segments()[0];
            if v6.is_loopback() {
                Some("a loopback address")
            } else if v6.is_unspecified() {
                Some("an unspecified address")
            } else if first & 0xffc0 == 0xfe80 {
                Some("a link-local address")
            } else if first & 0xfe00 == 0xfc00 {
                Some("a private (unique local) address")
            } else if v6.is_multicast() {
                Some("a multicast address")
            } else if v6.segments()[..6] == [0, 0, 0, 0, 0, 0] {
                // IPv4-compatible (deprecated) addresses reach IPv4 hosts.
                forbidden_v4(Ipv4Addr::from(
                    ((v6.segments()[6] as u32) << 16) | v6.segments()[7] as u32,
                ))
                .or(Some("an IPv4-compatible address"))
            } else {
                None
            }
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, ..] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_private() {
        Some("a private address")
    } else if ip.is_link_local() {
        Some("a link-local address")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT) address")
    } else if ip.is_broadcast() || ip.is_multicast() || a >= 240 {
        Some("a broadcast, multicast or reserved address")
    } else if a == 198 && (18..20).contains(&b) {
        Some("a benchmarking address")
    } else {
        None
    }
}

/// A subscription URL as stored: `http(s)://host[:port]/path[?query]`, no credentials,
/// no fragment. Returns the host (lower-case, IPv6 without brackets) and port.
pub fn check_url(raw: &str) -> Result<(String, u16), String> {
    if raw.len() > 2048 {
        return Err("the URL is longer than 2048 characters".into());
    }
    let url = url::Url::parse(raw).map_err(|e| format!("not a valid URL: {e}"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("the URL must be http:// or https://".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL must not carry credentials; the signature authenticates us".into());
    }
    if url.fragment().is_some() {
        return Err("the URL must not have a fragment".into());
    }
    let host = match url.host() {
        Some(url::Host::Domain(d)) => d.to_ascii_lowercase(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => return Err("the URL has no host".into()),
    };
    let port = url
        .port_or_known_default()
        .ok_or_else(|| "the URL has no port".to_string())?;
    Ok((host, port))
}

/// Whether `host` (as [`check_url`] returns it) is named in the allowed list.
pub fn host_allowed(host: &str, allowed: &[String]) -> bool {
    let host = host.trim_end_matches('.');
    allowed
        .iter()
        .any(|a| a.trim_end_matches('.').eq_ignore_ascii_case(host))
}

/// The first address a delivery may go to, or why none may: every resolved address
/// is checked (a host that resolves to a public and a private address is refused, so
/// DNS answers cannot be played against the check), unless the host is allowed.
pub fn choose_address(
    host: &str,
    addresses: &[IpAddr],
    allowed: &[String],
) -> Result<IpAddr, String> {
    let first = *addresses
        .first()
        .ok_or_else(|| format!("{host} does not resolve to any address"))?;
    if host_allowed(host, allowed) {
        return Ok(first);
    }
    for ip in addresses {
        if let Some(why) = forbidden_address(*ip) {
            return Err(format!(
                "{host} resolves to {ip}, {why}; deliveries go to public addresses only \
                 (an operator can allow a host with SHORTLIST_WEBHOOK_ALLOWED_HOSTS)"
            ));
        }
    }
    Ok(first)
}

/// When to try again after a failed attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct RetrySchedule {
    /// The wait before retry 1, 2, …; after the last the delivery is failed.
    pub delays: Vec<Duration>,
    /// Each wait is scaled by a random factor in `1 ± jitter`, so that deliveries that
    /// failed together (a receiver's outage) do not all come back at one instant.
    pub jitter: f64,
}

impl Default for RetrySchedule {
    /// Exponential (×4 from 5 s) up to 10 h: 11 attempts over about 37.5 h, at least 30 h
    /// with the most unlucky jitter, so a receiver down for a whole day still gets
    /// everything.
    fn default() -> Self {
        let mut delays = Vec::new();
        let mut d = 5u64;
        while delays.len() < 10 {
            delays.push(Duration::from_secs(d.min(36_000)));
            d *= 4;
        }
        RetrySchedule {
            delays,
            jitter: 0.2,
        }
    }
}

impl RetrySchedule {
    /// `SHORTLIST_WEBHOOK_RETRY_SCHEDULE`: comma-separated seconds (e.g. `1,2,4`).
    pub fn parse(text: &str) -> Result<RetrySchedule, String> {
        let delays = text
            .split(',')
            .map(|s| {
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| format!("{s:?} is not a number of seconds"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        if delays.is_empty() {
            return Err("the retry schedule needs at least one delay".into());
        }
        Ok(RetrySchedule {
            delays,
            jitter: 0.2,
        })
    }

    /// The wait after attempt number `attempts` (1-based) failed, with `unit` a random
    /// number in [0, 1); `None` when that was the last attempt.
    pub fn next_delay(&self, attempts: usize, unit: f64) -> Option<Duration> {
        let base = self.delays.get(attempts.checked_sub(1)?)?;
        let factor = 1.0 + self.jitter * (2.0 * unit.clamp(0.0, 1.0) - 1.0);
        Some(base.mul_f64(factor.max(0.0)))
    }

    pub fn max_attempts(&self) -> usize {
        self.delays.len() + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn signature_matches_the_standard_webhooks_reference_vector() {
        // The test vector of the Standard Webhooks reference libraries.
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        assert_eq!(
            signature(
                &key,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330,
                br#"{"test": 2432232314}"#
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_rotation_signs_with_both_keys() {
        let header = signature_header(&[vec![1; 32], vec![2; 32]], "evt", 1, b"{}");
        let parts: Vec<_> = header.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert!(parts.iter().all(|p| p.starts_with("v1,")));
        assert_ne!(parts[0], parts[1]);
    }

    #[test]
    fn secrets_round_trip_and_bad_ones_are_refused() {
        let secret = new_secret(&[7; SECRET_BYTES]);
        assert!(secret.starts_with("whsec_"));
        assert_eq!(secret_key(&secret).unwrap(), vec![7; SECRET_BYTES]);
        assert!(secret_key("sk_abc").is_err());
        assert!(secret_key("whsec_***").is_err());
    }

    #[test]
    fn internal_addresses_are_forbidden() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(forbidden_address(ip).is_some(), "{ip} must be refused");
        }
        for ip in [
            "8.8.8.8",
            "81.2.69.160",
            "2a00:1450:4009::200e",
            "172.32.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert_eq!(forbidden_address(ip), None, "{ip} is public");
        }
    }

    #[test]
    fn urls_are_checked_for_shape() {
        assert_eq!(
            check_url("https://Portal.Example.gov.uk/hooks?x=1").unwrap(),
            ("portal.example.gov.uk".into(), 443)
        );
        assert_eq!(
            check_url("http://[::1]:8080/").unwrap(),
            ("::1".into(), 8080)
        );
        for bad in [
            "ftp://example.com/",
            "https://user:pw@example.com/",
            "https://example.com/#frag",
            "not a url",
            "file:///etc/passwd",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_address_is_chosen_only_when_every_answer_is_public_or_the_host_is_allowed() {
        let public: IpAddr = "81.2.69.160".parse().unwrap();
        let metadata: IpAddr = "169.254.169.254".parse().unwrap();
        assert_eq!(choose_address("hooks.example", &[public], &[]), Ok(public));
        let err = choose_address("hooks.example", &[public, metadata], &[]).unwrap_err();
        assert!(err.contains("link-local"), "{err}");
        assert!(choose_address("hooks.example", &[], &[]).is_err());
        let local: IpAddr = "127.0.0.1".parse().unwrap();
        assert_eq!(
            choose_address("127.0.0.1", &[local], &["127.0.0.1".into()]),
            Ok(local)
        );
        assert!(choose_address("127.0.0.1", &[local], &["localhost".into()]).is_err());
    }

    #[test]
    fn schedules_parse_from_seconds() {
        let s = RetrySchedule::parse("1, 0.5,2").unwrap();
        assert_eq!(s.max_attempts(), 4);
        assert_eq!(s.next_delay(2, 0.5), Some(Duration::from_millis(500)));
        assert_eq!(s.next_delay(4, 0.5), None);
        assert!(RetrySchedule::parse("").is_err());
        assert!(RetrySchedule::parse("1,-2").is_err());
    }

    proptest! {
        /// However the jitter falls, the default schedule keeps trying for at least
        /// 24 hours, and every wait stays within its ±20 %.
        #[test]
        fn default_schedule_spans_a_day_whatever_the_jitter(
            units in proptest::collection::vec(0.0f64..1.0, 10)
        ) {
            let s = RetrySchedule::default();
            let mut total = Duration::ZERO;
            for (i, u) in units.iter().enumerate() {
                let d = s.next_delay(i + 1, *u).unwrap();
                let base = s.delays[i];
                prop_assert!(d >= base.mul_f64(0.8) && d <= base.mul_f64(1.2));
                total += d;
            }
            prop_assert!(s.next_delay(units.len() + 1, 0.5).is_none());
            prop_assert!(total >= Duration::from_secs(24 * 3600));
        }

        /// Exponential: no wait is shorter than the one before it.
        #[test]
        fn default_delays_never_shrink(i in 1usize..10) {
            let s = RetrySchedule::default();
            prop_assert!(s.delays[i] >= s.delays[i - 1]);
        }
    }
}
