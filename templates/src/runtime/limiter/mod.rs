//! Pacing: how many requests this client may send, and when.
//!
//! HubSpot's rate limit belongs to the app, not to a process: every worker using the app's
//! token draws on the same budget. The client asks the [`Limiter`] for a [`Permit`] before
//! each send, hands the permit the `X-HubSpot-RateLimit-*` headers as soon as they arrive
//! (the send counts from then on), and tells the limiter about each 429 of the rolling
//! window.
//!
//! Two kinds sit behind that interface: `local.rs` paces each client on its own, adapting
//! its part of the app's budget to what HubSpot reports (the default); `shared.rs` keeps one
//! budget for every client that names the same store, a file on one machine (`file.rs`) or
//! a Redis key on any number (`redis.rs`, cargo feature `redis`).

mod file;
mod local;
#[cfg(feature = "redis")]
mod redis;
mod shared;
#[cfg(test)]
mod simulation;

use std::sync::Arc;
use std::time::Duration;

#[cfg(feature = "redis")]
use super::error::Error;
use super::response::{header_u64, ResponseHeaders};

pub use local::Window;
#[cfg(feature = "redis")]
pub use redis::RedisRateLimit;

/// The longest interval taken from HubSpot's headers: a larger one would stall the client.
pub const MAX_LEARNT_INTERVAL: Duration = Duration::from_secs(60);

/// What one answer said about the rate limit (`X-HubSpot-RateLimit-Max`,
/// `-Interval-Milliseconds` and `-Remaining`); each is `None` when not sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimitHeaders {
    pub max: Option<u64>,
    pub interval: Option<Duration>,
    /// What is left of the app's budget in the current window, across all its clients.
    pub remaining: Option<u64>,
}

impl RateLimitHeaders {
    /// Reads them from an answer's headers.
    pub fn read<H: ResponseHeaders + ?Sized>(headers: &H) -> Self {
        RateLimitHeaders {
            max: header_u64(headers, "x-hubspot-ratelimit-max"),
            interval: header_u64(headers, "x-hubspot-ratelimit-interval-milliseconds")
                .map(Duration::from_millis),
            remaining: header_u64(headers, "x-hubspot-ratelimit-remaining"),
        }
    }

    /// The limit, when both of its headers were sent (the interval at most
    /// [`MAX_LEARNT_INTERVAL`]).
    pub fn window(&self) -> Option<Window> {
        match (self.max, self.interval) {
            (Some(max), Some(interval)) if !interval.is_zero() => Some(Window {
                max: u32::try_from(max).unwrap_or(u32::MAX).max(1),
                interval: interval.min(MAX_LEARNT_INTERVAL),
            }),
            _ => None,
        }
    }
}

/// Decides when the client may send. Shared by a client's clones.
#[derive(Debug)]
pub struct Limiter {
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Local(local::LocalLimiter),
    Shared(Arc<shared::SharedBudget>),
}

/// A counted send. Dropping it unanswered (the request failed, or was abandoned) makes the
/// send count from that moment on (in a shared budget that cannot be reached at once, until
/// its lease ends).
#[derive(Debug)]
pub struct Permit {
    kind: PermitKind,
}

#[derive(Debug)]
enum PermitKind {
    Local(local::LocalPermit),
    Shared(shared::SharedPermit),
}

impl Permit {
    /// The answer's headers arrived, saying this about the limit: the send counts from now.
    /// A shared permit's report has reached its store (or timed out) when this returns, so
    /// it is not lost if the process ends right after.
    pub async fn answered(self, headers: &RateLimitHeaders) {
        match self.kind {
            PermitKind::Local(permit) => permit.answered(headers),
            PermitKind::Shared(permit) => permit.report(headers).await,
        }
    }
}

impl Limiter {
    /// Paces this client alone. `ceiling` is a limit the user set: HubSpot's headers can
    /// lower it but never raise it. With `adaptive`, the client adopts the limit the headers
    /// report and adapts its places in it to `-Remaining` and 429s; without, it keeps to
    /// `ceiling` only.
    pub fn local(ceiling: Option<Window>, adaptive: bool) -> Self {
        Limiter {
            kind: Kind::Local(local::LocalLimiter::new(ceiling, adaptive)),
        }
    }

    /// Shares one budget with every client on this machine using the same file; paces
    /// locally while the file cannot be used. `lease` is how long a send counts at most when
    /// its client never reports its answer (it died).
    pub fn file(
        path: std::path::PathBuf,
        ceiling: Option<Window>,
        adaptive: bool,
        lease: Duration,
    ) -> Self {
        let store = Box::new(file::FileStore::new(path));
        Limiter::shared(store, ceiling, adaptive, lease)
    }

    /// Shares one budget with every client using the same Redis and key; paces locally
    /// while Redis cannot be reached. `lease` is as for [`file`](Self::file).
    #[cfg(feature = "redis")]
    pub fn redis(
        config: RedisRateLimit,
        ceiling: Option<Window>,
        adaptive: bool,
        lease: Duration,
    ) -> Result<Self, Error> {
        let store = Box::new(redis::RedisStore::new(config)?);
        Ok(Limiter::shared(store, ceiling, adaptive, lease))
    }

    fn shared(
        store: Box<dyn shared::Store>,
        ceiling: Option<Window>,
        adaptive: bool,
        lease: Duration,
    ) -> Self {
        let budget = shared::SharedBudget::new(store, ceiling, adaptive, lease);
        Limiter {
            kind: Kind::Shared(Arc::new(budget)),
        }
    }

    /// Waits until a request may be sent, and counts it as in flight until the permit is
    /// answered or dropped.
    pub async fn acquire(&self) -> Permit {
        let kind = match &self.kind {
            Kind::Local(local) => PermitKind::Local(local.acquire().await),
            Kind::Shared(budget) => budget.acquire().await,
        };
        Permit { kind }
    }

    /// A 429 of the rolling window: this client sends too much.
    pub fn rate_limited(&self) {
        match &self.kind {
            Kind::Local(local) => local.rate_limited(),
            Kind::Shared(budget) => budget.rate_limited(),
        }
    }

    /// The limit in force: the one HubSpot reported, else the one configured.
    pub fn limit(&self) -> Option<Window> {
        match &self.kind {
            Kind::Local(local) => local.limit(),
            Kind::Shared(budget) => budget.limit(),
        }
    }
}
