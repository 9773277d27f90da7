//! The webhook receiver example against deliveries signed here, with the `hmac` crate
//! directly as HubSpot's guide describes the v3 signature, not with the runtime's code: a
//! genuine delivery is answered 200 and its events handled, anything forged, changed or stale
//! 401.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use tests::example;

const SECRET: &str = "3f1c1a8e-5a7b-4c2d-9e0f-webhook-test";
/// The scheme and host HubSpot calls, which the receiver is told of: not the address it
/// listens on, as behind a proxy.
const PUBLIC_URL: &str = "https://hooks.example.test";
/// The path and query HubSpot calls, with an escape that the v3 signature decodes...
const PATH: &str = "/hubspot/webhooks?source=crm%3Acontacts";
/// ... so the URI it signs has `:` where the request has `%3A`.
const SIGNED_URI: &str = "https://hooks.example.test/hubspot/webhooks?source=crm:contacts";
const DELIVERY: &str = r#"[{"eventId":3816279340,"subscriptionId":25,"portalId":33,"appId":1160452,"occurredAt":1462216307945,"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":1246965,"propertyName":"lifecyclestage","propertyValue":"subscriber","changeSource":"ACADEMY"},{"eventId":3816279480,"subscriptionId":22,"portalId":33,"appId":1160452,"occurredAt":1462216307945,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":1246978,"changeSource":"IMPORT"}]"#;

/// The running example, stopped when dropped; its output lines come through `lines`.
struct Server {
    child: Child,
    lines: Receiver<String>,
    address: String,
}

impl Server {
    fn start() -> Self {
        let path = example("webhook_receiver");
        let mut child = Command::new(&path)
            .env("HUBSPOT_CLIENT_SECRET", SECRET)
            .env("WEBHOOK_PUBLIC_URL", PUBLIC_URL)
            .env("WEBHOOK_LISTEN", "127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} does not run: {e}", path.display()));
        let stdout = child.stdout.take().expect("piped stdout");
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            lines,
            address: String::new(),
        };
        let first = server.next_line();
        server.address = first
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
            .to_owned();
        server
    }

    fn next_line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(30))
            .expect("a line from the receiver within 30 s")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn now_ms() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("a clock after 1970")
        .as_millis()
}

/// HubSpot's v3 signature: base64(HMAC-SHA256(secret, method + URI + body + timestamp)).
fn sign(secret: &str, method: &str, uri: &str, body: &str, timestamp: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{method}{uri}{body}{timestamp}").as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

async fn deliver(server: &Server, body: &str, signature: Option<&str>, timestamp: &str) -> u16 {
    let mut request = reqwest::Client::new()
        .post(format!("http://{}{PATH}", server.address))
        .header("Content-Type", "application/json")
        .header("X-HubSpot-Request-Timestamp", timestamp)
        .body(body.to_owned());
    if let Some(signature) = signature {
        request = request.header("X-HubSpot-Signature-v3", signature);
    }
    request
        .send()
        .await
        .expect("the receiver answers")
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_receiver_accepts_signed_deliveries_and_refuses_the_rest() {
    let server = Server::start();
    let timestamp = now_ms().to_string();

    let genuine = sign(SECRET, "POST", SIGNED_URI, DELIVERY, &timestamp);
    assert_eq!(
        deliver(&server, DELIVERY, Some(&genuine), &timestamp).await,
        200
    );
    assert_eq!(
        server.next_line(),
        "event 3816279340 in portal 33: contact.propertyChange on 1246965"
    );
    assert_eq!(
        server.next_line(),
        "event 3816279480 in portal 33: contact.creation on 1246978"
    );

    // Signed with another secret.
    let forged = sign("not-the-secret", "POST", SIGNED_URI, DELIVERY, &timestamp);
    assert_eq!(
        deliver(&server, DELIVERY, Some(&forged), &timestamp).await,
        401
    );
    // The genuine signature on a changed body.
    let changed = DELIVERY.replace("subscriber", "customer");
    assert_eq!(
        deliver(&server, &changed, Some(&genuine), &timestamp).await,
        401
    );
    // Signed over the URI as sent, without decoding `%3A`.
    let undecoded_uri = format!("{PUBLIC_URL}{PATH}");
    let undecoded = sign(SECRET, "POST", &undecoded_uri, DELIVERY, &timestamp);
    assert_eq!(
        deliver(&server, DELIVERY, Some(&undecoded), &timestamp).await,
        401
    );
    // Genuine, but six minutes old: a replay.
    let old = (now_ms() - 6 * 60 * 1000).to_string();
    let replayed = sign(SECRET, "POST", SIGNED_URI, DELIVERY, &old);
    assert_eq!(deliver(&server, DELIVERY, Some(&replayed), &old).await, 401);
    // No signature at all.
    assert_eq!(deliver(&server, DELIVERY, None, &timestamp).await, 401);
    // Genuine, but not a list of events: set aside and answered 200, since HubSpot would
    // only send it again.
    let object = r#"{"eventId":1}"#;
    let signed_object = sign(SECRET, "POST", SIGNED_URI, object, &timestamp);
    assert_eq!(
        deliver(&server, object, Some(&signed_object), &timestamp).await,
        200
    );

    // Nothing refused was handled: the next event printed is the next genuine one.
    let again = now_ms().to_string();
    let single = r#"[{"eventId":7,"subscriptionId":1,"portalId":62515,"appId":2,"occurredAt":3,"subscriptionType":"deal.creation","attemptNumber":1,"objectId":"42"}]"#;
    let signed = sign(SECRET, "POST", SIGNED_URI, single, &again);
    assert_eq!(deliver(&server, single, Some(&signed), &again).await, 200);
    assert_eq!(
        server.next_line(),
        "event 7 in portal 62515: deal.creation on 42"
    );
}
