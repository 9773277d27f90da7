//! The one place where wire names become Rust names.
//!
//! Names are sanitised to ASCII identifiers, cased with `heck`, kept clear of keywords and of
//! the prelude names that generated code relies on, and made unique by a `Namespace` in a
//! deterministic order (the caller's), so the same input always gives the same names.

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Every Rust keyword, strict and reserved, in all editions.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Prelude names generated code uses unqualified; a type of that name would shadow them.
const PRELUDE_TYPES: &[&str] = &[
    "AsMut",
    "AsRef",
    "Box",
    "Clone",
    "Copy",
    "Default",
    "Drop",
    "Eq",
    "Err",
    "Extend",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "FromIterator",
    "Into",
    "IntoIterator",
    "Iterator",
    "None",
    "Ok",
    "Option",
    "Ord",
    "PartialEq",
    "PartialOrd",
    "Result",
    "Send",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "ToString",
    "TryFrom",
    "TryInto",
    "Unpin",
    "Vec",
];

/// Splits a wire name into ASCII words: anything that is not an ASCII letter or digit
/// separates words, so `high-usage-report`, `x.y` and `año` all give usable pieces.
fn ascii_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A type name: `BatchResponse`, `PublicObjectId`.
pub fn type_name(raw: &str) -> String {
    let name = ascii_words(raw).to_upper_camel_case();
    let name = match name.chars().next() {
        None => "Type".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("T{name}"),
        Some(_) => name,
    };
    if KEYWORDS.contains(&name.as_str()) || PRELUDE_TYPES.contains(&name.as_str()) {
        format!("{name}Type")
    } else {
        name
    }
}

/// A field, function or parameter name: `to_object_id`, `type_`.
pub fn value_name(raw: &str) -> String {
    let name = ascii_words(raw).to_snake_case();
    let name = match name.chars().next() {
        None => "field".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("n{name}"),
        Some(_) => name,
    };
    if KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else {
        name
    }
}

/// An enum variant for a wire value: `HUBSPOT_DEFINED` is `HubspotDefined`.
pub fn variant_name(raw: &str) -> String {
    let name = ascii_words(raw).to_upper_camel_case();
    match name.chars().next() {
        None => "Empty".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("V{name}"),
        Some(_) if name == "Self" => "SelfValue".to_owned(),
        Some(_) => name,
    }
}

/// Names a version's module (and cargo feature) may not take: the crate's own modules and
/// features, and the crates generated code names by path.
const RESERVED_MODULES: &[&str] = &[
    "alloc",
    "chrono",
    "client",
    "core",
    "default",
    "fastrand",
    "futures_util",
    "lib",
    "reqwest",
    "runtime",
    "serde",
    "serde_json",
    "shared",
    "std",
    "tokio",
    "tracing",
];

/// The module (and cargo feature) for a version: `v4`, `2026-03` is `v2026_03`.
pub fn module_name(version: &str) -> String {
    let name = ascii_words(version).to_snake_case();
    let name = if name.is_empty() {
        "api".to_owned()
    } else {
        name
    };
    if name.starts_with('v') && name[1..].starts_with(|c: char| c.is_ascii_digit()) {
        name
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("v{name}")
    } else if KEYWORDS.contains(&name.as_str()) || RESERVED_MODULES.contains(&name.as_str()) {
        format!("{name}_api")
    } else {
        name
    }
}

/// Names already given in one scope. `claim` hands out the wanted name, or the first of
/// `name2`, `name3`, ... that is free.
#[derive(Clone, Debug, Default)]
pub struct Namespace {
    used: BTreeSet<String>,
}

impl Namespace {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn is_free(&self, name: &str) -> bool {
        !self.used.contains(name)
    }

