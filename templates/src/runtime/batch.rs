//! Any number of inputs through a batch endpoint: cut into requests as large as the
//! operation takes, sent with bounded concurrency, a request refused as too large split
//! again, and every input accounted for; all at once (`batch`) or chunk by chunk as answers
//! arrive (`batch_stream`), in memory bounded by the chunks in flight.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;

use futures_util::stream::{self, Stream, StreamExt};

use super::attribution::{attribute, Attribution, Verdict};
use super::client::Client;
use super::error::Error;
use super::model::{BatchOutput, ContinueFrom, ObjectIds, PagedResult};
use super::request::Request;

/// What happened to a batch: every input is either covered by `results` or listed in
/// `failures`.
#[derive(Debug)]
pub struct BatchReport<I, R> {
    /// Results of all requests, in no particular order.
    pub results: Vec<R>,
    /// Inputs that did not go through, each with the reason.
    pub failures: Vec<BatchFailure<I>>,
    /// Inputs that went through.
    pub succeeded: usize,
    /// Requests sent (not counting retries).
    pub requests: usize,
}

impl<I, R> BatchReport<I, R> {
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty()
    }
}

/// One input that did not go through.
#[derive(Debug)]
pub struct BatchFailure<I> {
    pub input: I,
    pub reason: FailureReason,
}

#[derive(Debug, Clone)]
pub enum FailureReason {
    /// The whole request failed (after retries); shared by all inputs it carried.
    Request(Arc<Error>),
    /// HubSpot rejected this input: the error object from the batch response that names
    /// the input's own record (see [`ObjectIds::own_id`]).
    Rejected(serde_json::Value),
    /// HubSpot returned no result for this input, and its errors do not tell whether (or
    /// which of them) this input is what they are about: these are the errors that could be.
    Unattributed(Vec<serde_json::Value>),
    /// HubSpot returned neither a result nor an error for this input.
    Missing,
}

impl<I> BatchFailure<I> {
    /// Whether HubSpot may have applied this input although it is listed as failed; see
    /// [`FailureReason::may_have_been_applied`].
    pub fn may_have_been_applied(&self) -> bool {
        self.reason.may_have_been_applied()
    }
}

impl FailureReason {
    /// Whether the input may have taken effect: its request broke or timed out after being
    /// sent, or HubSpot answered without saying what became of it. `false` when nothing was
    /// sent or HubSpot rejected it; such an input can be sent again as it is.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            FailureReason::Request(error) => error.may_have_been_applied(),
            FailureReason::Rejected(_) => false,
            FailureReason::Unattributed(_) | FailureReason::Missing => true,
        }
    }
}

/// What became of the inputs of one chunk: those that went through, those that did not (each
/// with its reason), and the results HubSpot returned. [`Client::batch_stream`] yields one for
/// each chunk as its answer arrives.
#[derive(Debug)]
pub struct BatchChunk<I, R> {
    pub succeeded: Vec<I>,
    pub failures: Vec<BatchFailure<I>>,
    pub results: Vec<R>,
    /// Requests sent for it (more than one when HubSpot refused it as too large and it was
    /// split), not counting retries.
    pub requests: usize,
}

impl<I, R> Default for BatchChunk<I, R> {
    fn default() -> Self {
        BatchChunk {
            succeeded: Vec::new(),
            failures: Vec::new(),
            results: Vec::new(),
            requests: 0,
        }
    }
}

impl Client {
    /// Sends `inputs` through a batch endpoint and reports on all of them at the end.
    /// `request` builds one request from a chunk of inputs; see
    /// [`batch_stream`](Self::batch_stream) for how chunks are cut and sent, and for inputs
    /// too many to hold, or their results, in memory at once.
    pub async fn batch<I, O, F>(&self, inputs: Vec<I>, request: F) -> BatchReport<I, O::Item>
    where
        I: ObjectIds,
        O: BatchOutput,
        O::Item: ObjectIds,
        F: Fn(&[I]) -> Request<O>,
    {
        let mut report = BatchReport {
            results: Vec::new(),
            failures: Vec::new(),
            succeeded: 0,
            requests: 0,
        };
        let mut chunks = std::pin::pin!(self.batch_stream(stream::iter(inputs), request));
        while let Some(chunk) = chunks.next().await {
            report.succeeded += chunk.succeeded.len();
            report.failures.extend(chunk.failures);
            report.results.extend(chunk.results);
            report.requests += chunk.requests;
        }
        report
    }

