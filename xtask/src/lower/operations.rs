//! Operations to request functions: parameters, body and success responses, with every
//! inline schema typed and named after the function.

use openapiv3::{
    Parameter, ParameterSchemaOrContent, PathItem, ReferenceOr, Response, Schema, SchemaKind,
    StatusCode, Type,
};

use super::auth;
use super::batch_limits;
use super::bodies::is_json_media_type;
use super::extensions;
use super::names::Wanted;
use super::pages_and_batches;
use super::refs;
use super::schema::{AsSchema, Hint, Lowerer};
use super::secrets;
use crate::error::{Error, Pointer, Result};
use crate::ir::{HttpMethod, Operation, Param, ParamLocation, ResponseBody, TypeRef, Types};
use crate::load::Document;
use crate::naming::{self, Namespace};

/// POSTs whose last path word is one of these only read, or delete what is named: repeating
/// them changes nothing.
const IDEMPOTENT_POST_WORDS: &[&str] = &["read", "search", "archive", "purge"];

/// An operation where the document writes it.
struct Site<'a> {
    doc: &'a Document,
    path: &'a str,
    item: &'a PathItem,
    /// The path item's key for it: `get`, `post`, ...
    key: &'a str,
    op: &'a openapiv3::Operation,
    /// Its parameters and where each is written (`parameters`), read once for naming and
    /// lowering.
    params: Vec<(&'a Parameter, Pointer)>,
}

impl<'a> Site<'a> {
    fn path_at(&self) -> Pointer {
        Pointer::root().join("paths").join(self.path)
    }

    fn at(&self) -> Pointer {
        self.path_at().join(self.key)
    }

    /// Whether the operation asks for the page after a cursor.
    fn takes_cursor(&self) -> bool {
        self.params
            .iter()
            .any(|(p, _)| pages_and_batches::is_cursor(p))
    }

    /// The path item's parameters and the operation's, which replace those of the same name
    /// and place.
    fn parameters(&self) -> Result<Vec<(&'a Parameter, Pointer)>> {
        let doc = self.doc;
        let (path_at, at) = (self.path_at(), self.at());
        let mut params = Vec::new();
        for (i, param) in self.item.parameters.iter().enumerate() {
            params.push(refs::item(doc, param, &path_at.join("parameters").join(i))?);
        }
        for (i, param) in self.op.parameters.iter().enumerate() {
            let (param, param_at) = refs::item(doc, param, &at.join("parameters").join(i))?;
            params.retain(|(p, _): &(&Parameter, Pointer)| {
                p.parameter_data_ref().name != param.parameter_data_ref().name
                    || std::mem::discriminant(*p) != std::mem::discriminant(param)
            });
            params.push((param, param_at));
        }
        Ok(params)
    }
}

impl<'a> Lowerer<'a> {
    /// Every operation of the module's documents, sorted by function name.
    pub(super) fn lower_operations(&mut self) -> Result<Vec<Operation>> {
        let mut sites = Vec::new();
        let mut prefixes = Vec::new();
        let docs = self.docs;
        for doc in docs {
            let paths = doc.api.paths.paths.keys().map(String::as_str);
            prefixes.push(naming::ApiPrefix::new(&doc.api.info.title, paths));
            for (path, item) in &doc.api.paths.paths {
                let item = match item {
                    ReferenceOr::Item(item) => item,
                    ReferenceOr::Reference { reference } => {
                        return Err(Error::spec(
                            &doc.file,
                            &Pointer::root().join("paths").join(path),
                            format!(
                                "unsupported $ref '{reference}': path items must be written out"
                            ),
                        ))
                    }
                };
                for (key, op) in item.iter() {
                    let mut site = Site {
                        doc,
                        path,
                        item,
                        key,
                        op,
                        params: Vec::new(),
                    };
                    let Some(method) = HttpMethod::from_key(key) else {
                        self.warn(
                            doc,
                            &site.at(),
                            format!("{key} operations are not generated"),
                        );
                        continue;
                    };
                    site.params = site.parameters()?;
                    sites.push((site, method, prefixes.len() - 1));
                }
            }
        }
        let names = name_operations(&sites, &prefixes)?;
        let mut operations = Vec::with_capacity(sites.len());
        for ((site, method, _), name) in sites.iter().zip(names) {
            operations.push(self.lower_operation(site, *method, name)?);
        }
        operations.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(operations)
    }

