//! Deserialisation helpers called by generated `Deserialize` impls.
//!
//! Generated structs deserialise through one map visitor ([`object`] over the struct's
//! [`Slots`]) instead of `#[serde(flatten)]`: flatten buffers the whole object before typing
//! it, which is several times slower, while the visitor keeps unknown keys in the struct's
//! `extra` map as it goes. The visitor lives here rather than in every struct, which makes the
//! generated crate shorter and quicker to compile (measured in the generator's BENCHMARKS.md).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};

/// An object key, borrowed from the input when the format allows it.
pub enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub fn into_string(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v))
    }
}

/// A generated struct's fields while it is read: the one map visitor below hands each key to
/// `read` and makes the struct with `finish`, so generated code spells out only what differs
/// between structs.
pub trait Slots<'de>: Default {
    type Value;
    /// What the visitor expects, for serde's error messages (`a Foo object`).
    const EXPECTING: &'static str;
    fn read<A: MapAccess<'de>>(&mut self, key: Key<'de>, map: &mut A) -> Result<(), A::Error>;
    fn finish<E: de::Error>(self) -> Result<Self::Value, E>;
}

/// Reads a JSON object through `S`.
pub fn object<'de, S: Slots<'de>, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<S::Value, D::Error> {
    deserializer.deserialize_map(ObjectVisitor::<S>(std::marker::PhantomData))
}

struct ObjectVisitor<S>(std::marker::PhantomData<S>);

impl<'de, S: Slots<'de>> Visitor<'de> for ObjectVisitor<S> {
    type Value = S::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(S::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<S::Value, A::Error> {
        let mut slots = S::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            slots.read(key, &mut map)?;
        }
        slots.finish()
    }
}

/// Reads the value of a known field into its slot, rejecting a second occurrence.
pub fn field<'de, T, A>(
    slot: &mut Option<T>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error>
where
    T: Deserialize<'de>,
    A: MapAccess<'de>,
{
    if slot.is_some() {
        return Err(de::Error::duplicate_field(name));
    }
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads the value of a known field of a lenient type (an error schema): a value that does
/// not fit the field's type is kept in `extra` under its key, and the field stays empty, so
/// one odd field never loses the rest of the object.
pub fn lenient_field<'de, T, A>(
    slot: &mut Option<T>,
    extra: &mut BTreeMap<String, serde_json::Value>,
    map: &mut A,
    name: &'static str,
) -> Result<(), A::Error>
where
    T: de::DeserializeOwned,
    A: MapAccess<'de>,
{
    if slot.is_some() || extra.contains_key(name) {
        return Err(de::Error::duplicate_field(name));
    }
    let value: serde_json::Value = map.next_value()?;
    match T::deserialize(&value) {
        Ok(typed) => *slot = Some(typed),
        Err(_) => {
            extra.insert(name.to_owned(), value);
        }
    }
    Ok(())
}

/// Reads the value of a key the struct does not declare into its `extra` map.
pub fn unknown<'de, V, A>(
    extra: &mut BTreeMap<String, V>,
    key: Key<'de>,
    map: &mut A,
) -> Result<(), A::Error>
where
    V: Deserialize<'de>,
    A: MapAccess<'de>,
{
    let value = map.next_value()?;
    extra.insert(key.into_string(), value);
    Ok(())
}

/// Deserialises a string-valued enum through `From<&str>`, which maps values the crate does
/// not know to the enum's catch-all variant instead of failing.
pub fn string_enum<'de, T, D>(deserializer: D) -> Result<T, D::Error>
where
    T: for<'a> From<&'a str> + From<String>,
    D: Deserializer<'de>,
{
    Ok(match Key::deserialize(deserializer)? {
        Key::Borrowed(s) => T::from(s),
        Key::Owned(s) => T::from(s),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error item with one lenient optional field, read as generated code reads it.
    #[derive(Debug, PartialEq)]
    struct Item {
        message: String,
        errors: Option<Vec<String>>,
        extra: BTreeMap<String, serde_json::Value>,
    }

    impl<'de> Deserialize<'de> for Item {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            #[derive(Default)]
            struct ItemSlots {
                message: Option<String>,
                errors: Option<Option<Vec<String>>>,
                extra: BTreeMap<String, serde_json::Value>,
            }
            impl<'de> Slots<'de> for ItemSlots {
                type Value = Item;
                const EXPECTING: &'static str = "an item";
                fn read<A: MapAccess<'de>>(
                    &mut self,
                    key: Key<'de>,
                    map: &mut A,
                ) -> Result<(), A::Error> {
                    match key.as_str() {
                        "message" => field(&mut self.message, map, "message"),
                        "errors" => lenient_field(&mut self.errors, &mut self.extra, map, "errors"),
                        _ => unknown(&mut self.extra, key, map),
                    }
                }
                fn finish<E: de::Error>(self) -> Result<Item, E> {
                    let Some(message) = self.message else {
                        return Err(E::missing_field("message"));
                    };
                    Ok(Item {
                        message,
                        errors: self.errors.flatten(),
                        extra: self.extra,
                    })
                }
            }
            object::<ItemSlots, D>(deserializer)
        }
    }

    #[test]
    fn a_lenient_field_that_does_not_fit_is_kept_aside() {
        let item: Item = serde_json::from_str(r#"{"message":"m","errors":{"odd":1}}"#).unwrap();
        assert_eq!(item.message, "m");
        assert_eq!(item.errors, None);
        assert_eq!(item.extra["errors"], serde_json::json!({"odd": 1}));
    }

    #[test]
    fn a_lenient_field_reads_values_that_fit_and_null() {
        let item: Item = serde_json::from_str(r#"{"message":"m","errors":["a"]}"#).unwrap();
        assert_eq!(item.errors, Some(vec!["a".to_owned()]));
        assert!(item.extra.is_empty());
        let item: Item = serde_json::from_str(r#"{"errors":null,"message":"m"}"#).unwrap();
        assert_eq!(item.errors, None);
        assert!(item.extra.is_empty());
    }

    #[test]
    fn a_missing_required_field_or_a_non_object_is_an_error_that_says_so() {
        let error = serde_json::from_str::<Item>(r#"{"errors":[]}"#).unwrap_err();
        assert!(
            error.to_string().contains("missing field `message`"),
            "{error}"
        );
        let error = serde_json::from_str::<Item>("[1]").unwrap_err();
        assert!(error.to_string().contains("expected an item"), "{error}");
    }

    #[test]
    fn a_lenient_field_given_twice_is_an_error() {
        let twice = r#"{"message":"m","errors":5,"errors":["a"]}"#;
        let error = serde_json::from_str::<Item>(twice).unwrap_err();
        assert!(
            error.to_string().contains("duplicate field `errors`"),
            "{error}"
        );
    }
}