    /// Sends the inputs of any stream (`futures_util::stream::iter` makes one of an
    /// iterator) through a batch endpoint, and yields what became of each chunk as its
    /// answer arrives. Only the chunks in flight are held, so memory stays flat however many
    /// inputs there are.
    ///
    /// Chunks hold as many inputs as the operation takes ([`Request::max_inputs`], which
    /// generated functions declare from HubSpot's limits; 100 when a request declares none),
    /// at most [`batch_size`](super::ClientBuilder::batch_size), and are sent
    /// [`batch_concurrency`](super::ClientBuilder::batch_concurrency) at a time. A chunk
    /// HubSpot refuses as too large (400 `VALIDATION_ERROR` stating the maximum; nothing of
    /// it was applied) is split to the stated size and sent again, and the client keeps
    /// that limit for the operation from then on, with one warning: no input fails for that.
    pub fn batch_stream<'a, I, O, F, S>(
        &'a self,
        inputs: S,
        request: F,
    ) -> impl Stream<Item = BatchChunk<I, O::Item>> + 'a
    where
        S: Stream<Item = I> + 'a,
        I: ObjectIds + 'a,
        O: BatchOutput + 'a,
        O::Item: ObjectIds,
        F: Fn(&[I]) -> Request<O> + 'a,
    {
        let request = Arc::new(request);
        let chunker = Chunker {
            client: self,
            inputs: Box::pin(inputs),
            request: request.clone(),
            operation: None,
        };
        stream::unfold(chunker, Chunker::next)
            .map(move |chunk| send_chunk(self, request.clone(), chunk))
            .buffer_unordered(self.batch_concurrency())
    }
}

/// Cuts inputs into chunks as large as the operation takes, looked up for each chunk, so a
/// limit learnt from a refusal applies to the chunks cut after it.
struct Chunker<'a, F, S> {
    client: &'a Client,
    inputs: std::pin::Pin<Box<S>>,
    request: Arc<F>,
    /// The operation's name and declared limit, from a request for the first input.
    operation: Option<(&'static str, Option<usize>)>,
}

impl<'a, I, O, F, S> Chunker<'a, F, S>
where
    S: Stream<Item = I>,
    F: Fn(&[I]) -> Request<O>,
{
    async fn next(mut self) -> Option<(Vec<I>, Self)> {
        let first = self.inputs.next().await?;
        let (operation, declared) = *self.operation.get_or_insert_with(|| {
            let probe = (self.request)(std::slice::from_ref(&first));
            (probe.operation(), probe.max_inputs())
        });
        let size = self.client.batch_limit(operation, declared);
        let mut chunk = Vec::with_capacity(size.min(1024));
        chunk.push(first);
        while chunk.len() < size {
            match self.inputs.next().await {
                Some(input) => chunk.push(input),
                None => break,
            }
        }
        Some((chunk, self))
    }
}

/// Sends one chunk, splitting it (and its parts) to the size HubSpot states when it refuses
/// one as too large, and decides for each input whether it went through.
async fn send_chunk<I, O, F>(
    client: &Client,
    request: Arc<F>,
    chunk: Vec<I>,
) -> BatchChunk<I, O::Item>
where
    I: ObjectIds,
    O: BatchOutput,
    O::Item: ObjectIds,
    F: Fn(&[I]) -> Request<O>,
{
    let mut out = BatchChunk::default();
    let mut pieces = VecDeque::from([chunk]);
    while let Some(piece) = pieces.pop_front() {
        let sent = request(&piece);
        out.requests += 1;
        match client.send(&sent).await {
            Ok(output) => {
                let (results, errors) = output.into_parts();
                account(piece, &results, &errors, &mut out);
                out.results.extend(results);
            }
            Err(error) => match size_refusal(&error).filter(|max| *max < piece.len()) {
                Some(max) => {
                    client.learn_batch_limit(sent.operation(), max, piece.len());
                    let mut rest = piece.into_iter();
                    let mut parts = Vec::new();
                    loop {
                        let part: Vec<I> = rest.by_ref().take(max).collect();
                        if part.is_empty() {
                            break;
                        }
                        parts.push(part);
                    }
                    for part in parts.into_iter().rev() {
                        pieces.push_front(part);
                    }
                }
                None => {
                    let error = Arc::new(error);
                    out.failures
                        .extend(piece.into_iter().map(|input| BatchFailure {
                            input,
                            reason: FailureReason::Request(error.clone()),
                        }));
                }
            },
        }
    }
    out
}

