//! Serialisation helper called by generated `Serialize` impls.
//!
//! A generated struct writes itself as one JSON object: its fields in order, optional ones
//! only when set, then the properties it keeps in `extra`. The calls that write entries
//! remember the first error instead of returning it, so each field is one plain method call
//! in the generated code; that keeps the crate quick to compile, and `#[serde(flatten)]`
//! (which routes the extra map through a wrapper serializer) out of it.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, Serializer};

/// An object being written; [`end`](Object::end) finishes it or returns the first error.
pub struct Object<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> Object<M> {
    pub fn new<S>(serializer: S) -> Result<Self, S::Error>
    where
        S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>,
    {
        Ok(Object {
            map: serializer.serialize_map(None)?,
            error: None,
        })
    }

    /// Writes an entry, `null` included.
    pub fn field<T: ?Sized + Serialize>(&mut self, key: &str, value: &T) {
        if self.error.is_none() {
            if let Err(error) = self.map.serialize_entry(key, value) {
                self.error = Some(error);
            }
        }
    }

    /// Writes an entry if the value is set; absent and null mean the same for an optional
    /// property, and absent says less.
    pub fn optional<T: Serialize>(&mut self, key: &str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// Writes the properties kept in `extra`. `declared` lists the struct's own keys, each
    /// with whether it was written: an entry under a written key is left out, so a key is
    /// never sent twice and the declared field wins; one under a key that was not written is
    /// the only value for it and is sent.
    pub fn extra<V: Serialize>(&mut self, extra: &BTreeMap<String, V>, declared: &[(&str, bool)]) {
        for (key, value) in extra {
            let written = declared
                .iter()
                .any(|&(declared, written)| written && declared == key);
            if !written {
                self.field(key, value);
            }
        }
    }

    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sample {
        id: u64,
        label: Option<Option<String>>,
        note: Option<String>,
        extra: BTreeMap<String, serde_json::Value>,
    }

    impl Serialize for Sample {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut object = Object::new(serializer)?;
            object.field("id", &self.id);
            object.optional("label", &self.label);
            object.optional("note", &self.note);
            object.extra(
                &self.extra,
                &[
                    ("id", true),
                    ("label", self.label.is_some()),
                    ("note", self.note.is_some()),
                ],
            );
            object.end()
        }
    }

    #[test]
    fn writes_fields_set_optionals_and_extra_in_order() {
        let sample = Sample {
            id: 7,
            label: Some(None),
            note: None,
            extra: [("zeta".to_owned(), serde_json::json!([1]))].into(),
        };
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"id":7,"label":null,"zeta":[1]}"#
        );
    }

    #[test]
    fn extra_never_repeats_a_written_field() {
        let sample = Sample {
            id: 7,
            label: None,
            note: Some("kept".to_owned()),
            extra: [
                ("id".to_owned(), serde_json::json!(5)),
                ("label".to_owned(), serde_json::json!("only here")),
                ("note".to_owned(), serde_json::json!("dropped")),
            ]
            .into(),
        };
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"id":7,"note":"kept","label":"only here"}"#
        );
    }

    #[test]
    fn the_first_error_is_returned() {
        struct Fails;
        impl Serialize for Fails {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("first"))
            }
        }
        struct FailsToo;
        impl Serialize for FailsToo {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("second"))
            }
        }
        struct Three;
        impl Serialize for Three {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut object = Object::new(serializer)?;
                object.field("a", &Fails);
                object.field("b", &FailsToo);
                object.field("c", &1);
                object.end()
            }
        }
        let error = serde_json::to_string(&Three).unwrap_err();
        assert_eq!(error.to_string(), "first");
    }
}
