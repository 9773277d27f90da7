//! A user's code over crates generated from HubSpot's published documents as they are:
//! `published-associations` from `associations-v4.json`, `published-media-bridge` from
//! `dev/media-bridge-2026-03.json`. `tests/it/published.rs` generates them next to this crate
//! and runs these tests.

#[cfg(test)]
mod tests {
    use associations::{v4, Outcome};
    use media_bridge::v2026_03 as media;
    use serde_json::json;

    /// HubSpot's published `StandardError` requires `category`, `context`, `errors` and
    /// `links`; the live API leaves them out, sends `null`, or a string for `context`.
    #[test]
    fn a_207_decodes_error_items_that_leave_out_what_hubspot_omits() {
        let body = json!({
            "status": "COMPLETE",
            "startedAt": "2026-03-01T10:00:00Z",
            "completedAt": "2026-03-01T10:00:01Z",
            "results": [{
                "fromObjectTypeId": "0-1", "fromObjectId": 101,
                "toObjectTypeId": "0-2", "toObjectId": 202, "labels": []
            }],
            "numErrors": 3,
            "errors": [
                {"status": "error", "category": "OBJECT_NOT_FOUND", "message": "No contact 102",
                 "context": {"fromObjectId": ["102"]}},
                {"status": "error", "message": "No contact 103", "errors": null, "links": null,
                 "context": {"fromObjectId": ["103"]}},
                {"status": "error", "message": "Rejected", "context": "fromObjectId=104"}
            ]
        });
        let request = v4::batch_create(
            "contacts",
            "companies",
            &v4::BatchInputPublicAssociationMultiPost::new(Vec::new()),
        );
        let outcome = request
            .decode_response(207, &[] as &[(&str, &str)], body.to_string().as_bytes())
            .expect("a 207 with sparse error items decodes");
        let Outcome::Partial(partial) = outcome else {
            panic!("a 207 is a partial success")
        };
        assert_eq!(partial.results.len(), 1);
        let errors = partial.errors.expect("the errors");
        assert_eq!(errors.len(), 3);
        assert_eq!(errors[0].category.as_deref(), Some("OBJECT_NOT_FOUND"));
        assert_eq!(errors[0].message, "No contact 102");
        assert_eq!(errors[1].errors, None);
        assert_eq!(errors[1].links, None);
        assert_eq!(errors[1].category, None);
        let context = errors[1].context.as_ref().expect("a map context");
        assert_eq!(context["fromObjectId"], ["103"]);
        // A context of another shape is kept as it came, for the batch helper to read.
        assert_eq!(errors[2].context, None);
        assert_eq!(errors[2].extra["context"], "fromObjectId=104");
        assert_eq!(serde_json::to_value(&errors[2]).unwrap(), body["errors"][2]);
    }

    /// HubSpot's published `Error` requires `category`, which a 429 body does not have.
    #[test]
    fn an_error_body_needs_only_correlation_id_and_message() {
        let body = json!({
            "status": "error", "message": "You have reached your daily limit.",
            "errorType": "RATE_LIMIT", "correlationId": "aeb5f871-7f07-4993-9211-075dc63e7cbf",
            "policyName": "DAILY", "errors": null
        });
        let error: v4::Error = serde_json::from_value(body.clone()).expect("a 429 body decodes");
        assert_eq!(error.message, "You have reached your daily limit.");
        assert_eq!(error.category, None);
        assert_eq!(error.errors, None);
        assert_eq!(error.extra["policyName"], "DAILY");
    }

    /// Media Bridge's expression language: one union for the 96 places that write it out,
    /// which every operator holds, recursively.
    fn expression() -> serde_json::Value {
        json!({
            "operator": "ABSOLUTE_VALUE",
            "inputs": [{"operator": "CONSTANT_NUMBER", "value": -3.5}]
        })
    }

    /// A response held across `.await` in a spawned task: its type must be `Send`, which
    /// the 96 copies of the union once kept the compiler from proving (E0275).
    #[tokio::test]
    async fn a_spawned_task_holds_models_across_await() {
        let task = tokio::spawn(async {
            let value: media::AbsoluteValue = serde_json::from_value(expression()).unwrap();
            tokio::task::yield_now().await;
            let inputs: Vec<media::InputsItem> = value.inputs.clone().unwrap_or_default();
            tokio::task::yield_now().await;
            (value, inputs)
        });
        let (value, inputs) = task.await.expect("the task finishes");
        assert_eq!(inputs.len(), 1);
        assert_eq!(serde_json::to_value(&value).unwrap(), expression());
    }
}
