//! One budget shared through Redis by every client that uses the same key, on any number of
//! machines: each send is admitted by one atomic Lua script, so no two clients can take the
//! same place. The budget is the limit HubSpot reports (any client that learns it from an
//! answer's headers writes it for all) under the ceiling each client was configured with.
//!
//! As in the local limiter, a send counts from when it is admitted until its client reports
//! the answer, and then for a whole interval from that moment; times are Redis's own clock,
//! so the machines' clocks do not matter. A send whose client never reports (it died) counts
//! until its lease ends. Until a limit is known, one send at a time goes out, across all
//! clients.
//!
//! Redis never fails a request: when it cannot be reached or does not answer within the
//! timeout, the client paces itself locally (see `local.rs`) with a warning, and tries Redis
//! again a few seconds later.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Script};
use tokio::time::Instant;

use super::local::{LocalLimiter, LocalPermit};
use super::{
    micros, Error, PermitKind, RateLimitHeaders, Window, IN_FLIGHT_RECHECK, RETRY_SHARED_AFTER,
};

/// Where the shared budget lives: a Redis URL (`redis://host:port/db`) and a key that every
/// client of one HubSpot app uses.
#[derive(Clone)]
pub struct SharedRateLimit {
    url: String,
    key: String,
    timeout: Duration,
}

impl SharedRateLimit {
    pub fn new(url: impl Into<String>, key: impl Into<String>) -> Self {
        SharedRateLimit {
            url: url.into(),
            key: key.into(),
            timeout: Duration::from_millis(500),
        }
    }

    /// How long to wait for Redis (connecting, or one script call) before pacing locally
    /// instead; 500 ms by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl fmt::Debug for SharedRateLimit {
    // The URL may carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedRateLimit")
            .field("key", &self.key)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Sends are members of a sorted set (`{key}:sends`) scored by when they count from, in
/// microseconds; a send in flight is scored at the end of its lease. The limit learnt from
/// HubSpot is a hash (`{key}:limit`), written by the report of each answer that carries it,
/// in the same call, so no admission in between misses it. Returns `{1, 0}` when admitted,
/// else `{0, wait_us}`.
const SCRIPT: &str = r#"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function num(x) return string.format('%.0f', x) end
local sends, limit, op = KEYS[1], KEYS[2], ARGV[1]
if op == 'release' then
  redis.call('ZADD', sends, 'XX', num(now), ARGV[2])
  if tonumber(ARGV[3]) > 0 and tonumber(ARGV[4]) > 0 then
    redis.call('HSET', limit, 'max', ARGV[3], 'interval', ARGV[4])
    redis.call('PEXPIRE', limit, 86400000)
  end
  return {1, 0}
end
local windows = {}
local cmax, cint, lease = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if cmax > 0 then windows[#windows + 1] = {cmax, cint} end
local learnt = redis.call('HMGET', limit, 'max', 'interval')
if learnt[1] and learnt[2] then
  windows[#windows + 1] = {tonumber(learnt[1]), tonumber(learnt[2])}
end
local horizon = 60000000
for _, w in ipairs(windows) do
  if w[2] > horizon then horizon = w[2] end
end
redis.call('ZREMRANGEBYSCORE', sends, '-inf', num(now - horizon))
local wait = 0
if #windows == 0 then
  if redis.call('ZCOUNT', sends, '(' .. num(now), '+inf') > 0 then wait = tonumber(ARGV[6]) end
end
for _, w in ipairs(windows) do
  local max, span = w[1], w[2]
  local from = '(' .. num(now - span)
  local count = redis.call('ZCOUNT', sends, from, '+inf')
  if count >= max then
    local leaving = redis.call('ZRANGEBYSCORE', sends, from, '+inf', 'WITHSCORES', 'LIMIT', count - max, 1)
    local at = tonumber(leaving[2])
    local this = at + span - now
    if at > now then this = math.min(math.floor(span / max), tonumber(ARGV[6])) end
    if this > wait then wait = this end
  end
end
if wait > 0 then return {0, math.max(1000, math.floor(wait))} end
redis.call('ZADD', sends, num(now + lease), ARGV[2])
redis.call('PEXPIRE', sends, math.floor((horizon + lease) / 1000) + 1000)
return {1, 0}
"#;

pub(super) struct RedisLimiter {
    client: redis::Client,
    script: Script,
    sends_key: String,
    limit_key: String,
    timeout: Duration,
    lease: Duration,
    ceiling: Option<Window>,
    adaptive: bool,
    /// Paces while Redis is away, and keeps the limit learnt from headers.
    local: LocalLimiter,
    link: tokio::sync::Mutex<Link>,
    /// Members are unique across clients: a random prefix and a counter.
    member_prefix: u64,
    next_member: AtomicU64,
}

#[derive(Default)]
struct Link {
    connection: Option<MultiplexedConnection>,
    down_until: Option<Instant>,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("key", &self.sends_key)
            .field("ceiling", &self.ceiling)
            .finish_non_exhaustive()
    }
}

/// A send admitted by Redis; dropping it unanswered reports it as answered then.
pub(super) struct SharedPermit {
    member: String,
    limiter: Arc<RedisLimiter>,
    connection: MultiplexedConnection,
}

impl fmt::Debug for SharedPermit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SharedPermit")
            .field("member", &self.member)
            .finish_non_exhaustive()
    }
}

impl SharedPermit {
    /// Tells Redis the send was answered, so it counts from now, and writes the limit the
    /// answer reports for every client.
    pub(super) async fn report(mut self, headers: &RateLimitHeaders) {
        let member = std::mem::take(&mut self.member);
        self.limiter.local.learn(headers);
        let learnt = headers.window().filter(|_| self.limiter.adaptive);
        release(&self.limiter, member, learnt, self.connection.clone()).await;
    }
}

