//! `generated/` as a user's project uses it: a path dependency from outside this workspace,
//! which brings the runtime crate (`templates/`) along by its own relative path.

use std::path::Path;

#[test]
fn a_project_outside_the_workspace_builds_against_generated_by_path() {
    let root = tests::workspace_root();
    let project = Path::new(env!("CARGO_TARGET_TMPDIR")).join("user-project");
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(project.join("src")).unwrap();
    let generated = root.join("generated");
    std::fs::write(
        project.join("Cargo.toml"),
        format!(
            "[package]\nname = \"user-project\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [dependencies]\nhubspot-associations = {{ path = {:?} }}\n\n[workspace]\n",
            generated.to_string_lossy()
        ),
    )
    .unwrap();
    // The crate's public paths: the client at the root, versions as modules, the runtime
    // re-exported as `runtime`.
    std::fs::write(
        project.join("src/main.rs"),
        r#"use hubspot_associations::{runtime, v2026_03, v4, Client, Error, Request};

async fn labels(client: &Client) -> Result<v4::CollectionResponseAssociationSpecWithLabelNoPaging, Error> {
    client.send(&v4::list_labels("contacts", "companies")).await
}

fn main() -> Result<(), Error> {
    let client = Client::new("pat-na1-not-a-real-token")?;
    let request: Request<_> = v2026_03::list_labels("contacts", "companies");
    let id: runtime::ObjectId = 101u64.into();
    println!("{} {} {id}", request.path()?, request.method());
    drop(labels(&client));
    Ok(())
}
"#,
    )
    .unwrap();
    tests::cargo_check(&project, &[]).unwrap();
}