    pub fn claim(&mut self, wanted: &str) -> String {
        let mut name = wanted.to_owned();
        let mut n = 2;
        while self.used.contains(&name) {
            // `foo_` + `2` would read as `foo_2`; keep suffixes readable for snake case too.
            name = if wanted.ends_with('_') {
                format!("{wanted}{n}")
            } else if wanted.ends_with(|c: char| c.is_ascii_digit()) {
                // `V2` + `2` would read as `V22`.
                format!("{wanted}_{n}")
            } else if wanted.contains('_') || wanted.chars().all(|c| c.is_ascii_lowercase()) {
                format!("{wanted}_{n}")
            } else {
                format!("{wanted}{n}")
            };
            n += 1;
        }
        self.used.insert(name.clone());
        name
    }
}

/// Path words that say what a POST does; they become the function's verb.
const PATH_VERBS: &[&str] = &[
    "archive",
    "associate",
    "create",
    "delete",
    "merge",
    "purge",
    "read",
    "search",
    "update",
    "upsert",
];

/// A request function's name from its method and path: the API's prefix
/// (`/crm/v4/associations`, `/crm/objects/2026-03`, ...) is dropped, the verb is a path word
/// like `archive` or follows from the method, and the remaining literal words are the noun:
/// `POST .../batch/read` is `batch_read`, `GET .../{from}/{to}/labels` is `list_labels`,
/// `DELETE .../labels/{id}` is `delete_label`. `lists` says whether a GET takes a paging
/// cursor, which makes it `list_*` even when the path ends in a parameter.
pub fn operation_name(method: &str, path: &str, lists: bool) -> String {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // The prefix: `crm` and the version and API words around it, up to the first other segment.
    let mut start = 0;
    while let Some(segment) = segments.get(start) {
        let prefix_word =
            matches!(*segment, "crm" | "associations" | "objects") || is_version(segment);
        if !prefix_word || start >= 3 {
            break;
        }
        start += 1;
    }
    let rest = &segments[start..];
    let ends_with_param = rest.last().is_some_and(|s| s.starts_with('{'));
    let mut words: Vec<String> = Vec::new();
    for segment in rest.iter().filter(|s| !s.starts_with('{')) {
        let segment_words: Vec<String> = ascii_words(segment)
            .to_snake_case()
            .split('_')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect();
        // `usage/high-usage-report` says `usage` twice; keep it where the later segment has it.
        words.retain(|w| !segment_words.contains(w));
        words.extend(segment_words);
    }
    let batch = words
        .iter()
        .position(|w| w == "batch")
        .map(|i| words.remove(i))
        .is_some();
    let verb = match words.iter().rposition(|w| PATH_VERBS.contains(&w.as_str())) {
        Some(i) => words.remove(i),
        None => match method.to_ascii_lowercase().as_str() {
            "get" if lists || !ends_with_param => "list".to_owned(),
            "get" => "get".to_owned(),
            "post" => "create".to_owned(),
            "put" if ends_with_param => "create".to_owned(),
            "put" | "patch" => "update".to_owned(),
            "delete" => "delete".to_owned(),
            other => other.to_owned(),
        },
    };
    // One thing is created, updated or deleted; lists and batches are plural.
    if !batch && verb != "list" {
        if let Some(last) = words.last_mut() {
            *last = singular(last);
        }
    }
    let mut parts = Vec::new();
    if batch {
        parts.push("batch".to_owned());
    }
    parts.push(verb);
    parts.extend(words);
    value_name(&parts.join("_"))
}

fn is_version(segment: &str) -> bool {
    let bytes = segment.as_bytes();
    let v_number =
        bytes.len() >= 2 && bytes[0] == b'v' && bytes[1..].iter().all(u8::is_ascii_digit);
    let date = bytes.len() == 7
        && bytes[4] == b'-'
        && segment.chars().filter(|c| c.is_ascii_digit()).count() == 6;
    v_number || date
}

fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("ss") || word.len() <= 3 {
        word.to_owned()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_owned()
    }
}

/// Property names that hold record ids. The documents type them as strings, but HubSpot
/// sends numbers, so they get the lenient `ObjectId` type.
pub fn is_object_id_property(wire: &str) -> bool {
    wire == "id" || wire == "objectId" || wire.ends_with("ObjectId")
}