/// The most inputs HubSpot says a batch request takes, when it refused one for its size:
/// 400 `VALIDATION_ERROR`, `The maximum number of inputs supported in a batch request [for
/// property histories] is 50. Please reduce ...`.
fn size_refusal(error: &Error) -> Option<usize> {
    let Error::Api(api) = error else {
        return None;
    };
    if api.status != 400
        || api
            .category
            .as_deref()
            .is_some_and(|c| c != "VALIDATION_ERROR")
    {
        return None;
    }
    const PHRASE: &str = "maximum number of inputs";
    let message = api.message.to_ascii_lowercase();
    let rest = &message[message.find(PHRASE)? + PHRASE.len()..];
    let digits: String = rest
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .filter(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|max| *max > 0)
}

/// Rounds of follow-up requests `batch_all_pages` makes at most, so a server that keeps
/// answering with cursors cannot keep it busy forever.
const MAX_PAGE_ROUNDS: usize = 1000;

impl Client {
    /// Like [`batch`](Client::batch), and then, for every result that has more pages,
    /// requests the rest (the input with `after` set) and merges them into that result.
    /// Inputs whose later pages fail are listed in `failures`; their result keeps the pages
    /// that arrived.
    pub async fn batch_all_pages<I, O, F>(
        &self,
        inputs: Vec<I>,
        request: F,
    ) -> BatchReport<I, O::Item>
    where
        I: ObjectIds + ContinueFrom + Clone,
        O: BatchOutput,
        O::Item: ObjectIds + PagedResult,
        F: Fn(&[I]) -> Request<O>,
    {
        let originals: HashMap<String, I> = inputs
            .iter()
            .filter_map(|input| {
                input
                    .object_ids()
                    .first()
                    .map(|id| ((*id).to_owned(), input.clone()))
            })
            .collect();
        let mut report = self.batch(inputs, &request).await;
        let first_id = |result: &O::Item| result.object_ids().first().map(|id| (*id).to_owned());
        let index: HashMap<String, usize> = report
            .results
            .iter()
            .enumerate()
            .filter_map(|(i, r)| first_id(r).map(|id| (id, i)))
            .collect();
        let mut cursors: HashMap<String, String> = HashMap::new();
        for _ in 0..MAX_PAGE_ROUNDS {
            let mut follow_ups = Vec::new();
            for result in &report.results {
                let (Some(after), Some(id)) = (result.next_after(), first_id(result)) else {
                    continue;
                };
                // A cursor that repeats would page forever.
                if cursors.get(&id) == Some(&after) {
                    continue;
                }
                if let Some(input) = originals.get(&id) {
                    follow_ups.push(input.continue_from(after.clone()));
                    cursors.insert(id, after);
                }
            }
            if follow_ups.is_empty() {
                break;
            }
            let later = self.batch(follow_ups, &request).await;
            report.requests += later.requests;
            // An input whose later pages failed counts as failed, not as through.
            report.succeeded = report.succeeded.saturating_sub(later.failures.len());
            report.failures.extend(later.failures);
            for page in later.results {
                if let Some(&i) = first_id(&page).and_then(|id| index.get(&id)) {
                    report.results[i].merge(page);
                }
            }
        }
        report
    }
}

