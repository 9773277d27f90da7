//! Every API's own limits: batch sizes decided per operation in lowering (from `maxItems`,
//! `x-batch-max`, or HubSpot's documented limits by API family), searches recognised and
//! paged past HubSpot's cap, and batches of any size in bounded memory. The client's side
//! runs in `tests/consumer/limits.rs` over a crate generated from
//! `tests/fixtures/crm_objects.yaml`, against the fake HubSpot.

use std::path::Path;

use xtask::ir::{LimitSource, Module};

use super::published::dev_document;
use super::reference_docs::reference_dir;

fn lower(path: &Path) -> Module {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let doc = xtask::load::load_file(path, &name).unwrap();
    let (api, _) = xtask::lower::lower(&[doc]).unwrap();
    api.modules.into_iter().next().unwrap()
}

/// A batch limit: its `max`, and the lower one with its field.
type Limit = (u32, Option<(String, u32)>);

/// Each operation's batch limit and whether it is a search, by function name.
fn limits(module: &Module) -> Vec<(String, Option<Limit>, bool)> {
    module
        .operations
        .iter()
        .map(|op| {
            let limit = op.batch.as_ref().map(|batch| {
                let lower = batch.limit.lower.as_ref().map(|l| (l.field.clone(), l.max));
                (batch.limit.max, lower)
            });
            (op.name.clone(), limit, op.search)
        })
        .collect()
}

#[test]
fn the_fixture_takes_its_limits_from_the_table_and_its_own_extension() {
    let module = lower(&tests::workspace_root().join("tests/fixtures/crm_objects.yaml"));
    let history = Some(("propertiesWithHistory".to_owned(), 50));
    assert_eq!(
        limits(&module),
        [
            ("batch_archive".to_owned(), Some((250, None)), false),
            ("batch_create".to_owned(), Some((100, None)), false),
            ("batch_read".to_owned(), Some((100, history)), false),
            ("search".to_owned(), None, true),
        ]
    );
    let archive = module
        .operations
        .iter()
        .find(|op| op.name == "batch_archive");
    assert_eq!(
        archive.unwrap().batch.as_ref().unwrap().limit.source,
        LimitSource::Extension
    );
}

/// HubSpot's own documents: contacts batches take 100 (50 for a read with property
/// histories), associations 1,000, and their searches are searches.
#[test]
fn hubspots_documents_get_hubspots_limits() {
    let Some(dir) = reference_dir() else { return };
    for name in ["contacts-v3.json", "contacts-2026-03.json"] {
        let Some(path) = dev_document(name) else {
            return;
        };
        let module = lower(&path);
        let history = Some(("propertiesWithHistory".to_owned(), 50));
        for (op, limit, search) in limits(&module) {
            let expected = match op.as_str() {
                "batch_read" => Some((100, history.clone())),
                "batch_archive" | "batch_create" | "batch_update" | "batch_upsert" => {
                    Some((100, None))
                }
                _ => None,
            };
            assert_eq!(limit, expected, "{name}: {op}");
            assert_eq!(search, op == "search", "{name}: {op}");
        }
    }
    for name in ["associations-v4.json", "associations-2026-03.json"] {
        for (op, limit, _) in limits(&lower(&dir.join(name))) {
            if let Some((max, lower)) = limit {
                assert_eq!((max, lower), (1000, None), "{name}: {op}");
            }
        }
    }
}

/// The crate from `crm_objects.yaml` against the fake HubSpot: 25,000 contacts in 250
/// requests, a history read of 120 in three, a stricter server met by splitting, a stream
/// of 20,000 inputs in bounded memory, and searches past 10,000 results.
#[test]
fn a_generated_crm_crate_keeps_hubspots_limits() {
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("limits-crates");
    let _ = std::fs::remove_dir_all(&out);
    let spec = tests::workspace_root().join("tests/fixtures/crm_objects.yaml");
    let mut job = xtask::codegen::Job::standalone(
        vec![(spec, "tests/fixtures/crm_objects.yaml".to_owned())],
        out.join("crm"),
        out.join("runtime"),
        "fixture-crm-objects",
        out.clone(),
    );
    job.options.standalone = false;
    job.runtime = tests::shared_runtime();
    job.strict = true;
    xtask::codegen::run(&job, false).unwrap();
    tests::test_consumer_with_fake(
        &out,
        &["crm"],
        "limits.rs",
        "consumer-limits",
        r#"crm = { package = "fixture-crm-objects", path = "../crm" }
"#,
    )
    .unwrap();
}

/// The README's table of limits says what the generator's table does.
#[test]
fn the_readme_lists_every_documented_limit() {
    let readme = std::fs::read_to_string(tests::workspace_root().join("README.md")).unwrap();
    let thousands = |n: u32| {
        let digits = n.to_string();
        let mut out = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(digit);
        }
        out
    };
    use xtask::lower::batch_limits::{DEFAULT, TABLE};
    for row in TABLE {
        let mut limit = thousands(row.max);
        if let Some((field, max)) = row.lower {
            limit = format!(
                "{limit}; a batch read asking for `{field}`, {}",
                thousands(max)
            );
        }
        let line = readme
            .lines()
            .find(|line| line.starts_with(&format!("| {}:", row.family)))
            .unwrap_or_else(|| panic!("no README row for {}", row.family));
        assert!(line.contains(&format!("| {limit} |")), "{line}");
    }
    assert!(readme.contains(&format!("| Any other batch | {DEFAULT} |")));
}

/// Searches keep a budget of their own beside the app's, shared the way the app's is: in a
/// file of their own next to the app's budget file, which every worker on the machine reads.
#[tokio::test]
async fn searches_share_their_budget_through_a_file_of_their_own() {
    use hubspot_associations::{v2026_03 as api, Client};
    use tests::fake_hubspot::{FakeHubSpot, TOKEN};

    let server = FakeHubSpot::start();
    server.seed_objects("contacts", 30);
    let path = std::env::temp_dir().join(format!("hubspot-search-budget-{}", std::process::id()));
    let searches = std::path::PathBuf::from(format!("{}.search", path.display()));
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&searches);
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .rate_limit_file(&path)
        .build()
        .unwrap();
    let everyone = api::PublicObjectSearchRequest::new(String::new(), vec![], 10, vec![], vec![]);
    let found = client
        .send(&api::search("contacts", &everyone))
        .await
        .unwrap();
    assert_eq!(found.total, 30);
    let budget = std::fs::read_to_string(&searches).unwrap();
    assert!(budget.starts_with("hubspot-rate-limit 1\n"), "{budget}");
    assert_eq!(budget.matches("\nsend ").count(), 1, "{budget}");
    // The app's budget counted the same request in its own file.
    let app = std::fs::read_to_string(&path).unwrap();
    assert_eq!(app.matches("\nsend ").count(), 1, "{app}");
    for file in [path, searches] {
        std::fs::remove_file(file).unwrap();
    }
}