    /// One operation: its parameters, body and responses, and the facts the client needs
    /// (idempotence, paging, batching). Its inline types are named after its function.
    fn lower_operation(
        &mut self,
        site: &Site<'a>,
        method: HttpMethod,
        name: String,
    ) -> Result<Operation> {
        let Site { doc, path, op, .. } = *site;
        let at = site.at();
        let type_base = naming::type_name(&name);
        let params = self.lower_params(doc, path, &site.params, &type_base, &at)?;
        let body = self.lower_body(doc, op, &type_base, &at)?;
        let (ok, partial) = self.lower_responses(doc, op, &type_base, &at)?;
        let types = self.types_ref();
        let ok_json = ok.as_ref().and_then(ResponseBody::json);
        let body_json = body.as_ref().and_then(|b| b.json());
        let search = match extensions::search(doc, &op.extensions, &at)? {
            Some(marked) => marked,
            None => pages_and_batches::is_search(types, method, path, body_json),
        };
        // A search pages through `after` in its body rather than in the query.
        let paging = (site.takes_cursor() || search)
            .then(|| pages_and_batches::page(types, ok_json))
            .flatten();
        let limit = || {
            let schema = body
                .as_ref()
                .and_then(|body| json_body_schema(doc, op, &body.media_type, &at).transpose())
                .transpose()?;
            batch_limits::decide(doc, path, &op.extensions, &at, schema)
        };
        let batch = pages_and_batches::batch(types, body_json, ok_json, partial.as_ref(), limit)?;
        let idempotent = extensions::idempotent(doc, &op.extensions, &at)?
            .unwrap_or_else(|| default_idempotence(method, path));
        let query_struct = params
            .iter()
            .any(|p| p.location == ParamLocation::Query && !p.required)
            .then(|| self.operation_struct(format!("{type_base}Query")));
        let secrets = secrets::of_operation(
            self.types_ref(),
            &params,
            body.as_ref(),
            ok.as_ref(),
            partial.as_ref(),
        );
        Ok(Operation {
            name,
            method,
            path: path.to_owned(),
            summary: op.summary.clone(),
            doc: op.description.clone(),
            query_struct,
            params,
            body,
            ok,
            partial,
            idempotent,
            paging,
            batch,
            search,
            auth: auth::of_operation(doc, op),
            secrets,
        })
    }

    /// A parameter's type with aliases resolved, if it can be written into a URL: a scalar,
    /// an id, a date, a string enum, or a list of those (sent comma-separated in the path and
    /// as repeated keys in the query). `Err` with the type otherwise.
    fn parameter_type(&self, ty: TypeRef) -> Result<TypeRef, TypeRef> {
        let types = self.types_ref();
        let resolved = types.resolve(&ty);
        match resolved {
            t if types.is_text(t) => Ok(resolved.clone()),
            TypeRef::List(item) if types.is_text(item) => Ok(resolved.clone()),
            _ => Err(ty),
        }
    }