/// Decides for each input of one answered request whether it went through.
fn account<I: ObjectIds, R: ObjectIds>(
    chunk: Vec<I>,
    results: &[R],
    errors: &[serde_json::Value],
    report: &mut BatchChunk<I, R>,
) {
    if results.is_empty() && errors.is_empty() {
        // Endpoints that answer without a body (204) report nothing per input: all went through.
        report.succeeded.extend(chunk);
        return;
    }
    // A result answers the input whose first id is its first id (the source record) and whose
    // other ids it also names; an id that only appears further in (a target) matches nothing.
    let mut result_ids: Vec<HashSet<&str>> = Vec::with_capacity(results.len());
    let mut by_first_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, result) in results.iter().enumerate() {
        let ids = result.object_ids();
        if let Some(first) = ids.first() {
            by_first_id.entry(first).or_default().push(i);
        }
        result_ids.push(ids.into_iter().collect());
    }
    let mut claimed_results = vec![false; results.len()];
    let mut answered: Vec<bool> = chunk
        .iter()
        .map(|input| {
            let ids = input.object_ids();
            let found = ids.first().and_then(|first| {
                by_first_id.get(first).and_then(|candidates| {
                    candidates
                        .iter()
                        .copied()
                        .find(|&i| ids.iter().all(|id| result_ids[i].contains(id)))
                })
            });
            if let Some(i) = found {
                claimed_results[i] = true;
            }
            found.is_some()
        })
        .collect();
    let Attribution {
        verdicts,
        unclaimed,
    } = attribute(&chunk, errors);
    // Inputs that name no record (a batch create's) match no result. They went through
    // when no error is left unexplained and enough results are left unclaimed; otherwise
    // which of them failed cannot be told, and none is counted as through.
    let idless: Vec<usize> = (0..chunk.len())
        .filter(|&i| chunk[i].object_ids().is_empty())
        .collect();
    let spare_results = claimed_results.iter().filter(|claimed| !**claimed).count();
    if !idless.is_empty() && unclaimed.is_empty() && spare_results >= idless.len() {
        for i in idless {
            answered[i] = true;
        }
    }
    let pick = |indices: &[usize]| -> Vec<serde_json::Value> {
        indices.iter().map(|&e| errors[e].clone()).collect()
    };
    let unclaimed = pick(&unclaimed);

    for ((input, answered), verdict) in chunk.into_iter().zip(answered).zip(verdicts) {
        if answered {
            report.succeeded.push(input);
            continue;
        }
        let reason = match verdict {
            Verdict::Rejected(e) => FailureReason::Rejected(errors[e].clone()),
            Verdict::Ambiguous(candidates) => FailureReason::Unattributed(pick(&candidates)),
            Verdict::Unnamed if !unclaimed.is_empty() => {
                FailureReason::Unattributed(unclaimed.clone())
            }
            Verdict::Unnamed => FailureReason::Missing,
        };
        report.failures.push(BatchFailure { input, reason });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error as `Client::send` returns it for this answer.
    fn answered(status: u16, body: serde_json::Value) -> Error {
        super::super::response::failure(
            "batch_read",
            true,
            status,
            &[] as &[(&str, &str)],
            body.to_string().as_bytes(),
        )
    }

    fn refusal(message: &str) -> serde_json::Value {
        serde_json::json!({"status": "error", "message": message,
            "correlationId": "c0", "category": "VALIDATION_ERROR"})
    }

    #[test]
    fn a_refusal_for_size_says_the_most_a_request_takes() {
        let history = "The maximum number of inputs supported in a batch request for property \
                       histories is 50. Please reduce the number of items and try again";
        assert_eq!(size_refusal(&answered(400, refusal(history))), Some(50));
        let plain = "The maximum number of inputs supported in a batch request is 1,000. Please \
                     reduce the number of items and try again";
        assert_eq!(size_refusal(&answered(400, refusal(plain))), Some(1000));
        // Anything else is a failure like any other.
        for (status, body) in [
            (400, refusal("Property values were not valid")),
            (
                400,
                refusal("The maximum number of inputs supported is unknown"),
            ),
            (500, refusal(history)),
            (
                400,
                serde_json::json!({"status": "error", "message": history, "category": "RATE_LIMITS"}),
            ),
        ] {
            assert_eq!(
                size_refusal(&answered(status, body.clone())),
                None,
                "{status} {body}"
            );
        }
    }
}
