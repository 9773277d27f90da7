//! What the client's paging and batch helpers need from an operation, decided here once and
//! recorded on `ir::Operation` (`paging`, `batch`); emit only spells it out as trait impls.
//!
//! HubSpot's shapes: a list answers `{results: [...], paging: {next: {after}}}` and takes the
//! cursor back as the `after` query parameter; a batch sends `{inputs: [...]}` and answers
//! `{results: [...], errors: [...]}`; a batch read's input may carry an `after` of its own
//! and each of its results may page.

use openapiv3::Parameter;

use crate::error::Result;
use crate::ir::{
    Batch, BatchLimit, BatchOutput, Cursor, Field, FieldStep, HttpMethod, Page, ResultPage, Struct,
    TypeId, TypeRef, Types,
};

/// HubSpot's name for a page cursor: the query parameter that asks for a page, the field of
/// `paging.next` that names the next one, and a batch read input's own field.
const CURSOR: &str = "after";

/// The query parameters that carry HubSpot's paging cursors: `after` asks for the next page,
/// `before` for the previous one.
const PAGING_CURSORS: &[&str] = &[CURSOR, "before"];

/// Whether a parameter carries a paging cursor, which HubSpot hands out already
/// percent-encoded (`paging.next.after`) and must be sent back as it came (`Param::cursor`).
pub(super) fn is_paging_cursor(param: &Parameter) -> bool {
    matches!(param, Parameter::Query { .. })
        && PAGING_CURSORS.contains(&param.parameter_data_ref().name.as_str())
}

/// Whether a parameter asks for the page after a cursor: an operation that takes one lists.
pub(super) fn is_cursor(param: &Parameter) -> bool {
    matches!(param, Parameter::Query { .. }) && param.parameter_data_ref().name == CURSOR
}

/// The page of an operation that takes a cursor (`is_cursor`): its success body is a struct
/// with required `results` and a `paging.next.after` string.
pub(super) fn page(types: &(impl Types + ?Sized), ok: Option<&TypeRef>) -> Option<Page> {
    // Only a body that names its type: the impl goes on that struct.
    let ok = ok.filter(|ok| ok.as_named().is_some())?;
    let (type_id, s) = types.struct_of(ok)?;
    let (items, item) = required_list(s, "results")?;
    Some(Page {
        type_id,
        items,
        item,
        next: next_cursor(types, s)?,
    })
}

/// A batch operation's facts: its JSON body has a required `inputs` list. `limit` decides
/// how many inputs a request may carry (`batch_limits.rs`), asked only of batches.
pub(super) fn batch(
    types: &(impl Types + ?Sized),
    body: Option<&TypeRef>,
    ok: Option<&TypeRef>,
    partial: Option<&TypeRef>,
    limit: impl FnOnce() -> Result<BatchLimit>,
) -> Result<Option<Batch>> {
    let Some((_, body)) = body.and_then(|body| types.struct_of(body)) else {
        return Ok(None);
    };
    let input = match field(body, "inputs").filter(|f| f.required).map(|f| &f.ty) {
        Some(TypeRef::List(item)) => (**item).clone(),
        _ => return Ok(None),
    };
    let input_after = input
        .as_named()
        .and_then(|_| types.struct_of(&input))
        .and_then(|(id, s)| {
            let after = field(s, CURSOR).filter(|f| !f.required && f.ty == TypeRef::String)?;
            Some((id, after.name.clone()))
        });
    let outputs = ok
        .into_iter()
        .chain(partial)
        .filter(|ty| ty.as_named().is_some())
        .filter_map(|ty| batch_output(types, ty))
        .collect();
    Ok(Some(Batch {
        input,
        input_after,
        outputs,
        limit: limit()?,
    }))
}

/// Whether an operation is a CRM search: a `POST` to a path ending in `search` whose JSON
/// body is a struct with `filterGroups` (HubSpot's `PublicObjectSearchRequest`).
pub(super) fn is_search(
    types: &(impl Types + ?Sized),
    method: HttpMethod,
    path: &str,
    body: Option<&TypeRef>,
) -> bool {
    method == HttpMethod::Post
        && path.rsplit('/').next() == Some("search")
        && body
            .and_then(|body| types.struct_of(body))
            .is_some_and(|(_, body)| field(body, "filterGroups").is_some())
}

/// A batch response: required `results`, and `errors` when it has them.
fn batch_output(types: &(impl Types + ?Sized), ty: &TypeRef) -> Option<BatchOutput> {
    let (type_id, s) = types.struct_of(ty)?;
    let (results, item) = required_list(s, "results")?;
    let errors = field(s, "errors").map(step);
    let item_paging = types
        .struct_of(&item)
        .and_then(|(id, result)| result_page(types, id, result));
    Some(BatchOutput {
        type_id,
        results,
        item,
        errors,
        item_paging,
    })
}

/// A batch result with its own `paging` and exactly one required list, which pages.
fn result_page(types: &(impl Types + ?Sized), id: TypeId, s: &Struct) -> Option<ResultPage> {
    let next = next_cursor(types, s)?;
    let lists: Vec<&Field> = s
        .fields
        .iter()
        .filter(|f| f.required && matches!(f.ty, TypeRef::List(_)))
        .collect();
    let [items] = lists.as_slice() else {
        return None;
    };
    Some(ResultPage {
        type_id: id,
        items: items.name.clone(),
        next,
    })
}

/// `paging.next.after`, with `after` a string.
fn next_cursor(types: &(impl Types + ?Sized), s: &Struct) -> Option<Cursor> {
    let paging = field(s, "paging")?;
    let next = field(types.struct_of(&paging.ty)?.1, "next")?;
    let after = field(types.struct_of(&next.ty)?.1, CURSOR).filter(|f| f.ty == TypeRef::String)?;
    Some(Cursor {
        paging: step(paging),
        next: step(next),
        after: step(after),
    })
}

/// A field that is always there and holds a list: its name and item type.
fn required_list(s: &Struct, wire: &str) -> Option<(String, TypeRef)> {
    let list = field(s, wire).filter(|f| !f.is_option())?;
    match &list.ty {
        TypeRef::List(item) => Some((list.name.clone(), (**item).clone())),
        _ => None,
    }
}

fn field<'s>(s: &'s Struct, wire: &str) -> Option<&'s Field> {
    s.fields.iter().find(|f| f.wire_name == wire)
}

fn step(field: &Field) -> FieldStep {
    FieldStep {
        field: field.name.clone(),
        optional: field.is_option(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &str) -> Parameter {
        serde_json::from_value(serde_json::json!({
            "in": "query", "name": name, "schema": {"type": "string"}
        }))
        .unwrap()
    }

    #[test]
    fn after_and_before_are_cursors_and_after_asks_for_the_next_page() {
        assert!(is_paging_cursor(&query("after")) && is_cursor(&query("after")));
        assert!(is_paging_cursor(&query("before")) && !is_cursor(&query("before")));
        for other in ["limit", "After"] {
            assert!(!is_paging_cursor(&query(other)) && !is_cursor(&query(other)));
        }
        let path: Parameter = serde_json::from_value(serde_json::json!({
            "in": "path", "name": "after", "required": true, "schema": {"type": "string"}
        }))
        .unwrap();
        assert!(!is_paging_cursor(&path) && !is_cursor(&path));
    }
}