    fn lower_params(
        &mut self,
        doc: &'a Document,
        path: &str,
        raw: &[(&'a Parameter, Pointer)],
        type_base: &str,
        at: &Pointer,
    ) -> Result<Vec<Param>> {
        let mut names = Namespace::new();
        // `query` and `body` are the names of other arguments.
        names.claim("query");
        names.claim("body");
        let mut path_params = Vec::new();
        let mut query_params = Vec::new();
        let in_path = placeholders(path);
        let siblings: Vec<&str> = raw
            .iter()
            .map(|(p, _)| p.parameter_data_ref().name.as_str())
            .collect();
        for (param, param_at) in raw {
            let data = param.parameter_data_ref();
            let location = match param {
                Parameter::Path { .. } if !in_path.contains(&data.name.as_str()) => {
                    self.warn(
                        doc,
                        param_at,
                        format!(
                            "path parameter `{}` does not appear in the path; left out",
                            data.name
                        ),
                    );
                    continue;
                }
                Parameter::Path { .. } => ParamLocation::Path,
                Parameter::Query { .. } => ParamLocation::Query,
                Parameter::Header { .. } | Parameter::Cookie { .. } => {
                    self.warn(
                        doc,
                        param_at,
                        format!(
                            "header and cookie parameters are not generated (`{}`)",
                            data.name
                        ),
                    );
                    continue;
                }
            };
            let ty = match &data.format {
                ParameterSchemaOrContent::Schema(schema) => {
                    let hint = Hint {
                        name: Wanted::words(format!(
                            "{type_base}{}",
                            naming::type_name(&data.name)
                        )),
                        object_id: naming::is_object_id_property(&data.name),
                    };
                    self.type_ref(doc, schema, &param_at.join("schema"), &hint)?
                }
                ParameterSchemaOrContent::Content(_) => {
                    self.warn(
                        doc,
                        &param_at.join("content"),
                        "parameters described by `content` are sent as strings",
                    );
                    TypeRef::String
                }
            };
            let ty = match self.parameter_type(ty) {
                Ok(ty) => ty,
                Err(ty) => {
                    self.warn_of_type(
                        doc,
                        &param_at.join("schema"),
                        format!("parameter `{}` of type ", data.name),
                        &ty,
                        " is sent as a string the caller writes",
                    );
                    TypeRef::String
                }
            };
            let secret =
                secrets::parameter(doc, &data.name, &siblings, &data.extensions, &ty, param_at)?;
            let lowered = Param {
                name: names.claim(&naming::value_name(&data.name)),
                wire_name: data.name.clone(),
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                doc: data.description.clone(),
                cursor: pages_and_batches::is_paging_cursor(param),
                secret,
            };
            match location {
                ParamLocation::Path => path_params.push(lowered),
                ParamLocation::Query => query_params.push(lowered),
            }
        }
        // Path parameters in the order the template names them; each must be declared.
        let mut ordered = Vec::new();
        for placeholder in in_path {
            let Some(i) = path_params.iter().position(|p| p.wire_name == placeholder) else {
                return Err(Error::spec(
                    &doc.file,
                    at,
                    format!("the path names `{{{placeholder}}}` but no path parameter `{placeholder}` is declared"),
                ));
            };
            ordered.push(path_params.remove(i));
        }
        ordered.extend(query_params);
        Ok(ordered)
    }

    /// The bodies of a full success and of a 207 partial success.
    fn lower_responses(
        &mut self,
        doc: &'a Document,
        op: &'a openapiv3::Operation,
        type_base: &str,
        at: &Pointer,
    ) -> Result<(Option<ResponseBody>, Option<TypeRef>)> {
        let mut ok: Option<(u16, Option<ResponseBody>)> = None;
        let mut partial = None;
        let responses = op.responses.default.iter().map(|r| (None, r)).chain(
            op.responses
                .responses
                .iter()
                .map(|(code, r)| (Some(code), r)),
        );
        for (code, response) in responses {
            let code_text = code.map_or_else(|| "default".to_owned(), ToString::to_string);
            let response_at = at.join("responses").join(&code_text);
            let (response, content_at, hint) = match response {
                ReferenceOr::Item(response) => {
                    let suffix = match code {
                        Some(StatusCode::Code(200)) => "Response".to_owned(),
                        Some(code) => format!("Response{code}"),
                        None => "Error".to_owned(),
                    };
                    (
                        response,
                        response_at,
                        Hint::new(format!("{type_base}{suffix}")),
                    )
                }
                ReferenceOr::Reference { reference } => {
                    let found = refs::deref::<Response>(doc, reference, &response_at)?;
                    (
                        found.value,
                        found.at,
                        Hint::new(format!("{}Response", naming::type_name(&found.name))),
                    )
                }
            };
            let ty =
                self.response_body(doc, &response.content, &content_at.join("content"), &hint)?;
            let status = match code {
                Some(StatusCode::Code(c)) if (200..300).contains(c) => *c,
                Some(StatusCode::Range(2)) => 200,
                _ => continue,
            };
            if status == 207 {
                partial = match ty {
                    Some(ResponseBody::Json(ty)) => Some(ty),
                    Some(_) => {
                        self.warn(
                            doc,
                            &content_at,
                            "a 207 answer that is not JSON is read as a full success",
                        );
                        None
                    }
                    None => None,
                };
            } else if ok
                .as_ref()
                .is_none_or(|(_, existing)| existing.is_none() && ty.is_some())
            {
                if let Some((other, Some(_))) = &ok {
                    self.warn(
                        doc,
                        at,
                        format!("several success bodies; using the one of {other}"),
                    );
                }
                ok = Some((status, ty));
            }
        }
        let Some((_, ok)) = ok else {
            // `default` alone is HubSpot's error answer: what a success carries is unknown,
            // so it is kept whole.
            self.warn(
                doc,
                &at.join("responses"),
                "no success answer is documented: the function returns the answer's bytes",
            );
            return Ok((
                Some(ResponseBody::Binary {
                    media_types: Vec::new(),
                }),
                None,
            ));
        };
        if partial.is_some()
            && matches!(
                ok,
                Some(ResponseBody::Text { .. } | ResponseBody::Binary { .. })
            )
        {
            self.warn(
                doc,
                &at.join("responses"),
                "a 207 answer beside a success that is not JSON is read as a full success",
            );
            partial = None;
        }
        Ok((ok, partial))
    }
}

/// The naming step: each operation's function name, from `x-rust-name` or from its method,
/// path and `operationId` (`naming::operation_name`), made unique in the module
/// (`naming::unique_operation_names`).
fn name_operations(
    sites: &[(Site, HttpMethod, usize)],
    prefixes: &[naming::ApiPrefix],
) -> Result<Vec<String>> {
    let mut wanted = Vec::with_capacity(sites.len());
    for (site, _, prefix) in sites {
        let Site { doc, path, op, .. } = *site;
        let (name, fixed) = match extensions::rust_name(doc, &op.extensions, &site.at())? {
            Some(name) => (naming::FunctionName::given(name), true),
            None => {
                let operation = naming::OperationSite {
                    method: site.key,
                    path,
                    lists: site.takes_cursor() || returns_collection(doc, op),
                    operation_id: op.operation_id.as_deref(),
                };
                (
                    naming::operation_name(&prefixes[*prefix], &operation),
                    false,
                )
            }
        };
        wanted.push(naming::WantedName { name, fixed, path });
    }
    Ok(naming::unique_operation_names(&wanted))
}

/// Whether the success body is a collection (`{ "results": [...] }`), which makes a GET a
/// `list_*` even when its path ends in a parameter. Read before the operation is lowered (its
/// name comes first), so a reference it cannot follow just does not count here: lowering the
/// responses reports it. A schema `$ref` counts as the component it names, not as what that
/// component is an alias of: following aliases would rename functions generated today.
fn returns_collection(doc: &Document, op: &openapiv3::Operation) -> bool {
    op.responses.responses.iter().any(|(code, response)| {
        matches!(code, StatusCode::Code(200..=299) | StatusCode::Range(2))
            && refs::item(doc, response, &Pointer::root()).is_ok_and(|(response, _)| {
                response.content.iter().any(|(media, content)| {
                    is_json_media_type(media)
                        && content
                            .schema
                            .as_ref()
                            .and_then(|schema| as_named(doc, schema))
                            .is_some_and(|schema| lists_results(doc, schema))
                })
            })
    })
}

/// An object schema whose `results` property is an array.
fn lists_results(doc: &Document, schema: &Schema) -> bool {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return false;
    };
    object
        .properties
        .get("results")
        .and_then(|results| as_named(doc, results))
        .is_some_and(|results| matches!(results.schema_kind, SchemaKind::Type(Type::Array(_))))
}

/// A schema as written, or the component schema its `$ref` names if that is written out.
fn as_named<'a, S: AsSchema>(doc: &'a Document, schema: &'a ReferenceOr<S>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(schema) => Some(schema.as_schema()),
        ReferenceOr::Reference { reference } => {
            refs::component::<Schema>(doc, reference, &Pointer::root())
                .ok()?
                .value
                .as_item()
        }
    }
}

