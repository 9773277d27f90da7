//! Whether an operation sends the access token, as OpenAPI's `security` says.

use openapiv3::SecurityRequirement;

use crate::ir::Auth;
use crate::load::Document;

/// The operation's `security`, else the document's: `[]` asks for no credentials, so the
/// token is never sent; an empty requirement (`{}`) among the alternatives makes
/// credentials optional; any other requirement needs the token. A document that declares
/// no `security` anywhere says nothing either way: the token is sent when the client has
/// one (HubSpot ignores a valid token where none is needed), and a client without one sends
/// the request without it.
pub(super) fn of_operation(doc: &Document, op: &openapiv3::Operation) -> Auth {
    of_requirements(op.security.as_deref().or(doc.api.security.as_deref()))
}

fn of_requirements(requirements: Option<&[SecurityRequirement]>) -> Auth {
    match requirements {
        None => Auth::Optional,
        Some([]) => Auth::Anonymous,
        Some(alternatives) if alternatives.iter().any(|r| r.is_empty()) => Auth::Optional,
        Some(_) => Auth::Required,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn requirement(schemes: &[&str]) -> SecurityRequirement {
        schemes
            .iter()
            .map(|s| (s.to_string(), Vec::new()))
            .collect()
    }

    #[test]
    fn security_decides_whether_the_token_is_sent() {
        assert_eq!(of_requirements(Some(&[])), Auth::Anonymous);
        assert_eq!(
            of_requirements(Some(&[requirement(&["oauth2"])])),
            Auth::Required
        );
        assert_eq!(
            of_requirements(Some(&[
                requirement(&["oauth2"]),
                requirement(&["private_apps"])
            ])),
            Auth::Required
        );
        assert_eq!(
            of_requirements(Some(&[requirement(&["oauth2"]), requirement(&[])])),
            Auth::Optional
        );
        assert_eq!(of_requirements(None), Auth::Optional);
    }
}
