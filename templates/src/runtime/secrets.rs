//! Keeping credentials out of `Debug`, logs and errors.
//!
//! The generator decides which fields, parameters and parts are secrets (by name, or
//! `x-secret`). Generated `Debug` impls print [`Redacted`] for them, and each request names
//! them ([`Request::secrets`](super::Request::secrets)) so that their values, wherever an
//! error would repeat them (an answer echoing a parameter, the snippet of a body that did not
//! decode), are replaced by `<redacted>`.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::Value;

/// What is shown in place of a secret.
pub const REDACTED: &str = "<redacted>";

/// Shown as `<redacted>` by `Debug`: generated types print it in place of a credential.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

/// A map shown by its keys alone, each value `<redacted>`: the undeclared properties of a
/// type that holds credentials, which may hold more of them.
pub struct RedactedValues<'a, V>(pub &'a BTreeMap<String, V>);

impl<V> fmt::Debug for RedactedValues<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|key| (key, Redacted)))
            .finish()
    }
}

/// Secret values to take out of text, each in every spelling it may appear in: as it is, as
/// JSON escapes it, as a form encodes it, and percent-encoded as in a URL.
#[derive(Default)]
pub(crate) struct SecretValues {
    /// Longest first, so that no spelling is left half replaced by a shorter one.
    spellings: Vec<String>,
}

impl SecretValues {
    /// Adds a value (an empty one hides nothing).
    pub(crate) fn add(&mut self, value: &str) {
        if value.is_empty() {
            return;
        }
        let mut form = String::new();
        super::form::encode_component(value, &mut form);
        let mut url = String::new();
        super::percent::encode_segment(value, &mut url);
        let json = serde_json::to_string(value).unwrap_or_default();
        let json = json.trim_matches('"').to_owned();
        for spelling in [value.to_owned(), json, form, url] {
            if !spelling.is_empty() && !self.spellings.contains(&spelling) {
                self.spellings.push(spelling);
            }
        }
        self.spellings
            .sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    }

    /// Adds every string held under a key named in `names`, however deep in `value`.
    pub(crate) fn add_json(&mut self, value: &Value, names: &[&str]) {
        match value {
            Value::Object(map) => {
                for (key, value) in map {
                    if names.contains(&key.as_str()) {
                        self.add_strings(value);
                    } else {
                        self.add_json(value, names);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.add_json(item, names)),
            _ => {}
        }
    }

    /// Adds every string and number in `value`: all of a secret's value is secret (and a
    /// number where text was expected is quoted by the error that says so).
    fn add_strings(&mut self, value: &Value) {
        match value {
            Value::String(text) => self.add(text),
            Value::Number(number) => self.add(&number.to_string()),
            Value::Array(items) => items.iter().for_each(|item| self.add_strings(item)),
            Value::Object(map) => map.values().for_each(|item| self.add_strings(item)),
            _ => {}
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.spellings.is_empty()
    }

    /// `text` with every secret value replaced by `<redacted>`.
    pub(crate) fn scrub(&self, text: &mut String) {
        for spelling in &self.spellings {
            if text.contains(spelling.as_str()) {
                *text = text.replace(spelling.as_str(), REDACTED);
            }
        }
    }

    /// Every string in `value`, keys included, with secret values replaced.
    pub(crate) fn scrub_json(&self, value: &mut Value) {
        match value {
            Value::String(text) => self.scrub(text),
            Value::Array(items) => items.iter_mut().for_each(|item| self.scrub_json(item)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (mut key, mut item) in entries {
                    self.scrub(&mut key);
                    self.scrub_json(&mut item);
                    map.insert(key, item);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_spelling_of_a_secret_is_replaced() {
        let mut values = SecretValues::default();
        values.add("s3c/r+t é");
        let mut text =
            "raw s3c/r+t é, form s3c%2Fr%2Bt+%C3%A9, url s3c%2Fr%2Bt%20%C3%A9".to_owned();
        values.scrub(&mut text);
        assert_eq!(
            text, "raw <redacted>, form <redacted>, url <redacted>",
            "{text}"
        );
        let mut quoted = r#"{"token":"a\"b"}"#.to_owned();
        values.add(r#"a"b"#);
        values.scrub(&mut quoted);
        assert_eq!(quoted, r#"{"token":"<redacted>"}"#);
    }

    #[test]
    fn values_under_secret_keys_are_found_however_deep() {
        let mut values = SecretValues::default();
        let answer = json!({
            "access_token": "at-1",
            "expires_in": 1800,
            "nested": [{"refresh_token": ["rt-1", {"x": "rt-2"}]}],
            "code": "not named"
        });
        values.add_json(&answer, &["access_token", "refresh_token"]);
        let mut text = answer.to_string();
        values.scrub(&mut text);
        assert!(!text.contains("at-1") && !text.contains("rt-1") && !text.contains("rt-2"));
        assert!(
            text.contains("not named") && text.contains("1800"),
            "{text}"
        );
        let mut context = json!({"refresh_token": ["rt-1"], "rt-2": "at-1 and more"});
        values.scrub_json(&mut context);
        assert_eq!(
            context,
            json!({"refresh_token": ["<redacted>"], "<redacted>": "<redacted> and more"})
        );
    }

    #[test]
    fn debug_helpers_show_no_value() {
        assert_eq!(format!("{:?}", Some(Redacted)), "Some(<redacted>)");
        let extra = BTreeMap::from([("id_token".to_owned(), json!("eyJ-secret"))]);
        assert_eq!(
            format!("{:?}", RedactedValues(&extra)),
            r#"{"id_token": <redacted>}"#
        );
    }
}