/// Query parameters that carry HubSpot's paging cursors, which arrive already
/// percent-encoded (`paging.next.after`) and must be sent back as they came.
pub fn is_paging_cursor(wire: &str) -> bool {
    wire == "after" || wire == "before"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(type_name("BatchResponse"), "BatchResponse");
        assert_eq!(type_name("batch_response-v2"), "BatchResponseV2");
        assert_eq!(type_name("Self"), "SelfType");
        assert_eq!(type_name("Option"), "OptionType");
        assert_eq!(type_name("200"), "T200");
        assert_eq!(type_name(""), "Type");
        assert_eq!(value_name("toObjectId"), "to_object_id");
        assert_eq!(value_name("type"), "type_");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(value_name("1st"), "n1st");
        assert_eq!(value_name("$$"), "field");
        assert_eq!(variant_name("HUBSPOT_DEFINED"), "HubspotDefined");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("2nd"), "V2nd");
        assert_eq!(module_name("v4"), "v4");
        assert_eq!(module_name("2026-03"), "v2026_03");
        assert_eq!(module_name("1.0.0"), "v1_0_0");
        assert_eq!(module_name("client"), "client_api");
        assert_eq!(module_name("shared"), "shared_api");
    }

    #[test]
    fn namespace_suffixes_deterministically() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("Foo"), "Foo");
        assert_eq!(ns.claim("Foo"), "Foo2");
        assert_eq!(ns.claim("foo_bar"), "foo_bar");
        assert_eq!(ns.claim("foo_bar"), "foo_bar_2");
        assert_eq!(ns.claim("type_"), "type_");
        assert_eq!(ns.claim("type_"), "type_2");
        assert_eq!(ns.claim("V2"), "V2");
        assert_eq!(ns.claim("V2"), "V2_2");
    }

    #[test]
    fn operation_names() {
        let name = |m, p| operation_name(m, p, false);
        assert_eq!(
            name(
                "POST",
                "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read"
            ),
            "batch_read"
        );
        assert_eq!(
            name(
                "POST",
                "/crm/associations/2026-03/{from}/{to}/batch/labels/archive"
            ),
            "batch_archive_labels"
        );
        assert_eq!(
            name(
                "GET",
                "/crm/associations/v4/{fromObjectType}/{toObjectType}/labels"
            ),
            "list_labels"
        );
        assert_eq!(
            name(
                "POST",
                "/crm/associations/v4/{fromObjectType}/{toObjectType}/labels"
            ),
            "create_label"
        );
        assert_eq!(
            name(
                "PUT",
                "/crm/associations/v4/{fromObjectType}/{toObjectType}/labels"
            ),
            "update_label"
        );
        assert_eq!(
            name(
                "DELETE",
                "/crm/associations/v4/{f}/{t}/labels/{associationTypeId}"
            ),
            "delete_label"
        );
        assert_eq!(
            name(
                "PUT",
                "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}"
            ),
            "create_association"
        );
        assert_eq!(name("DELETE", "/crm/objects/2026-03/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}"), "delete_association");
        assert_eq!(
            operation_name(
                "GET",
                "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}",
                true
            ),
            "list_associations"
        );
        assert_eq!(
            name("POST", "/crm/objects/2026-03/{objectType}/search"),
            "search"
        );
        assert_eq!(
            name("GET", "/crm/associations/v4/definitions/configurations/all"),
            "list_definitions_configurations_all"
        );
        assert_eq!(
            name(
                "POST",
                "/crm/v4/associations/usage/high-usage-report/{userId}"
            ),
            "create_high_usage_report"
        );
    }

    #[test]
    fn object_id_properties() {
        assert!(is_object_id_property("id"));
        assert!(is_object_id_property("toObjectId"));
        assert!(!is_object_id_property("correlationId"));
        assert!(!is_object_id_property("fromObjectTypeId"));
    }

    #[test]
    fn paging_cursors() {
        assert!(is_paging_cursor("after"));
        assert!(is_paging_cursor("before"));
        assert!(!is_paging_cursor("limit"));
        assert!(!is_paging_cursor("After"));
    }
}
