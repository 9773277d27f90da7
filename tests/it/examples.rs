//! The examples in `tests/examples/` run against the fake HubSpot, as a user would run them
//! against the real one (`HUBSPOT_TOKEN`, and `HUBSPOT_BASE_URL` pointing at the fake).

use hubspot_associations::v4;
use tests::example;
use tests::fake_hubspot::{FakeHubSpot, TOKEN};

async fn run(server: &FakeHubSpot, name: &str, args: &[&str]) -> String {
    let path = example(name);
    let base_url = server.base_url.clone();
    let args: Vec<String> = args.iter().map(|a| (*a).to_owned()).collect();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(&path)
            .args(&args)
            .env("HUBSPOT_TOKEN", TOKEN)
            .env("HUBSPOT_BASE_URL", base_url)
            .output()
            .unwrap_or_else(|e| panic!("{} does not run: {e}", path.display()))
    })
    .await
    .expect("example finished");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_examples_work() {
    let server = FakeHubSpot::start();

    let labels = run(&server, "manage_labels", &[]).await;
    assert!(labels.contains("Invoicing contact"), "{labels}");

    let created = run(
        &server,
        "batch_create_with_labels",
        &["11:21", "12:21", "13:22"],
    )
    .await;
    assert!(created.contains("3 associated in 1 requests"), "{created}");
    assert_eq!(server.association_count("deals", "11", "companies"), 1);

    // Contact 11 has two companies, contact 12 none.
    let client = hubspot_associations::Client::builder()
        .token(TOKEN)
        .base_url(&server.base_url)
        .build()
        .unwrap();
    for company in [21u64, 22] {
        let spec = v4::AssociationSpec::new(v4::AssociationCategory::HubspotDefined, 1);
        client
            .send(&v4::create_association(
                "contacts",
                11u64,
                "companies",
                company,
                &[spec],
            ))
            .await
            .unwrap();
    }
    let read = run(&server, "batch_read", &["11", "12"]).await;
    assert!(
        read.contains("contact 11: 2 companies") && read.contains("contact 12: 0 companies"),
        "{read}"
    );

    let page = run(&server, "paginate", &["11"]).await;
    assert_eq!(page, "21 []\n22 []\n");

    // An OAuth job whose tokens last two requests each: it refreshes as it goes, keeps
    // every new token set in its file, and a second run starts from what the first kept.
    let oauth = FakeHubSpot::start();
    oauth.oauth_expiry(tests::fake_hubspot::Expiry::AfterRequests(2));
    let file = std::env::temp_dir().join(format!("oauth-job-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&file);
    let job = |server: &FakeHubSpot| {
        let (path, base_url, file) = (example("oauth_job"), server.base_url.clone(), file.clone());
        tokio::task::spawn_blocking(move || {
            std::process::Command::new(path)
                .args(["5000", file.to_str().unwrap()])
                .env("HUBSPOT_BASE_URL", base_url)
                .env("HUBSPOT_CLIENT_ID", tests::fake_hubspot::CLIENT_ID)
                .env("HUBSPOT_CLIENT_SECRET", tests::fake_hubspot::CLIENT_SECRET)
                .env("HUBSPOT_REFRESH_TOKEN", tests::fake_hubspot::REFRESH_TOKEN)
                .output()
                .expect("oauth_job runs")
        })
    };
    let first = job(&oauth).await.unwrap();
    let out = String::from_utf8_lossy(&first.stdout);
    assert!(
        out.starts_with("5000 associated in 5 requests, 0 failed"),
        "{out}"
    );
    // A token for the first two requests, then one for each two after: three in all.
    assert_eq!(oauth.oauth_refreshes(), (3, 0));
    let kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let second = job(&oauth).await.unwrap();
    let out = String::from_utf8_lossy(&second.stdout);
    assert!(
        out.starts_with("5000 associated"),
        "{out}: {}",
        String::from_utf8_lossy(&second.stderr)
    );
    // The second run used the kept refresh token (the first one was retired by rotation).
    assert!(kept["refresh_token"].as_str().unwrap() != tests::fake_hubspot::REFRESH_TOKEN);
    assert_eq!(oauth.oauth_refreshes().1, 0, "no refresh refused");
    std::fs::remove_file(&file).unwrap();
}
