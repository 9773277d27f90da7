//! Bodies that are not JSON, on the wire: multipart uploads and OAuth forms arrive as
//! HubSpot reads them (checked by axum's own extractors), files are read again when a request
//! is retried, a stream is sent once and never retried, and text and bytes answers decode.
//!
//! The requests are built as the generated functions build them (see the `bodies` fixture's
//! snapshot), from the runtime the generated crate carries.

use std::time::Duration;

use hubspot_associations::runtime::{
    decode, Content, Error, FilePart, Method, Multipart, Request, RetryPolicy,
};
use hubspot_associations::Client;
use serde::Serialize;
use serde_json::{json, Value};
use tests::upload_server::{ReceivedPart, UploadServer, IP_RANGES, SPREADSHEET};

fn client(server: &UploadServer) -> Client {
    Client::builder()
        .token("pat-na1-uploads")
        .base_url(&server.base_url)
        .retry(RetryPolicy {
            initial_backoff: Duration::from_millis(2),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap()
}

/// What the Files API's upload takes: options as JSON text, a folder, the file last.
fn upload(file: FilePart) -> Request<Value> {
    Request::new("upload_file", Method::Post, "/files/v3/files", decode::json)
        .multipart(
            Multipart::new()
                .field_opt("folderPath", Some(&"/invoices"))
                .field("options", r#"{"access":"PRIVATE"}"#)
                .json("metadata", &json!({"year": 2026}))
                .file("file", file),
        )
        .idempotent(false)
}

fn text_part(name: &str, text: &str, content_type: Option<&str>) -> ReceivedPart {
    ReceivedPart {
        name: name.to_owned(),
        file_name: None,
        content_type: content_type.map(str::to_owned),
        bytes: text.as_bytes().to_vec(),
    }
}

fn temp_file(name: &str, contents: &[u8]) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("bodies-{}-{name}", std::process::id()));
    std::fs::write(&path, contents).unwrap();
    path
}

#[tokio::test]
async fn a_multipart_upload_arrives_as_hubspot_reads_it() {
    let server = UploadServer::start();
    let file = FilePart::new(b"id,amount\n1,20\n".to_vec())
        .with_file_name("invoices \"2026\".csv")
        .with_content_type("text/csv");
    let answer = client(&server).send(&upload(file)).await.unwrap();
    assert_eq!(answer["id"], "9001");

    let [arrived] = server.arrivals().try_into().unwrap();
    let content_type = arrived.content_type.unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary=hubspot-"),
        "{content_type}"
    );
    assert_eq!(arrived.accept.as_deref(), Some("application/json"));
    assert_eq!(
        arrived.parts,
        [
            text_part("folderPath", "/invoices", None),
            text_part("options", r#"{"access":"PRIVATE"}"#, None),
            text_part("metadata", r#"{"year":2026}"#, Some("application/json")),
            ReceivedPart {
                name: "file".to_owned(),
                file_name: Some("invoices %222026%22.csv".to_owned()),
                content_type: Some("text/csv".to_owned()),
                bytes: b"id,amount\n1,20\n".to_vec(),
            },
        ]
    );
}

#[tokio::test]
async fn a_file_is_read_again_for_a_retry_and_its_length_is_sent() {
    let server = UploadServer::start();
    let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let path = temp_file("retry.png", &contents);
    server.refuse_next(1);
    let answer = client(&server)
        .send(&upload(FilePart::file(&path)))
        .await
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(answer["id"], "9001");

    let arrivals = server.arrivals();
    assert_eq!(arrivals.len(), 2, "refused once, then sent again");
    for arrived in &arrivals {
        let file = arrived.parts.last().unwrap();
        assert_eq!(file.bytes, contents, "the whole file, both times");
        assert_eq!(file.content_type.as_deref(), Some("image/png"));
        assert!(file.file_name.as_deref().unwrap().ends_with("retry.png"));
        assert!(arrived.content_length.unwrap() > contents.len() as u64);
    }
    assert_eq!(arrivals[0].content_length, arrivals[1].content_length);
}

#[tokio::test]
async fn a_stream_is_sent_once_and_not_retried() {
    let server = UploadServer::start();
    server.refuse_next(1);
    let chunks = futures_util::stream::iter([
        Ok::<_, std::io::Error>(b"first chunk, ".to_vec()),
        Ok(b"second chunk".to_vec()),
    ]);
    let request = upload(FilePart::new(Content::stream(chunks)).with_file_name("s.txt"));
    // Sent from a spawned task: a request holding a stream is `Send + Sync` like any other.
    let sender = client(&server);
    let (request, error) = tokio::spawn(async move {
        let error = sender.send(&request).await.unwrap_err();
        (request, error)
    })
    .await
    .unwrap();
    assert!(
        matches!(&error, Error::RateLimited(limited) if limited.correlation_id.as_deref() == Some("c-429")),
        "the first attempt's answer: {error}"
    );
    let [arrived] = server.arrivals().try_into().unwrap();
    assert_eq!(
        arrived.parts.last().unwrap().bytes,
        b"first chunk, second chunk"
    );
    assert_eq!(
        arrived.content_length, None,
        "a stream's length is not known"
    );

    // The stream went out: the same request cannot be sent again.
    let again = client(&server).send(&request).await.unwrap_err();
    assert!(
        matches!(&again, Error::InvalidRequest(e) if e.message.contains("sent only once")),
        "{again}"
    );
    assert!(!again.may_have_been_applied());
    assert_eq!(server.arrivals().len(), 1);
}

#[tokio::test]
async fn a_file_that_cannot_be_read_fails_before_anything_is_sent() {
    let server = UploadServer::start();
    let missing = std::env::temp_dir().join("bodies-no-such-file.csv");
    let error = client(&server)
        .send(&upload(FilePart::file(&missing)))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        matches!(error, Error::InvalidRequest(_)) && text.contains("bodies-no-such-file.csv"),
        "{text}"
    );
    assert!(!error.may_have_been_applied() && !error.is_retryable());
    assert!(server.arrivals().is_empty());
}

#[tokio::test]
async fn an_oauth_token_form_arrives_as_pairs() {
    #[derive(Serialize)]
    struct Refresh {
        grant_type: &'static str,
        client_id: &'static str,
        client_secret: &'static str,
        refresh_token: &'static str,
        redirect_uri: Option<&'static str>,
    }
    let server = UploadServer::start();
    let body = Refresh {
        grant_type: "refresh_token",
        client_id: "5c1e-app",
        client_secret: "s3cr3t+/=&",
        refresh_token: "na1-6d3f-ä",
        redirect_uri: None,
    };
    let request =
        Request::<Value>::new("token", Method::Post, "/oauth/v1/token", decode::json).form(&body);
    assert!(!format!("{request:?}").contains("s3cr3t"));
    let tokens = client(&server).send(&request).await.unwrap();
    assert_eq!(tokens["expires_in"], 1800);

    let [arrived] = server.arrivals().try_into().unwrap();
    assert_eq!(
        arrived.content_type.as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let pairs: Vec<(&str, &str)> = arrived
        .form
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("client_id", "5c1e-app"),
            ("client_secret", "s3cr3t+/=&"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "na1-6d3f-ä"),
        ]
    );
}