fn default_idempotence(method: HttpMethod, path: &str) -> bool {
    match method {
        HttpMethod::Get | HttpMethod::Put | HttpMethod::Delete => true,
        HttpMethod::Patch => false,
        HttpMethod::Post => path
            .rsplit('/')
            .find(|segment| !segment.is_empty() && !segment.starts_with('{'))
            .is_some_and(|last| IDEMPOTENT_POST_WORDS.contains(&last)),
    }
}

/// The `{name}` placeholders of a path template, in order.
pub(crate) fn placeholders(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push(&rest[open + 1..open + close]);
        rest = &rest[open + close + 1..];
    }
    out
}

/// The schema of the operation's request body in `media_type`, as written, and where it is.
fn json_body_schema<'a>(
    doc: &'a Document,
    op: &'a openapiv3::Operation,
    media_type: &str,
    at: &Pointer,
) -> Result<Option<(&'a ReferenceOr<openapiv3::Schema>, Pointer)>> {
    let Some(body) = &op.request_body else {
        return Ok(None);
    };
    let (body, body_at) = refs::item(doc, body, &at.join("requestBody"))?;
    Ok(body.content.get(media_type).and_then(|content| {
        let schema_at = body_at.join("content").join(media_type).join("schema");
        content.schema.as_ref().map(|schema| (schema, schema_at))
    }))
}
