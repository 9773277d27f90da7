//! Any number of inputs through a batch endpoint: split into requests of at most 1,000,
//! sent with bounded concurrency, results merged, and every input accounted for.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use futures_util::stream::{self, StreamExt};

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

impl Client {
    /// Sends `inputs` through a batch endpoint. `request` builds one request from at most
    /// [`batch_size`](super::ClientBuilder::batch_size) inputs.
    pub async fn batch<I, O, F>(&self, inputs: Vec<I>, request: F) -> BatchReport<I, O::Item>
    where
        I: ObjectIds + Clone,
        O: BatchOutput,
        O::Item: ObjectIds,
        F: Fn(&[I]) -> Request<O>,
    {
        let size = self.batch_size();
        let mut chunks = Vec::with_capacity(inputs.len().div_ceil(size));
        let mut inputs = inputs.into_iter().peekable();
        while inputs.peek().is_some() {
            chunks.push(inputs.by_ref().take(size).collect::<Vec<I>>());
        }
        let requests = chunks.len();
        let request = &request;
        let answers: Vec<(Vec<I>, Result<O, Error>)> = stream::iter(chunks)
            .map(|chunk| async move {
                let answer = self.send(&request(&chunk)).await;
                (chunk, answer)
            })
            .buffer_unordered(self.batch_concurrency())
            .collect()
            .await;

        let mut report = BatchReport {
            results: Vec::new(),
            failures: Vec::new(),
            succeeded: 0,
            requests,
        };
        for (chunk, answer) in answers {
            match answer {
                Err(error) => {
                    let error = Arc::new(error);
                    report
                        .failures
                        .extend(chunk.into_iter().map(|input| BatchFailure {
                            input,
                            reason: FailureReason::Request(error.clone()),
                        }));
                }
                Ok(output) => {
                    let (results, errors) = output.into_parts();
                    account(chunk, &results, &errors, &mut report);
                    report.results.extend(results);
                }
            }
        }
        report
    }
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
    report: &mut BatchReport<I, R>,
) {
    if results.is_empty() && errors.is_empty() {
        // Endpoints that answer without a body (204) report nothing per input: all went through.
        report.succeeded += chunk.len();
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
    let answered: Vec<bool> = chunk
        .iter()
        .map(|input| {
            let ids = input.object_ids();
            ids.first().is_some_and(|first| {
                by_first_id.get(first).is_some_and(|candidates| {
                    candidates
                        .iter()
                        .any(|&i| ids.iter().all(|id| result_ids[i].contains(id)))
                })
            })
        })
        .collect();
    let Attribution {
        verdicts,
        unclaimed,
    } = attribute(&chunk, errors);
    let pick = |indices: &[usize]| -> Vec<serde_json::Value> {
        indices.iter().map(|&e| errors[e].clone()).collect()
    };
    let unclaimed = pick(&unclaimed);

    for ((input, answered), verdict) in chunk.into_iter().zip(answered).zip(verdicts) {
        if answered {
            report.succeeded += 1;
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
