//! A user's code over the crate generated from `tests/fixtures/auth.yaml`
//! (`fixture-auth`, models and request values without the HTTP client): no `Debug` of a value
//! that holds a credential shows it, each operation says whether it carries the token, and
//! errors about token answers keep the tokens out. `tests/it/auth.rs` generates the crate
//! next to this one and runs these tests; it sends the token exchange built here to a
//! loopback server.

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use auth::fixture_auth as api;
    use auth::runtime::{Auth, FilePart, Request};

    /// Every credential the values below hold.
    const SECRETS: &[&str] = &[
        "cs-SECRET",
        "code-SECRET",
        "verifier-SECRET",
        "rt-SECRET",
        "at-SECRET",
        "id-SECRET",
        "ak-SECRET",
        "sig-SECRET",
        "hk-SECRET",
        "pw-SECRET",
        "pin-SECRET",
        "revoked-SECRET",
        "session-SECRET",
    ];

    fn assert_hidden(shown: &str) {
        for secret in SECRETS {
            assert!(!shown.contains(secret), "{secret} shown in {shown}");
        }
    }

    fn exchange() -> api::TokenRequest {
        let mut request = api::TokenRequest::new(
            "app-1",
            "cs-SECRET",
            api::TokenRequestGrantType::AuthorizationCode,
        );
        request.code = Some("code-SECRET".to_owned());
        request.code_verifier = Some("verifier-SECRET".to_owned());
        request.redirect_uri = Some("https://example.com/cb".to_owned());
        request
    }

    fn answer() -> api::TokenResponse {
        let mut answer = api::TokenResponse::new("at-SECRET", 1800i64, "bearer");
        answer.refresh_token = Some("rt-SECRET".to_owned());
        answer.id_token = Some("id-SECRET".to_owned());
        answer
            .extra
            .insert("hub_token".to_owned(), serde_json::json!("id-SECRET"));
        answer
    }

    #[test]
    fn debug_of_every_value_that_holds_a_secret_shows_none_of_it() {
        let mut revoke = api::RevokeOauthTokenBody::new("revoked-SECRET");
        revoke.client_secret = Some("cs-SECRET".to_owned());
        let mut grants = api::GetOauthAccessTokenResponse::new(62515i64, "at-SECRET");
        grants.token_type = Some("access".to_owned());
        let mut connection = api::Connection::new("ak-SECRET", "crm sync");
        connection.public_token = Some("visible-public-token".to_owned());
        connection.password_set = Some(true);
        let mut webhook = api::Webhook::new();
        webhook.url = Some("https://example.com/hook".to_owned());
        webhook.signature = Some("sig-SECRET".to_owned());
        connection.webhook = Some(webhook);
        let query = api::ListContactsQuery::default()
            .with_hapikey("hk-SECRET")
            .with_next_page_token("page-2")
            .with_session("session-SECRET");
        let vault = || {
            api::CreateFilesVaultBody::new(
                "pw-SECRET",
                FilePart::new(b"ledger".to_vec()).with_file_name("ledger.csv"),
            )
            .with_note("quarterly")
            .with_pin("pin-SECRET")
        };
        let values = [
            format!("{:?}", exchange()),
            format!("{:#?}", answer()),
            format!("{revoke:?}"),
            format!("{grants:?}"),
            format!("{connection:?}"),
            format!("{query:?}"),
            format!("{:?}", vault()),
            format!("{:?}", api::create_oauth_token(&exchange())),
            format!("{:?}", api::revoke_oauth_token(&revoke)),
            format!("{:?}", api::get_oauth_access_token("at-SECRET")),
            format!("{:?}", api::create_connection(&connection)),
            format!("{:?}", api::list_contacts(&query)),
            format!("{:?}", api::create_files_vault(vault())),
        ];
        for shown in &values {
            assert_hidden(shown);
        }
        // The rest is still shown, and whether an optional secret is set.
        let all = values.join("\n");
        for visible in [
            "app-1",
            "https://example.com/cb",
            "AuthorizationCode",
            "1800",
            "bearer",
            "hub_token",
            "62515",
            "crm sync",
            "visible-public-token",
            "password_set: Some(true)",
            "https://example.com/hook",
            "page-2",
            "quarterly",
            "ledger.csv",
            "code: Some(<redacted>)",
            "client_secret: <redacted>",
            r#"("hapikey", "<redacted>")"#,
            "access-tokens/<redacted>",
        ] {
            assert!(all.contains(visible), "{visible} not in\n{all}");
        }
        let unset = api::TokenRequest::new(
            "app-1",
            "cs-SECRET",
            api::TokenRequestGrantType::RefreshToken,
        );
        assert!(format!("{unset:?}").contains("refresh_token: None"));
    }

    #[test]
    fn each_operation_says_whether_it_carries_the_token() {
        assert_eq!(
            api::create_oauth_token(&exchange()).authentication(),
            Auth::Anonymous
        );
        let revoke = api::RevokeOauthTokenBody::new("revoked-SECRET");
        assert_eq!(
            api::revoke_oauth_token(&revoke).authentication(),
            Auth::Anonymous
        );
        assert_eq!(
            api::get_oauth_access_token("t").authentication(),
            Auth::Anonymous
        );
        assert_eq!(api::get_ip_range().authentication(), Auth::Optional);
        let query = api::ListContactsQuery::default();
        assert_eq!(api::list_contacts(&query).authentication(), Auth::Required);
        assert_eq!(
            api::create_connection(&api::Connection::new("k", "n")).authentication(),
            Auth::Required
        );
    }

    /// What `tests/it/auth.rs` sends to its loopback server, built by hand there from the
    /// runtime the workspace carries: the same request, field for field.
    #[test]
    fn the_token_exchange_is_the_request_the_loopback_test_sends() {
        let request = api::create_oauth_token(&exchange());
        assert_eq!(request.operation(), "create_oauth_token");
        assert_eq!(request.path_and_query().unwrap(), "/oauth/v9/token");
        assert_eq!(request.authentication(), Auth::Anonymous);
        assert_eq!(
            request.secret_names(),
            [
                "access_token",
                "client_secret",
                "code",
                "code_verifier",
                "id_token",
                "refresh_token"
            ]
        );
        let body = request.body().unwrap();
        assert_eq!(body.content_type(), "application/x-www-form-urlencoded");
        assert_eq!(
            body.bytes().unwrap(),
            b"client_id=app-1&client_secret=cs-SECRET&code=code-SECRET\
              &code_verifier=verifier-SECRET&grant_type=authorization_code\
              &redirect_uri=https%3A%2F%2Fexample.com%2Fcb"
        );
    }

    #[test]
    fn errors_about_token_answers_keep_the_tokens_out() {
        let request: Request<api::TokenResponse> = api::create_oauth_token(&exchange());
        let json = [("content-type", "application/json")];
        // A success without `token_type`: the snippet of the answer would hold both tokens.
        let answer = br#"{"access_token":"at-SECRET","refresh_token":"rt-SECRET","expires_in":1800}"#;
        let error = request.decode_response(200, &json, answer).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert_hidden(&shown);
        assert!(shown.contains("missing field `token_type`"), "{shown}");
        // A refusal that repeats the code and secret it was sent.
        let refusal = br#"{"status":"BAD_AUTH_CODE","message":"unknown code code-SECRET (client secret cs-SECRET)","correlationId":"c-9"}"#;
        let error = request.decode_response(400, &json, refusal).unwrap_err();
        let shown = format!("{error} {error:?}");
        assert_hidden(&shown);
        assert!(shown.contains("unknown code <redacted>"), "{shown}");
        // A good answer decodes whole: redaction is for showing, never for the values.
        let good = br#"{"access_token":"at-SECRET","expires_in":1800,"token_type":"bearer"}"#;
        let tokens = request.decode_response(200, &json, good).unwrap();
        assert_eq!(tokens.access_token, "at-SECRET");
        let extra: &BTreeMap<String, serde_json::Value> = &tokens.extra;
        assert!(extra.is_empty());
    }
}
