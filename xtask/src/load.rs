//! Stage 1: read a YAML or JSON file into an `openapiv3::OpenAPI`.
//!
//! Every failure names the file and, where the document is at fault, the JSON pointer of the
//! offending value. The document is parsed into `serde_json::Value` first (YAML keys such as
//! `200:` are numbers and become strings here), checked for the few things whose absence
//! `openapiv3` reports poorly, its schemas checked one by one (`load/schemas.rs`), then typed
//! with `serde_path_to_error` so errors carry a path.

#[cfg(test)]
mod deep_tests;
mod locate;
mod schemas;
mod typed_places;

use std::path::Path;

use openapiv3::OpenAPI;
use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Pointer, Result};

/// One parsed document and the name it is reported under.
#[derive(Clone, Debug)]
pub struct Document {
    /// How the file is named in messages and generated headers (relative, `/`-separated).
    pub file: String,
    pub api: OpenAPI,
}

/// Reads and parses one document. `display` is the name used in messages.
pub fn load_file(path: &Path, display: &str) -> Result<Document> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| Error::spec(display, &Pointer::root(), format!("not UTF-8 text: {e}")))?;
    let is_json = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("json"));
    parse_str(&text, display, is_json)
}

/// Parses document text; JSON when `is_json`, YAML otherwise.
pub fn parse_str(text: &str, file: &str, is_json: bool) -> Result<Document> {
    parse_value(read_value(text, file, is_json)?, file)
}

/// Document text as JSON data, before any OpenAPI typing.
pub fn read_value(text: &str, file: &str, is_json: bool) -> Result<Value> {
    if is_json {
        serde_json::from_str::<Value>(text)
            .map_err(|e| Error::spec(file, &Pointer::root(), format!("invalid JSON: {e}")))
    } else {
        let yaml = serde_yaml::from_str::<serde_yaml::Value>(text)
            .map_err(|e| Error::spec(file, &Pointer::root(), format!("invalid YAML: {e}")))?;
        yaml_to_json(yaml, file, &Pointer::root())
    }
}

/// Types an already parsed document.
pub fn parse_value(mut value: Value, file: &str) -> Result<Document> {
    let root = Pointer::root();
    let Some(object) = value.as_object() else {
        return Err(Error::spec(
            file,
            &root,
            format!(
                "expected an OpenAPI document (a mapping) at the top level, found {}",
                kind(&value)
            ),
        ));
    };
    match object.get("openapi") {
        Some(Value::String(version)) if version.starts_with("3.0") => {}
        Some(Value::String(version)) => {
            return Err(Error::spec(
                file,
                &root.join("openapi"),
                format!("OpenAPI {version} is not supported; documents must be OpenAPI 3.0.x"),
            ))
        }
        Some(other) => {
            return Err(Error::spec(
                file,
                &root.join("openapi"),
                format!(
                    "expected a version string such as \"3.0.3\", found {}",
                    kind(other)
                ),
            ))
        }
        None => {
            return Err(Error::spec(
                file,
                &root,
                "missing required field `openapi` (is this an OpenAPI 3.0 document?)",
            ))
        }
    }
    for required in ["info", "paths"] {
        if !object.contains_key(required) {
            return Err(Error::spec(
                file,
                &root,
                format!("missing required field `{required}`"),
            ));
        }
    }
    // Each schema first, on its own: a bad one deep inside others would make the whole parse
    // retry at every level above it (see `load/schemas.rs`).
    if let Some((pointer, message)) = schemas::first_invalid(&mut value) {
        return Err(Error::spec(file, &pointer, message));
    }
    // Typed first without tracking where it is, which would cost a third more; only a
    // document that fails is typed again to say where.
    let typed = OpenAPI::deserialize(&value)
        .or_else(|_| serde_path_to_error::deserialize::<_, OpenAPI>(&value));
    let api = match typed {
        Ok(api) => api,
        Err(e) => {
            let (pointer, message) = locate::locate(&value)
                .unwrap_or_else(|| (path_to_pointer(e.path()), e.into_inner().to_string()));
            return Err(Error::spec(file, &pointer, message));
        }
    };
    Ok(Document {
        file: file.to_owned(),
        api,
    })
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> Pointer {
    use serde_path_to_error::Segment;
    path.iter()
        .fold(Pointer::root(), |pointer, segment| match segment {
            Segment::Seq { index } => pointer.join(index),
            Segment::Map { key } => pointer.join(key),
            Segment::Enum { variant } => pointer.join(variant),
            Segment::Unknown => pointer,
        })
}

/// Converts YAML to JSON data. Scalar keys become strings (`200:` is the key `"200"`).
fn yaml_to_json(value: serde_yaml::Value, file: &str, at: &Pointer) -> Result<Value> {
    use serde_yaml::Value as Y;
    Ok(match value {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| {
                        Error::spec(
                            file,
                            at,
                            format!("the number {n} cannot be represented in JSON"),
                        )
                    })?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| yaml_to_json(item, file, &at.join(i)))
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(map) => {
            let mut object = serde_json::Map::with_capacity(map.len());
            for (key, item) in map {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    Y::Null => "null".to_owned(),
                    other => {
                        return Err(Error::spec(
                            file,
                            at,
                            format!("mapping keys must be scalars, found {}", yaml_kind(&other)),
                        ))
                    }
                };
                let item = yaml_to_json(item, file, &at.join(&key))?;
                object.insert(key, item);
            }
            Value::Object(object)
        }
        Y::Tagged(tagged) => yaml_to_json(tagged.value, file, at)?,
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

fn yaml_kind(value: &serde_yaml::Value) -> &'static str {
    match value {
        serde_yaml::Value::Sequence(_) => "a sequence",
        serde_yaml::Value::Mapping(_) => "a mapping",
        _ => "a tagged value",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_yaml_keys_become_strings() {
        let doc = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";
        let parsed = parse_str(doc, "a.yaml", false).unwrap();
        let op = parsed.api.paths.paths["/a"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        assert!(op
            .responses
            .responses
            .contains_key(&openapiv3::StatusCode::Code(200)));
    }

    #[test]
    fn wrong_type_names_the_pointer() {
        let doc = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      parameters: 7\n      responses: {}\n";
        let err = parse_str(doc, "a.yaml", false).unwrap_err().to_string();
        assert!(
            err.starts_with("a.yaml: #/paths/~1a/get/parameters: "),
            "{err}"
        );
    }
}
