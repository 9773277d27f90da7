//! How many inputs one request of a batch operation may carry, decided once per operation
//! (`ir::Batch::limit`): `maxItems` on the body's `inputs` when the document sets it, else
//! `x-batch-max` on the operation, else HubSpot's documented limit for the API family the
//! path belongs to ([`TABLE`]), else [`DEFAULT`]. HubSpot's published documents never set
//! `maxItems` on `inputs`, and a request over the limit is refused whole (400), so the
//! table is what keeps batches of other APIs from failing.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};
use serde_json::Value;

use super::extensions;
use super::refs;
use super::schema::AsSchema;
use crate::error::{Pointer, Result};
use crate::ir::{BatchLimit, LimitSource, LowerLimit};
use crate::load::Document;
use crate::naming::is_version;

/// For a batch endpoint the table does not know: most of HubSpot's batch endpoints take 100,
/// and none documented takes fewer. A lower limit met live is learnt from the refusal.
pub const DEFAULT: u32 = 100;

/// One API family's documented limit.
pub struct Row {
    pub family: &'static str,
    /// Whether a path (split at `/`, without the leading empty segment) is of this family.
    pub matches: fn(&[&str]) -> bool,
    pub max: u32,
    /// A lower limit while the body asks for this (a non-empty list, or any other value).
    pub lower: Option<(&'static str, u32)>,
    /// Where the limit is documented.
    pub source: &'static str,
}

/// HubSpot's documented batch limits, by API family.
pub const TABLE: &[Row] = &[
    Row {
        family: "CRM objects",
        matches: crm_objects,
        max: 100,
        lower: Some(("propertiesWithHistory", 50)),
        source: "HubSpot's CRM object guides (developers.hubspot.com/docs/api-reference/\
                 crm-contacts-v3/guide): at most 100 inputs a batch request; a batch read with \
                 propertiesWithHistory at most 50, refused above with `The maximum number of \
                 inputs supported in a batch request for property histories is 50`",
    },
    Row {
        family: "Associations",
        matches: associations,
        max: 1000,
        lower: None,
        source: "HubSpot's developer changelog, `Batch Read Limit for HubSpot Associations \
                 API` (2024-09-23): at most 1,000 inputs a batch request to the v3 and v4 \
                 associations APIs and their date versions",
    },
];

/// `/crm/v3/objects/{objectType}/batch/...` and `/crm/objects/{version}/{objectType}/batch/...`.
fn crm_objects(segments: &[&str]) -> bool {
    match segments {
        ["crm", version, "objects", _, "batch", ..] => is_version(version),
        ["crm", "objects", version, _, "batch", ..] => is_version(version),
        _ => false,
    }
}

/// `/crm/v4/associations/{from}/{to}/batch/...` and
/// `/crm/associations/{version}/{from}/{to}/batch/...`; not the schema API's
/// `definitions/configurations`.
fn associations(segments: &[&str]) -> bool {
    match segments {
        ["crm", version, "associations", from, _, "batch", ..]
        | ["crm", "associations", version, from, _, "batch", ..] => {
            is_version(version) && *from != "definitions"
        }
        _ => false,
    }
}

/// The limit of a batch operation at `path`, whose JSON request body is `body` (as written,
/// at `body_at`); `extensions` are the operation's, at `at`.
pub(super) fn decide(
    doc: &Document,
    path: &str,
    extensions: &IndexMap<String, Value>,
    at: &Pointer,
    body: Option<(&ReferenceOr<Schema>, Pointer)>,
) -> Result<BatchLimit> {
    let row = table_row(path);
    // The conditional limit holds only where the body can ask for it.
    let lower = |fields: &[String]| {
        row.and_then(|row| row.lower)
            .filter(|(field, _)| fields.iter().any(|f| f == field))
            .map(|(field, max)| LowerLimit {
                field: field.to_owned(),
                max,
            })
    };
    let fields = match &body {
        Some((schema, at)) => body_fields(doc, schema, at)?,
        None => BodyFields::default(),
    };
    let (max, source) = if let Some(max) = fields.inputs_max_items {
        (max, LimitSource::MaxItems)
    } else if let Some(max) = extensions::batch_max(doc, extensions, at)? {
        (max, LimitSource::Extension)
    } else if let Some(row) = row {
        (row.max, LimitSource::Table(row.family))
    } else {
        (DEFAULT, LimitSource::Default)
    };
    Ok(BatchLimit {
        max,
        source,
        lower: lower(&fields.names),
    })
}

/// The row of [`TABLE`] a path belongs to.
pub fn table_row(path: &str) -> Option<&'static Row> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    TABLE.iter().find(|row| (row.matches)(&segments))
}

#[derive(Default)]
struct BodyFields {
    /// The body's properties, by wire name.
    names: Vec<String>,
    /// `maxItems` of its `inputs` array.
    inputs_max_items: Option<u32>,
}

/// What the body schema says of itself: its property names and `maxItems` on `inputs`.
fn body_fields(doc: &Document, schema: &ReferenceOr<Schema>, at: &Pointer) -> Result<BodyFields> {
    let (schema, at) = refs::item(doc, schema, at)?;
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return Ok(BodyFields::default());
    };
    let names = object.properties.keys().cloned().collect();
    let inputs_max_items = match object.properties.get("inputs") {
        None => None,
        Some(inputs) => {
            let inputs_at = at.join("properties").join("inputs");
            let inputs = match inputs {
                ReferenceOr::Item(schema) => schema.as_schema(),
                ReferenceOr::Reference { reference } => {
                    refs::deref::<Schema>(doc, reference, &inputs_at)?.value
                }
            };
            match &inputs.schema_kind {
                SchemaKind::Type(Type::Array(array)) => array
                    .max_items
                    .filter(|max| *max > 0)
                    .map(|max| u32::try_from(max).unwrap_or(u32::MAX)),
                _ => None,
            }
        }
    };
    Ok(BodyFields {
        names,
        inputs_max_items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_find_their_family() {
        for (path, family) in [
            ("/crm/v3/objects/contacts/batch/create", Some("CRM objects")),
            (
                "/crm/objects/2026-03/contacts/batch/read",
                Some("CRM objects"),
            ),
            ("/crm/v3/objects/2-123/batch/upsert", Some("CRM objects")),
            (
                "/crm/v4/associations/contacts/companies/batch/create",
                Some("Associations"),
            ),
            (
                "/crm/associations/2026-03/deals/companies/batch/read",
                Some("Associations"),
            ),
            (
                "/crm/v3/associations/deals/companies/batch/read",
                Some("Associations"),
            ),
            (
                "/crm/associations/v4/definitions/configurations/a/b/batch/create",
                None,
            ),
            ("/crm/v3/objects/contacts/search", None),
            ("/cms/v3/hubdb/tables/{tableIdOrName}/rows/batch/read", None),
        ] {
            assert_eq!(table_row(path).map(|row| row.family), family, "{path}");
        }
    }
}
