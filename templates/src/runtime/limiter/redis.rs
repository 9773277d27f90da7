//! The store of a budget shared through Redis by every client that uses the same key, on
//! any number of machines (see `shared.rs` for the rule and the engine around it): one
//! atomic Lua script admits each send and reports each answer, so no two clients take the
//! same place. Times are Redis's own clock, so the machines' clocks do not matter.
//!
//! Redis unreachable, or slower than the timeout, makes the store unavailable, and the
//! client paces itself meanwhile.

use std::fmt;
use std::time::Duration;

use redis::aio::MultiplexedConnection;
use redis::{AsyncConnectionConfig, Script};

use super::super::error::Error;
use super::shared::{
    micros, Admission, Admit, Member, Store, StoreFuture, Unavailable, IN_FLIGHT_RECHECK,
    MIN_HORIZON,
};
use super::Window;

/// Where the shared budget lives: a Redis URL (`redis://host:port/db`) and a key that every
/// client of one HubSpot app uses.
#[derive(Clone)]
pub struct RedisRateLimit {
    url: String,
    key: String,
    timeout: Duration,
}

impl RedisRateLimit {
    pub fn new(url: impl Into<String>, key: impl Into<String>) -> Self {
        RedisRateLimit {
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

impl RedisRateLimit {
    /// The same Redis, with a key of its own for the searches' budget.
    pub(crate) fn for_searches(&self) -> Self {
        RedisRateLimit {
            key: format!("{}:search", self.key),
            ..self.clone()
        }
    }
}

impl fmt::Debug for RedisRateLimit {
    // The URL may carry a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisRateLimit")
            .field("key", &self.key)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Sends are members of a sorted set (`{key}:sends`) scored by when they count from, in
/// microseconds; a send in flight is scored at the end of its lease. The limit learnt from
/// HubSpot is a hash (`{key}:limit`), written by the report of each answer that carries it,
/// in the same call, so no admission in between misses it. The rule is `shared.rs`'s, as
/// `file.rs`'s `Budget::admit` writes it; `shared.rs`'s tests hold the two to the same cases.
///
/// `ARGV[1]` is the operation, `ARGV[2]` a fixed time (tests) or empty for Redis's clock,
/// `ARGV[3]` the member. `release`: the limit learnt (`max`, `interval`; 0 for none).
/// `admit`: the ceiling (`max`, `interval`; 0 for none), the lease and the recheck delay.
/// Returns `{1, 0}` when admitted, else `{0, wait_us}`.
const SCRIPT: &str = r#"
local now
if ARGV[2] ~= '' then
  now = tonumber(ARGV[2])
else
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local function num(x) return string.format('%.0f', x) end
local sends, limit, op, member = KEYS[1], KEYS[2], ARGV[1], ARGV[3]
if op == 'release' then
  redis.call('ZADD', sends, 'XX', num(now), member)
  if tonumber(ARGV[4]) > 0 and tonumber(ARGV[5]) > 0 then
    redis.call('HSET', limit, 'max', ARGV[4], 'interval', ARGV[5])
    redis.call('PEXPIRE', limit, 86400000)
  end
  return {1, 0}
end
local windows = {}
local cmax, cint, lease, recheck = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
if cmax > 0 then windows[#windows + 1] = {cmax, cint} end
local learnt = redis.call('HMGET', limit, 'max', 'interval')
if learnt[1] and learnt[2] then
  windows[#windows + 1] = {tonumber(learnt[1]), tonumber(learnt[2])}
end
local horizon = tonumber(ARGV[8])
for _, w in ipairs(windows) do
  if w[2] > horizon then horizon = w[2] end
end
redis.call('ZREMRANGEBYSCORE', sends, '-inf', num(now - horizon))
-- No send counts past this client's lease (another's longer one, a clock gone back).
local latest = now + lease
for _, m in ipairs(redis.call('ZRANGEBYSCORE', sends, '(' .. num(latest), '+inf')) do
  redis.call('ZADD', sends, 'XX', num(latest), m)
end
local wait = 0
if #windows == 0 then
  if redis.call('ZCOUNT', sends, '(' .. num(now), '+inf') > 0 then wait = recheck end
end
for _, w in ipairs(windows) do
  local max, span = w[1], w[2]
  local from = '(' .. num(now - span)
  local count = redis.call('ZCOUNT', sends, from, '+inf')
  if count >= max then
    local leaving = redis.call('ZRANGEBYSCORE', sends, from, '+inf', 'WITHSCORES', 'LIMIT', count - max, 1)
    local at = tonumber(leaving[2])
    local this = at + span - now
    if at > now then this = math.min(math.floor(span / max), recheck) end
    if this > wait then wait = this end
  end
end
if wait > 0 then return {0, math.max(1000, math.floor(wait))} end
redis.call('ZADD', sends, num(latest), member)
redis.call('PEXPIRE', sends, math.floor((horizon + lease) / 1000) + 1000)
return {1, 0}
"#;

/// A Redis key's budget, over one multiplexed connection made when first needed and again
/// after a failure.
pub(super) struct RedisStore {
    client: redis::Client,
    script: Script,
    key: String,
    sends_key: String,
    limit_key: String,
    timeout: Duration,
    connection: tokio::sync::Mutex<Option<MultiplexedConnection>>,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    pub(super) fn new(config: RedisRateLimit) -> Result<Self, Error> {
        let client = redis::Client::open(config.url.as_str())
            .map_err(|e| Error::Config(format!("shared rate limit: not a Redis URL: {e}")))?;
        if config.key.is_empty() {
            return Err(Error::Config(
                "shared rate limit: the Redis key is empty".to_owned(),
            ));
        }
        Ok(RedisStore {
            client,
            script: Script::new(SCRIPT),
            sends_key: format!("{}:sends", config.key),
            limit_key: format!("{}:limit", config.key),
            key: config.key,
            timeout: config.timeout,
            connection: tokio::sync::Mutex::new(None),
        })
    }

    /// The connection, connecting first if there is none.
    async fn connection(&self) -> Result<MultiplexedConnection, Unavailable> {
        let mut slot = self.connection.lock().await;
        if let Some(connection) = &*slot {
            return Ok(connection.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.timeout))
            .set_response_timeout(Some(self.timeout));
        let connecting = self
            .client
            .get_multiplexed_async_connection_with_config(&config);
        match tokio::time::timeout(self.timeout, connecting).await {
            Ok(Ok(connection)) => {
                *slot = Some(connection.clone());
                Ok(connection)
            }
            Ok(Err(e)) => Err(Unavailable(e.to_string())),
            Err(_) => Err(Unavailable("no connection within the timeout".to_owned())),
        }
    }

    /// Runs the script with `args` after the operation and time; a failure drops the
    /// connection, so the next use connects again.
    async fn call(
        &self,
        operation: &str,
        at: Option<u64>,
        args: &[String],
    ) -> Result<(i64, i64), Unavailable> {
        let mut connection = self.connection().await?;
        let mut call = self.script.prepare_invoke();
        call.key(&self.sends_key)
            .key(&self.limit_key)
            .arg(operation)
            .arg(at.map_or_else(String::new, |at| at.to_string()));
        for arg in args {
            call.arg(arg);
        }
        let answer = tokio::time::timeout(
            self.timeout,
            call.invoke_async::<(i64, i64)>(&mut connection),
        )
        .await;
        let failure = match answer {
            Ok(Ok(answer)) => return Ok(answer),
            Ok(Err(e)) => e.to_string(),
            Err(_) => "no answer within the timeout".to_owned(),
        };
        *self.connection.lock().await = None;
        Err(Unavailable(failure))
    }
}

impl Store for RedisStore {
    fn kind(&self) -> &'static str {
        "Redis rate limit"
    }

    fn place(&self) -> String {
        self.key.clone()
    }

    fn admit(&self, send: Admit) -> StoreFuture<'_, Admission> {
        Box::pin(async move {
            let (max, interval) = send.ceiling.map_or((0, 0), |w| (w.max, micros(w.interval)));
            let args = [
                format!("{:x}", send.member),
                max.to_string(),
                interval.to_string(),
                micros(send.lease).to_string(),
                micros(IN_FLIGHT_RECHECK).to_string(),
                micros(MIN_HORIZON).to_string(),
            ];
            match self.call("admit", send.at, &args).await? {
                (1, _) => Ok(Admission::Admitted),
                (_, wait) => Ok(Admission::Wait(Duration::from_micros(
                    u64::try_from(wait).unwrap_or(1000),
                ))),
            }
        })
    }

    fn release(
        &self,
        member: Member,
        learnt: Option<Window>,
        at: Option<u64>,
    ) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let (max, interval) = learnt.map_or((0, 0), |w| (w.max, micros(w.interval)));
            let args = [format!("{member:x}"), max.to_string(), interval.to_string()];
            self.call("release", at, &args).await.map(|_| ())
        })
    }
}
