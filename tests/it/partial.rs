//! 207 answers as the live API sends them: error items that leave out `errors` and `links`
//! or send them as `null`, and errors that name a target every input shares next to the
//! input's own record. Every rejected input must come back with its own reason, and the rest
//! of the chunk must count as done.

use std::collections::BTreeMap;
use std::time::Duration;

use hubspot_associations::runtime::{BatchOutput, FailureReason, Outcome, RetryPolicy};
use hubspot_associations::{v4, Client};
use serde_json::json;
use tests::fake_hubspot::{FakeHubSpot, ItemShape, Rejection, TOKEN};

/// The company every input of these tests is associated with.
const COMPANY: u64 = 202;

fn client(server: &FakeHubSpot) -> Client {
    Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(2),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// Contact `id` with the one company, HubSpot's default label.
fn to_company(id: u64) -> v4::PublicAssociationMultiPost {
    v4::PublicAssociationMultiPost::new(
        v4::PublicObjectId::new(id),
        v4::PublicObjectId::new(COMPANY),
        vec![v4::AssociationSpec::new(
            v4::AssociationCategory::HubspotDefined,
            279,
        )],
    )
}

type CreateOutcome = Outcome<
    v4::BatchResponseLabelsBetweenObjectPair,
    v4::BatchResponseLabelsBetweenObjectPairWithErrors,
>;

fn create(
    chunk: &[v4::PublicAssociationMultiPost],
) -> hubspot_associations::Request<CreateOutcome> {
    v4::batch_create(
        "contacts",
        "companies",
        &v4::BatchInputPublicAssociationMultiPost::new(chunk.to_vec()),
    )
}

fn rejection(category: &str, names_target: bool, shape: ItemShape) -> Rejection {
    Rejection {
        category: category.to_owned(),
        names_target,
        shape,
    }
}

/// The input's source id and the category of the error it was reported with; panics on
/// any other kind of failure.
fn rejected_with(
    failure: &hubspot_associations::runtime::BatchFailure<v4::PublicAssociationMultiPost>,
) -> (String, String) {
    let FailureReason::Rejected(error) = &failure.reason else {
        panic!("not rejected with a reason of its own: {failure:?}")
    };
    let id = failure.input.from.id.to_string();
    assert_eq!(
        error["context"]["fromObjectId"],
        json!([id]),
        "the reason given is another input's: {error}"
    );
    (
        id,
        error["category"].as_str().unwrap_or_default().to_owned(),
    )
}

/// Observed: every input targets company 202, the first error names 202 next to its own
/// input, and the second names only its input. Input 1000869 used to be reported with the
/// first error.
#[tokio::test]
async fn the_observed_answer_gives_each_input_its_own_reason() {
    let server = FakeHubSpot::start();
    server.reject(
        "1000970",
        rejection("VALIDATION_ERROR", true, ItemShape::Full),
    );
    server.reject(
        "1000869",
        rejection("OBJECT_NOT_FOUND", false, ItemShape::Bare),
    );
    let client = client(&server);
    let inputs = vec![
        to_company(1000970),
        to_company(1000869),
        to_company(1000500),
    ];

    // The answer is the one observed.
    let Outcome::Partial(answer) = client.send(&create(&inputs)).await.unwrap() else {
        panic!("a 207 must not look like full success")
    };
    let errors = serde_json::to_value(answer.errors.as_ref().unwrap()).unwrap();
    assert_eq!(errors[0]["category"], "VALIDATION_ERROR");
    assert_eq!(
        errors[0]["context"],
        json!({"fromObjectId": ["1000970"], "toObjectId": ["202"]})
    );
    assert_eq!(errors[1]["category"], "OBJECT_NOT_FOUND");
    assert_eq!(errors[1]["context"], json!({"fromObjectId": ["1000869"]}));
    assert_eq!(answer.results.len(), 1);

    let report = client.batch(inputs, create).await;
    assert_eq!(report.succeeded, 1);
    let mut reasons: Vec<(String, String)> = report.failures.iter().map(rejected_with).collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            ("1000869".to_owned(), "OBJECT_NOT_FOUND".to_owned()),
            ("1000970".to_owned(), "VALIDATION_ERROR".to_owned()),
        ]
    );
}

/// About one input in twenty rejected, in every shape, with various categories, half of
/// the errors naming the shared company: each rejected input carries its own reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_randomised_run_every_rejected_input_carries_its_own_reason() {
    const CATEGORIES: [&str; 3] = [
        "VALIDATION_ERROR",
        "OBJECT_NOT_FOUND",
        "INVALID_ASSOCIATION",
    ];
    for seed in [7, 2024, 31337] {
        let server = FakeHubSpot::start();
        let mut rng = fastrand::Rng::with_seed(seed);
        let ids: Vec<u64> = (0..4000).map(|i| 3_000_000 + i).collect();
        let mut expected = BTreeMap::new();
        for id in &ids {
            if rng.u32(0..100) < 5 {
                let category = CATEGORIES[rng.usize(0..CATEGORIES.len())];
                let shape = ItemShape::ALL[rng.usize(0..ItemShape::ALL.len())];
                server.reject(id.to_string(), rejection(category, rng.bool(), shape));
                expected.insert(id.to_string(), category.to_owned());
            }
        }
        let report = client(&server)
            .batch(ids.iter().copied().map(to_company).collect(), create)
            .await;

        assert!(
            expected.len() > 100,
            "seed {seed}: enough rejections to mix"
        );
        assert_eq!(report.requests, 4, "seed {seed}");
        assert_eq!(report.succeeded, ids.len() - expected.len(), "seed {seed}");
        let reasons: BTreeMap<String, String> = report.failures.iter().map(rejected_with).collect();
        assert_eq!(
            reasons.len(),
            report.failures.len(),
            "seed {seed}: each once"
        );
        assert_eq!(reasons, expected, "seed {seed}");
        assert_eq!(server.total_associations(), ids.len() - expected.len());
    }
}

