//! Keys that an object in a JSON text holds more than once: parsing into a map would keep
//! only the last, so a writer that repeats a key cannot be caught that way.

use std::collections::HashSet;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// Every key repeated within one object of `text`, at any depth, in order of appearance.
pub fn repeated_keys(text: &str) -> Result<Vec<String>, serde_json::Error> {
    serde_json::from_str::<Repeated>(text).map(|found| found.0)
}

struct Repeated(Vec<String>);

impl<'de> Deserialize<'de> for Repeated {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RepeatedVisitor)
    }
}

struct RepeatedVisitor;

impl<'de> Visitor<'de> for RepeatedVisitor {
    type Value = Repeated;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Repeated, E> {
        Ok(Repeated(Vec::new()))
    }

    fn visit_i64<E>(self, _: i64) -> Result<Repeated, E> {
        Ok(Repeated(Vec::new()))
    }

    fn visit_u64<E>(self, _: u64) -> Result<Repeated, E> {
        Ok(Repeated(Vec::new()))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Repeated, E> {
        Ok(Repeated(Vec::new()))
    }

    fn visit_str<E>(self, _: &str) -> Result<Repeated, E> {
        Ok(Repeated(Vec::new()))
    }

    fn visit_unit<E>(self) -> Result<Repeated, E> {
        Ok(Repeated(Vec::new()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Repeated, A::Error> {
        let mut found = Vec::new();
        while let Some(Repeated(inner)) = seq.next_element()? {
            found.extend(inner);
        }
        Ok(Repeated(found))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Repeated, A::Error> {
        let mut seen = HashSet::new();
        let mut found = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let Repeated(inner) = map.next_value()?;
            if !seen.insert(key.clone()) {
                found.push(key);
            }
            found.extend(inner);
        }
        Ok(Repeated(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_keys_repeated_at_any_depth() {
        let text = r#"{"a":1,"b":[{"c":1,"c":2}],"a":{"d":null}}"#;
        assert_eq!(repeated_keys(text).unwrap(), ["c", "a"]);
        assert!(repeated_keys(r#"{"a":{"a":1},"b":[{"a":2},{"a":3}]}"#)
            .unwrap()
            .is_empty());
    }
}
