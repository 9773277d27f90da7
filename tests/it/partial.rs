//! 207 answers as the live API sends them: errors that name a target every input shares
//! next to the input's own record. Every rejected input must come back with its own reason,
//! and the rest of the chunk must count as done.

use std::collections::BTreeMap;
use std::time::Duration;

use hubspot_associations::runtime::{FailureReason, Outcome, RetryPolicy};
use hubspot_associations::{v4, Client};
use serde_json::json;
use tests::fake_hubspot::{FakeHubSpot, Rejection, TOKEN};

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

fn rejection(category: &str, names_target: bool) -> Rejection {
    Rejection {
        category: category.to_owned(),
        names_target,
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
    server.reject("1000970", rejection("VALIDATION_ERROR", true));
    server.reject("1000869", rejection("OBJECT_NOT_FOUND", false));
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

/// About one input in twenty rejected, with various categories, half of
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
                server.reject(id.to_string(), rejection(category, rng.bool()));
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