#[tokio::test]
async fn text_and_byte_bodies_arrive_with_their_media_types() {
    let server = UploadServer::start();
    let client = client(&server);
    let code = "exports.main = async (event) => ({ outputFields: {} });\n";
    let function = Request::<Value>::new(
        "replace_function",
        Method::Put,
        "/automation/functions/{id}",
        decode::json,
    )
    .path_param("id", "f-1")
    .text("text/plain", code);
    client.send(&function).await.unwrap();
    let image = temp_file("logo.bin", SPREADSHEET);
    let upload = Request::<Value>::new("put_image", Method::Put, "/images/{id}", decode::json)
        .path_param("id", "7")
        .binary("application/octet-stream", Content::file(&image));
    client.send(&upload).await.unwrap();
    std::fs::remove_file(&image).unwrap();

    let [text, bytes] = server.arrivals().try_into().unwrap();
    assert_eq!(text.content_type.as_deref(), Some("text/plain"));
    assert_eq!(text.bytes, code.as_bytes());
    assert_eq!(
        bytes.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(bytes.content_length, Some(SPREADSHEET.len() as u64));
    assert_eq!(bytes.bytes, SPREADSHEET);
}

#[tokio::test]
async fn text_and_byte_answers_decode_and_say_what_they_accept() {
    let server = UploadServer::start();
    let client = client(&server);
    let ranges = Request::new("ip_ranges", Method::Get, "/ip-ranges/simple", decode::text)
        .accept("text/plain");
    assert_eq!(client.send(&ranges).await.unwrap(), IP_RANGES);
    let export = Request::new("export", Method::Get, "/export", decode::bytes)
        .accept("application/vnd.ms-excel, text/csv");
    assert_eq!(client.send(&export).await.unwrap(), SPREADSHEET);
    let accepted: Vec<_> = server
        .arrivals()
        .into_iter()
        .map(|a| a.accept.unwrap())
        .collect();
    assert_eq!(
        accepted,
        ["text/plain", "application/vnd.ms-excel, text/csv"]
    );

    // Bytes where text was promised are an error that says so, not a garbled string.
    let error = Request::new("export", Method::Get, "/export", decode::text)
        .accept("text/csv")
        .decode_response(
            200,
            &[("content-type", "application/vnd.ms-excel")],
            SPREADSHEET,
        )
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("where UTF-8 text was expected (the body is not UTF-8 text"),
        "{error}"
    );
}
