use std::borrow::Borrow;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The id of a CRM record (contact, company, deal, ticket, custom object, ...).
///
/// HubSpot documents ids as strings but the live API often sends them as JSON numbers, some
/// larger than `2^31`. An `ObjectId` accepts both and always serialises as a string, which is
/// what the API documents for requests.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct ObjectId(String);

impl ObjectId {
    /// Wraps an id given as text.
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    /// The id as text, exactly as it would be sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Consumes the id and returns its text.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The id as a number, when it is one (HubSpot's own ids always are).
    pub fn as_u64(&self) -> Option<u64> {
        self.0.parse().ok()
    }
}

impl fmt::Debug for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for ObjectId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for ObjectId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<String> for ObjectId {
    fn from(id: String) -> Self {
        Self(id)
    }
}

impl From<&str> for ObjectId {
    fn from(id: &str) -> Self {
        Self(id.to_owned())
    }
}

impl From<&String> for ObjectId {
    fn from(id: &String) -> Self {
        Self(id.clone())
    }
}

impl From<u64> for ObjectId {
    fn from(id: u64) -> Self {
        Self(id.to_string())
    }
}

impl From<i64> for ObjectId {
    fn from(id: i64) -> Self {
        Self(id.to_string())
    }
}

impl From<u32> for ObjectId {
    fn from(id: u32) -> Self {
        Self(id.to_string())
    }
}

impl From<i32> for ObjectId {
    fn from(id: i32) -> Self {
        Self(id.to_string())
    }
}

impl From<ObjectId> for String {
    fn from(id: ObjectId) -> Self {
        id.0
    }
}

impl PartialEq<str> for ObjectId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ObjectId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for ObjectId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ObjectId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ObjectIdVisitor)
    }
}

struct ObjectIdVisitor;

impl Visitor<'_> for ObjectIdVisitor {
    type Value = ObjectId;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object id as a string or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ObjectId, E> {
        Ok(ObjectId(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<ObjectId, E> {
        Ok(ObjectId(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<ObjectId, E> {
        Ok(ObjectId(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<ObjectId, E> {
        Ok(ObjectId(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<ObjectId, E> {
        Ok(ObjectId(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<ObjectId, E> {
        Ok(ObjectId(v.to_string()))
    }
}