/// Measured: 40 of 2,000 inputs rejected with items HubSpot leaves `errors` and `links` out
/// of (or sends `errors: null`); the other 1,960 were created and must count as such.
#[tokio::test]
async fn error_items_without_errors_or_links_fail_only_their_inputs() {
    let server = FakeHubSpot::start();
    let rejected: Vec<String> = (0..40).map(|i| (4_000_000 + i * 50).to_string()).collect();
    // `reject_ids` gives the item shapes in turn: full, bare, `errors: null`.
    server.reject_ids(rejected.clone());
    let inputs: Vec<_> = (0..2000).map(|i| to_company(4_000_000 + i)).collect();

    let answer = client(&server).send(&create(&inputs[..1000])).await;
    let Outcome::Partial(answer) = answer.unwrap() else {
        panic!("a 207 must not look like full success")
    };
    let errors = answer.errors.as_ref().unwrap();
    assert_eq!(errors.len(), 20);
    assert!(errors
        .iter()
        .any(|e| e.errors.is_none() && e.links.is_none()));
    assert!(errors
        .iter()
        .any(|e| e.errors.as_ref().is_some_and(Vec::is_empty)));
    assert!(errors
        .iter()
        .all(|e| e.category.as_deref() == Some("VALIDATION_ERROR")));
    assert_eq!(answer.results.len(), 980);

    let server = FakeHubSpot::start();
    server.reject_ids(rejected.clone());
    let report = client(&server).batch(inputs, create).await;
    assert_eq!(report.succeeded, 1960);
    assert_eq!(server.total_associations(), 1960);
    let mut failed: Vec<String> = report.failures.iter().map(|f| rejected_with(f).0).collect();
    failed.sort();
    let mut expected = rejected;
    expected.sort();
    assert_eq!(failed, expected);
}

/// One field of an unexpected shape, a number where a string was documented, or a missing
/// category loses nothing else of an error item: the odd value is kept in `extra`, written
/// back as it came, and the ids it names still reach the batch helper.
#[test]
fn an_odd_field_in_an_error_item_loses_nothing_else() {
    let item = json!({
        "status": "error",
        "message": "Record 1000970 cannot be associated.",
        "context": {"fromObjectId": [1000970], "toObjectId": [202]},
        "errors": {"unexpected": true},
        "links": [],
        "id": "e-1",
    });
    let error: v4::StandardError = serde_json::from_value(item.clone()).unwrap();
    assert_eq!(error.message, "Record 1000970 cannot be associated.");
    assert_eq!(error.status, "error");
    assert_eq!(error.category, None);
    assert_eq!(error.id.as_ref().map(|id| id.as_str()), Some("e-1"));
    assert_eq!(
        (&error.context, &error.errors, &error.links),
        (&None, &None, &None)
    );
    assert_eq!(error.extra["context"], item["context"]);
    assert_eq!(error.extra["links"], json!([]));
    assert_eq!(serde_json::to_value(&error).unwrap(), item);

    let body = json!({
        "status": "COMPLETE",
        "startedAt": "2026-03-01T10:00:00Z",
        "completedAt": "2026-03-01T10:00:01Z",
        "results": [],
        "numErrors": 1,
        "errors": [item],
    });
    let partial: v4::BatchResponseLabelsBetweenObjectPairWithErrors =
        serde_json::from_value(body).unwrap();
    let (_, errors) = partial.into_parts();
    assert_eq!(errors[0]["context"]["fromObjectId"], json!([1000970]));
}

/// The bodies of failed requests too: a 429 has no `category`, and `errors` may be `null`.
#[test]
fn error_bodies_need_only_message_and_correlation_id() {
    let rate_limited = json!({
        "status": "error",
        "message": "You have reached your daily limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": "c0ffee00-0000-4000-8000-000000000429",
        "policyName": "DAILY",
    });
    let body: v4::Error = serde_json::from_value(rate_limited.clone()).unwrap();
    assert_eq!(body.category, None);
    assert_eq!(body.extra["policyName"], "DAILY");
    assert_eq!(serde_json::to_value(&body).unwrap(), rate_limited);

    let with_nulls = json!({
        "message": "Invalid input.",
        "correlationId": "5b3c2a4e-0000-4000-8000-00000000c0de",
        "category": "VALIDATION_ERROR",
        "errors": null,
        "links": null,
        "context": "free text",
    });
    let body: v4::Error = serde_json::from_value(with_nulls).unwrap();
    assert_eq!(body.errors, None);
    assert_eq!(
        body.context,
        Some(v4::ErrorContext::Text("free text".to_owned()))
    );

    let detail: v4::ErrorDetail =
        serde_json::from_value(json!({"message": "m", "code": 400, "in": "inputs"})).unwrap();
    assert_eq!((detail.code, detail.in_.as_deref()), (None, Some("inputs")));
    assert_eq!(detail.extra["code"], 400);
}
