//! The one place where wire names become Rust names.
//!
//! Names are sanitised to ASCII identifiers, cased with `heck`, kept clear of keywords and of
//! the prelude names that generated code relies on, and made unique by a `Namespace` in a
//! deterministic order (the caller's), so the same input always gives the same names.

mod operations;

use std::collections::BTreeSet;

use heck::{ToSnakeCase, ToUpperCamelCase};

pub use operations::{
    is_version, operation_name, unique_operation_names, ApiPrefix, FunctionName, OperationSite,
    WantedName,
};

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
    "hubspot_runtime",
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

/// An API's title without the words that name a version (`V4`, `v3`, `2026-03`,
/// `2026-09-beta`, as [`is_version`] tells them) or repeat an earlier word: `Automation Actions V4` is
/// `Automation Actions`, `Files Files` is `Files`. Words keep their case.
pub fn api_title(title: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for word in title.split_whitespace() {
        let repeated = kept.iter().any(|k| k.eq_ignore_ascii_case(word));
        if !repeated && !is_version(&word.to_ascii_lowercase()) {
            kept.push(word);
        }
    }
    kept.join(" ")
}

/// The module of an API in a crate of several, from its title (see [`api_title`]):
/// `Automation Actions V4` is `automation_actions`, `CMS Media Bridge` is `cms_media_bridge`.
pub fn api_module_name(title: &str) -> String {
    let words: Vec<String> = ascii_words(&api_title(title))
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let name = words.join("_");
    if name.is_empty() {
        "api".to_owned()
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api_{name}")
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

/// Property names that hold record ids. The documents type them as strings, but HubSpot
/// sends numbers, so they get the lenient `ObjectId` type.
pub fn is_object_id_property(wire: &str) -> bool {
    wire == "id" || wire == "objectId" || wire.ends_with("ObjectId")
}

/// Words before `token` that make it a place in a list rather than a credential
/// (`next_page_token`, `continuation_token`).
const LIST_POSITION_WORDS: &[&str] = &["page", "next", "continuation", "cursor", "sync"];

/// Whether a property or parameter named `wire` holds a credential, by its name (in any
/// case: `clientSecret` is `client_secret`): one ending in `secret`, `password`, `api_key`,
/// `secret_key`, `private_key`, `apikey` or `hapikey` (HubSpot's developer key), `token`
/// (`access_token`, `refresh_token`, `id_token`, a bare `token`) unless it names a place in
/// a list (`next_page_token`), `code_verifier` (PKCE), `authorization`, and `code` beside
/// `grant_type` or `redirect_uri` among `siblings` (an OAuth authorization code; elsewhere
/// a `code` is a status or error code). `x-secret` overrides the rule.
pub fn is_secret_name(wire: &str, siblings: &[&str]) -> bool {
    let snake = wire.to_snake_case();
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [.., "secret" | "password" | "passphrase" | "apikey" | "hapikey"] => true,
        [.., "api" | "secret" | "private", "key"] => true,
        [.., "code", "verifier"] | ["authorization"] => true,
        [.., before, "token"] if LIST_POSITION_WORDS.contains(before) => false,
        [.., "token"] => true,
        ["code"] => siblings
            .iter()
            .any(|s| matches!(s.to_snake_case().as_str(), "grant_type" | "redirect_uri")),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_told_by_their_names() {
        for secret in [
            "client_secret",
            "clientSecret",
            "password",
            "userPassword",
            "api_key",
            "apiKey",
            "hapikey",
            "private_key",
            "access_token",
            "refreshToken",
            "id_token",
            "token",
            "code_verifier",
            "authorization",
        ] {
            assert!(is_secret_name(secret, &[]), "{secret}");
        }
        for plain in [
            "client_id",
            "token_type",
            "token_type_hint",
            "expires_in",
            "next_page_token",
            "pageToken",
            "continuation_token",
            "secretary",
            "keyword",
            "code",
            "status_code",
            "redirect_uri",
        ] {
            assert!(!is_secret_name(plain, &[]), "{plain}");
        }
        // An OAuth authorization code is a `code` sent with a grant type or redirect URI.
        assert!(is_secret_name("code", &["grant_type", "code", "client_id"]));
        assert!(is_secret_name("code", &["redirectUri"]));
        assert!(!is_secret_name("code", &["message", "in", "context"]));
    }

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
    fn api_names_from_titles() {
        let cases = [
            (
                "Automation Actions V4",
                "Automation Actions",
                "automation_actions",
            ),
            ("Files Files", "Files", "files"),
            ("Contacts", "Contacts", "contacts"),
            ("CMS Media Bridge", "CMS Media Bridge", "cms_media_bridge"),
            (
                "HubSpot CRM Associations",
                "HubSpot CRM Associations",
                "hubspot_crm_associations",
            ),
            ("Webhooks 2026-09-beta", "Webhooks", "webhooks"),
            ("Auth Oauth v1", "Auth Oauth", "auth_oauth"),
            ("Beta Features", "Beta Features", "beta_features"),
            ("Release 2026", "Release 2026", "release_2026"),
            ("3D Assets", "3D Assets", "api_3d_assets"),
            ("V4", "", "api"),
            ("Runtime", "Runtime", "runtime_api"),
            ("Self", "Self", "self_api"),
        ];
        for (title, cleaned, module) in cases {
            assert_eq!(api_title(title), cleaned, "{title}");
            assert_eq!(api_module_name(title), module, "{title}");
        }
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
    fn object_id_properties() {
        assert!(is_object_id_property("id"));
        assert!(is_object_id_property("toObjectId"));
        assert!(!is_object_id_property("correlationId"));
        assert!(!is_object_id_property("fromObjectTypeId"));
    }
}
