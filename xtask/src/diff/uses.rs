//! Which types user code builds and which it only reads. A required field added to a struct
//! that only answers hold breaks no one (code reads fields by name), while one added to a
//! struct that goes into requests changes its constructor.

use std::collections::BTreeSet;

use crate::ir::{BodyKind, Module, PartKind, ResponseBody, TypeRef};

/// The types of one module by where its operations use them.
#[derive(Debug, Default)]
pub struct Uses {
    /// Reached from a parameter or a request body, however deep.
    sent: BTreeSet<String>,
    /// Reached from a success or 207 body, however deep.
    received: BTreeSet<String>,
}

impl Uses {
    pub fn of(module: &Module) -> Uses {
        let mut sent: Vec<&TypeRef> = Vec::new();
        let mut received: Vec<&TypeRef> = Vec::new();
        for op in &module.operations {
            sent.extend(op.params.iter().map(|p| &p.ty));
            if let Some(body) = &op.body {
                match &body.kind {
                    BodyKind::Json(ty) | BodyKind::Form(ty) => sent.push(ty),
                    BodyKind::Multipart(form) => {
                        sent.extend(form.parts.iter().filter_map(|part| match &part.kind {
                            PartKind::Text(ty) | PartKind::Json(ty) => Some(ty),
                            PartKind::File | PartKind::Files => None,
                        }))
                    }
                    BodyKind::Text | BodyKind::Binary => {}
                }
            }
            received.extend(op.ok.as_ref().and_then(ResponseBody::json));
            received.extend(&op.partial);
        }
        Uses {
            sent: reach(module, sent),
            received: reach(module, received),
        }
    }

    /// Whether user code builds values of the type: it goes into requests, or no operation
    /// uses it, so nothing says it is only read.
    pub fn built(&self, name: &str) -> bool {
        self.sent.contains(name) || !self.received.contains(name)
    }
}

/// Every type the references mention, and every type those mention, and so on.
fn reach(module: &Module, roots: Vec<&TypeRef>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&str> = roots.into_iter().filter_map(TypeRef::mentioned).collect();
    while let Some(name) = pending.pop() {
        if !seen.insert(name.to_owned()) {
            continue;
        }
        if let Some(def) = module.types.get(name) {
            pending.extend(
                def.children()
                    .into_iter()
                    .filter_map(|(_, ty)| ty.mentioned()),
            );
        }
    }
    seen
}
