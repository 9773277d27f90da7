//! Random JSON that fits a generated type, made from the intermediate model with a seeded
//! generator so every failure can be replayed.
//!
//! Besides well-formed values it makes the things the live API sends and the documents do
//! not promise: record ids as numbers, enum values nobody has documented, properties nobody
//! has declared, `null` for optional fields, and optional fields left out.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Map, Value};
use xtask::ir::{TypeId, TypeKind, TypeRef, TypeTable};

const STRINGS: &[&str] = &[
    "",
    "contacts",
    "0-1",
    "a \"quoted\" value",
    "línea\nnueva",
    "emoji 🙂",
    "back\\slash",
    "HUBSPOT_DEFINED",
    "   spaced   ",
];

/// Past this depth optional fields are left out and lists are empty, so recursive types end.
const MAX_DEPTH: usize = 5;

pub struct Sampler<'a> {
    types: &'a TypeTable,
    rng: StdRng,
}

impl<'a> Sampler<'a> {
    pub fn new(types: &'a TypeTable, seed: u64) -> Self {
        Sampler {
            types,
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// A value of the type of this name.
    pub fn named(&mut self, name: &str) -> Value {
        let id = self
            .types
            .id_of(name)
            .unwrap_or_else(|| panic!("type {name} is not in the model"));
        self.value(&TypeRef::Named(id), 0)
    }

    fn chance(&mut self, percent: u32) -> bool {
        self.rng.random_range(0..100) < percent
    }

    fn string(&mut self) -> String {
        let i = self.rng.random_range(0..STRINGS.len() + 2);
        match STRINGS.get(i) {
            Some(s) => (*s).to_owned(),
            None => format!("s{}", self.rng.random::<u32>()),
        }
    }

    pub fn value(&mut self, ty: &TypeRef, depth: usize) -> Value {
        match ty {
            TypeRef::String => Value::String(self.string()),
            TypeRef::Boolean => Value::Bool(self.rng.random()),
            TypeRef::I32 => json!(self.rng.random::<i32>()),
            TypeRef::I64 => json!(self.rng.random::<i64>()),
            // Quarters are exact in binary, so the text survives f32 and f64 alike.
            TypeRef::F32 | TypeRef::F64 => {
                json!(f64::from(self.rng.random_range(-4000..4000)) / 4.0)
            }
            TypeRef::DateTime => {
                let seconds = self.rng.random_range(946_684_800_i64..2_208_988_800);
                let millis = self.rng.random_range(0..1000);
                let at = chrono::DateTime::from_timestamp(seconds, millis * 1_000_000)
                    .expect("in range");
                let text = if self.chance(50) {
                    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
                } else {
                    at.with_timezone(
                        &chrono::FixedOffset::east_opt(5 * 3600).expect("valid offset"),
                    )
                    .to_rfc3339()
                };
                Value::String(text)
            }
            TypeRef::Date => {
                let days = self.rng.random_range(0..20_000);
                let date = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).expect("valid date")
                    + chrono::Days::new(days);
                Value::String(date.to_string())
            }
            TypeRef::ObjectId => {
                // The live API sends ids as numbers, often beyond 2^31.
                let id = self.rng.random_range(1..u64::MAX / 2);
                if self.chance(50) {
                    json!(id)
                } else {
                    Value::String(id.to_string())
                }
            }
            TypeRef::Json => self.any_json(depth),
            TypeRef::List(inner) => {
                let len = if depth >= MAX_DEPTH {
                    0
                } else {
                    self.rng.random_range(0..4)
                };
                Value::Array((0..len).map(|_| self.value(inner, depth + 1)).collect())
            }
            TypeRef::Map(inner) => {
                let len = if depth >= MAX_DEPTH {
                    0
                } else {
                    self.rng.random_range(0..4)
                };
                Value::Object(
                    (0..len)
                        .map(|i| {
                            (
                                format!("key{i}-{}", self.string()),
                                self.value(inner, depth + 1),
                            )
                        })
                        .collect(),
                )
            }
            TypeRef::Boxed(inner) => self.value(inner, depth),
            TypeRef::Named(id) => self.named_value(*id, depth),
        }
    }

    fn named_value(&mut self, id: TypeId, depth: usize) -> Value {
        let def = self.types.get(id).unwrap_or_else(|| {
            let name = self.types.name(id);
            panic!("type {name} has no definition")
        });
        match &def.kind {
            TypeKind::Alias(target) => self.value(target, depth),
            TypeKind::Enum(e) => {
                if e.variants.is_empty() || self.chance(15) {
                    Value::String(format!("UNDOCUMENTED_{}", self.rng.random::<u16>()))
                } else {
                    let i = self.rng.random_range(0..e.variants.len());
                    Value::String(e.variants[i].wire.clone())
                }
            }
            TypeKind::Union(u) => {
                let i = self.rng.random_range(0..u.variants.len());
                self.value(&u.variants[i].ty, depth + 1)
            }
            TypeKind::Struct(s) => {
                let mut object = Map::new();
                for field in &s.fields {
                    if !field.required && (depth >= MAX_DEPTH || self.chance(30)) {
                        continue;
                    }
                    if field.is_option() && self.chance(15) {
                        object.insert(field.wire_name.clone(), Value::Null);
                        continue;
                    }
                    let value = self.value(&field.ty, depth + 1);
                    object.insert(field.wire_name.clone(), value);
                }
                if let Some(extra) = &s.extra {
                    let count = if self.chance(40) {
                        self.rng.random_range(1..3)
                    } else {
                        0
                    };
                    for i in 0..count {
                        let key = format!("undeclared{i}");
                        if s.fields.iter().any(|f| f.wire_name == key) {
                            continue;
                        }
                        let value = match extra.value {
                            TypeRef::Json if self.chance(30) => Value::Null,
                            ref ty => self.value(ty, depth + 1),
                        };
                        object.insert(key, value);
                    }
                }
                Value::Object(object)
            }
        }
    }

    fn any_json(&mut self, depth: usize) -> Value {
        let pick = if depth >= MAX_DEPTH {
            self.rng.random_range(0..4)
        } else {
            self.rng.random_range(0..6)
        };
        match pick {
            0 => Value::Null,
            1 => Value::Bool(self.rng.random()),
            2 => json!(self.rng.random::<i32>()),
            3 => Value::String(self.string()),
            4 => Value::Array(
                (0..self.rng.random_range(0..3))
                    .map(|_| self.any_json(depth + 1))
                    .collect(),
            ),
            _ => Value::Object(
                (0..self.rng.random_range(0..3))
                    .map(|i| (format!("k{i}"), self.any_json(depth + 1)))
                    .collect(),
            ),
        }
    }
}