impl Drop for SharedPermit {
    fn drop(&mut self) {
        if self.member.is_empty() {
            return; // Reported already.
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to report on: the send counts until its lease ends.
            return;
        };
        let member = std::mem::take(&mut self.member);
        runtime.spawn(release(
            &self.limiter,
            member,
            None,
            self.connection.clone(),
        ));
    }
}

fn release(
    limiter: &Arc<RedisLimiter>,
    member: String,
    learnt: Option<Window>,
    mut connection: MultiplexedConnection,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let limiter = limiter.clone();
    async move {
        let (max, interval) = learnt.map_or((0, 0), |w| (w.max, micros(w.interval)));
        let mut call = limiter.script.prepare_invoke();
        call.key(&limiter.sends_key)
            .key(&limiter.limit_key)
            .arg("release")
            .arg(member)
            .arg(max)
            .arg(interval);
        let released = tokio::time::timeout(
            limiter.timeout,
            call.invoke_async::<(i64, i64)>(&mut connection),
        )
        .await;
        if !matches!(released, Ok(Ok(_))) {
            tracing::debug!(key = %limiter.sends_key, "could not report an answer to Redis; the send counts until its lease ends");
        }
    }
}

impl RedisLimiter {
    pub(super) fn new(
        config: SharedRateLimit,
        ceiling: Option<Window>,
        adaptive: bool,
        lease: Duration,
    ) -> Result<Self, Error> {
        let client = redis::Client::open(config.url.as_str())
            .map_err(|e| Error::Config(format!("shared rate limit: not a Redis URL: {e}")))?;
        if config.key.is_empty() {
            return Err(Error::Config(
                "shared rate limit: the Redis key is empty".to_owned(),
            ));
        }
        Ok(RedisLimiter {
            client,
            script: Script::new(SCRIPT),
            sends_key: format!("{}:sends", config.key),
            limit_key: format!("{}:limit", config.key),
            timeout: config.timeout,
            lease,
            ceiling,
            adaptive,
            local: LocalLimiter::new(ceiling, adaptive),
            link: tokio::sync::Mutex::new(Link::default()),
            member_prefix: fastrand::u64(..),
            next_member: AtomicU64::new(0),
        })
    }

    /// The connection, connecting if needed; `None` while Redis is away.
    async fn connection(&self) -> Option<MultiplexedConnection> {
        let mut link = self.link.lock().await;
        if let Some(connection) = &link.connection {
            return Some(connection.clone());
        }
        if link.down_until.is_some_and(|until| Instant::now() < until) {
            return None;
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        let connecting = self
            .client
            .get_multiplexed_async_connection_with_config(&config);
        match tokio::time::timeout(self.timeout, connecting).await {
            Ok(Ok(connection)) => {
                if link.down_until.take().is_some() {
                    tracing::info!(key = %self.sends_key, "Redis is back: sharing the rate limit again");
                }
                link.connection = Some(connection.clone());
                Some(connection)
            }
            Ok(Err(e)) => {
                self.went_away(&mut link, &e.to_string());
                None
            }
            Err(_) => {
                self.went_away(&mut link, "no connection within the timeout");
                None
            }
        }
    }

    fn went_away(&self, link: &mut Link, reason: &str) {
        link.connection = None;
        link.down_until = Some(Instant::now() + RETRY_SHARED_AFTER);
        tracing::warn!(
            key = %self.sends_key,
            reason,
            retry_in_s = RETRY_SHARED_AFTER.as_secs(),
            "Redis rate limit unavailable: pacing this client on its own"
        );
    }

    async fn fail(&self, reason: &str) {
        let mut link = self.link.lock().await;
        if link.connection.is_some() {
            self.went_away(&mut link, reason);
        }
    }

    fn member(&self) -> String {
        let n = self.next_member.fetch_add(1, Ordering::Relaxed);
        format!("{:016x}-{n}", self.member_prefix)
    }

    pub(super) async fn acquire(self: &Arc<Self>) -> PermitKind {
        let (ceiling_max, ceiling_interval) =
            self.ceiling.map_or((0, 0), |w| (w.max, micros(w.interval)));
        loop {
            let Some(mut connection) = self.connection().await else {
                return self.local_permit().await;
            };
            let member = self.member();
            let mut call = self.script.prepare_invoke();
            call.key(&self.sends_key)
                .key(&self.limit_key)
                .arg("acquire")
                .arg(&member)
                .arg(ceiling_max)
                .arg(ceiling_interval)
                .arg(micros(self.lease))
                .arg(micros(IN_FLIGHT_RECHECK));
            let answer = tokio::time::timeout(
                self.timeout,
                call.invoke_async::<(i64, i64)>(&mut connection),
            )
            .await;
            match answer {
                Ok(Ok((1, _))) => {
                    return PermitKind::Shared(SharedPermit {
                        member,
                        limiter: self.clone(),
                        connection,
                    })
                }
                Ok(Ok((_, wait))) => {
                    let wait = Duration::from_micros(u64::try_from(wait).unwrap_or(1000));
                    tokio::time::sleep(wait).await;
                }
                Ok(Err(e)) => {
                    self.fail(&e.to_string()).await;
                    return self.local_permit().await;
                }
                Err(_) => {
                    self.fail("no answer within the timeout").await;
                    return self.local_permit().await;
                }
            }
        }
    }

    async fn local_permit(&self) -> PermitKind {
        let permit: LocalPermit = self.local.acquire().await;
        PermitKind::Local(permit)
    }

    pub(super) fn rate_limited(&self) {
        // Only local pacing adapts; the shared budget is HubSpot's own limit.
        self.local.rate_limited();
    }

    pub(super) fn limit(&self) -> Option<Window> {
        self.local.limit()
    }
}
