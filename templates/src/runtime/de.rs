//! Deserialisation helpers called by generated `Deserialize` impls.
//!
//! Generated structs deserialise through a hand-rolled map visitor instead of
//! `#[serde(flatten)]`: flatten buffers the whole object before typing it, which is several
//! times slower, while the visitor keeps unknown keys in the struct's `extra` map as it goes.

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
