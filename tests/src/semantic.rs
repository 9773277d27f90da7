//! Equality of two JSON values as instances of a generated type.
//!
//! A round trip may legitimately change the text: an id sent as a number comes back as the
//! string the documents promise, `2024-01-01T05:00:00+05:00` comes back as
//! `2024-01-01T00:00:00Z`, and an optional field that was `null` comes back absent. Anything
//! else must be identical, including properties the schema does not declare.

use std::collections::BTreeMap;

use serde_json::Value;
use xtask::ir::{TypeKind, TypeRef, TypeTable};

/// `Ok` when `after` means the same as `before`; otherwise where and how they differ.
pub fn same(types: &TypeTable, ty: &TypeRef, before: &Value, after: &Value) -> Result<(), String> {
    compare(types, ty, before, after, "")
}

fn differ(at: &str, before: &Value, after: &Value) -> Result<(), String> {
    Err(format!(
        "at `{}`: {before} became {after}",
        if at.is_empty() { "/" } else { at }
    ))
}

fn compare(
    types: &TypeTable,
    ty: &TypeRef,
    before: &Value,
    after: &Value,
    at: &str,
) -> Result<(), String> {
    match ty {
        TypeRef::ObjectId => {
            let text = match before {
                Value::Number(n) => n.to_string(),
                Value::String(s) => s.clone(),
                _ => return differ(at, before, after),
            };
            if after.as_str() == Some(text.as_str()) {
                Ok(())
            } else {
                differ(at, before, after)
            }
        }
        TypeRef::DateTime => {
            let instant = |v: &Value| {
                v.as_str()
                    .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
            };
            match (instant(before), instant(after)) {
                (Some(a), Some(b)) if a == b => Ok(()),
                _ => differ(at, before, after),
            }
        }
        TypeRef::F32 | TypeRef::F64 => match (before.as_f64(), after.as_f64()) {
            (Some(a), Some(b)) if a == b => Ok(()),
            _ => differ(at, before, after),
        },
        TypeRef::Boxed(inner) => compare(types, inner, before, after, at),
        TypeRef::List(inner) => match (before, after) {
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
                .iter()
                .zip(b)
                .enumerate()
                .try_for_each(|(i, (x, y))| compare(types, inner, x, y, &format!("{at}/{i}"))),
            _ => differ(at, before, after),
        },
        TypeRef::Map(inner) => match (before, after) {
            (Value::Object(a), Value::Object(b)) if a.len() == b.len() => {
                a.iter().try_for_each(|(k, x)| match b.get(k) {
                    Some(y) => compare(types, inner, x, y, &format!("{at}/{k}")),
                    None => differ(&format!("{at}/{k}"), x, &Value::Null),
                })
            }
            _ => differ(at, before, after),
        },
        TypeRef::Named(id) => match &types.get(*id).expect("a defined type").kind {
            TypeKind::Alias(target) => compare(types, target, before, after, at),
            TypeKind::Enum(_) => exact(before, after, at),
            TypeKind::Union(u) => {
                if u.variants
                    .iter()
                    .any(|v| compare(types, &v.ty, before, after, at).is_ok())
                {
                    Ok(())
                } else {
                    differ(at, before, after)
                }
            }
            TypeKind::Struct(s) => {
                let (Value::Object(a), Value::Object(b)) = (before, after) else {
                    return differ(at, before, after);
                };
                for field in &s.fields {
                    let path = format!("{at}/{}", field.wire_name);
                    let x = a.get(&field.wire_name);
                    let y = b.get(&field.wire_name);
                    match (x, y) {
                        (None, None) => {}
                        // Absent and null mean the same for an optional field.
                        (None | Some(Value::Null), None | Some(Value::Null))
                            if field.is_option() => {}
                        (Some(x), Some(y)) => compare(types, &field.ty, x, y, &path)?,
                        (x, y) => {
                            return differ(
                                &path,
                                x.unwrap_or(&Value::Null),
                                y.unwrap_or(&Value::Null),
                            )
                        }
                    }
                }
                let declared = |k: &String| s.fields.iter().any(|f| &f.wire_name == k);
                let extra_a: BTreeMap<_, _> = a.iter().filter(|(k, _)| !declared(k)).collect();
                let extra_b: BTreeMap<_, _> = b.iter().filter(|(k, _)| !declared(k)).collect();
                if extra_a.keys().ne(extra_b.keys()) {
                    return Err(format!(
                        "at `{}`: undeclared properties {:?} became {:?}",
                        if at.is_empty() { "/" } else { at },
                        extra_a.keys().collect::<Vec<_>>(),
                        extra_b.keys().collect::<Vec<_>>()
                    ));
                }
                let extra_ty = s.extra.as_ref().map_or(TypeRef::Json, |e| e.value.clone());
                for (k, x) in extra_a {
                    compare(types, &extra_ty, x, extra_b[k], &format!("{at}/{k}"))?;
                }
                Ok(())
            }
        },
        _ => exact(before, after, at),
    }
}

fn exact(before: &Value, after: &Value, at: &str) -> Result<(), String> {
    if before == after {
        Ok(())
    } else {
        differ(at, before, after)
    }
}
