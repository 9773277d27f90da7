//! CRM objects (contacts, companies, deals, custom objects, ...) in the fake HubSpot, with the
//! live API's limits: batch endpoints refuse more than 100 inputs (50 for a read that asks
//! for property histories) with HubSpot's 400, and search pages at most 200 results, none
//! past the 10,000th. Search's own rate limit is checked where requests arrive
//! (`search_refused`).
//!
//! Served under `/crm/v3/objects/{type}/...` and `/crm/objects/{version}/{type}/...`:
//! `batch/create`, `batch/read`, `batch/update`, `batch/archive` and `search`.

use std::collections::{BTreeMap, VecDeque};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::{error, now};

/// HubSpot's limits, which a test may lower (a server stricter than documented).
#[derive(Clone, Copy, Debug)]
pub struct ObjectLimits {
    /// Inputs a batch request may carry.
    pub batch: usize,
    /// Inputs of a batch read that asks for `propertiesWithHistory`.
    pub history_batch: usize,
    /// Results a search page may ask for.
    pub search_page: usize,
    /// Results no search can page past.
    pub search_cap: usize,
    /// Searches in any window of this length; more get 429.
    pub searches: (usize, Duration),
}

impl Default for ObjectLimits {
    fn default() -> Self {
        ObjectLimits {
            batch: 100,
            history_batch: 50,
            search_page: 200,
            search_cap: 10_000,
            searches: (5, Duration::from_secs(1)),
        }
    }
}

/// One record: its properties (`hs_object_id` among them) and how often it was created.
#[derive(Clone, Debug)]
struct Record {
    properties: BTreeMap<String, String>,
    created_at: String,
}

#[derive(Default)]
pub(super) struct Objects {
    pub limits: ObjectLimits,
    /// By object type, then id.
    records: BTreeMap<String, BTreeMap<u64, Record>>,
    next_id: u64,
    /// Inputs each batch request carried, in arrival order (refused ones too).
    pub batch_sizes: Vec<usize>,
    /// When each search of the window arrived.
    search_window: VecDeque<Instant>,
    /// Searches answered (not refused).
    pub searches: usize,
    /// Searches refused with 429.
    pub searches_refused: usize,
}

impl Objects {
    /// `count` records of `object_type`, ids in creation order.
    pub fn seed(&mut self, object_type: &str, count: usize) {
        for _ in 0..count {
            let mut properties = BTreeMap::new();
            properties.insert("firstname".to_owned(), format!("Seed {}", self.next_id + 1));
            self.create(object_type, properties);
        }
    }

    pub fn count(&self, object_type: &str) -> usize {
        self.records.get(object_type).map_or(0, BTreeMap::len)
    }

    /// How many different values `property` has among the records of `object_type`.
    pub fn distinct(&self, object_type: &str, property: &str) -> usize {
        let values: std::collections::BTreeSet<&String> = self
            .records
            .get(object_type)
            .into_iter()
            .flat_map(BTreeMap::values)
            .filter_map(|r| r.properties.get(property))
            .collect();
        values.len()
    }

    /// How many records of `object_type` have `property` = `value`.
    pub fn count_with(&self, object_type: &str, property: &str, value: &str) -> usize {
        self.records.get(object_type).map_or(0, |records| {
            records
                .values()
                .filter(|r| r.properties.get(property).map(String::as_str) == Some(value))
                .count()
        })
    }

    fn create(&mut self, object_type: &str, mut properties: BTreeMap<String, String>) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        properties.insert("hs_object_id".to_owned(), id.to_string());
        // Creation order, as a sortable date.
        properties.insert("createdate".to_owned(), format!("{:012}", id));
        let record = Record {
            properties,
            created_at: now(),
        };
        let shown = shown(id, &record, None);
        self.records
            .entry(object_type.to_owned())
            .or_default()
            .insert(id, record);
        shown
    }

    /// Whether a search arriving now is over the search limit (it then does not count).
    pub fn search_refused(&mut self) -> bool {
        let (max, interval) = self.limits.searches;
        let now = Instant::now();
        while self
            .search_window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= interval)
        {
            self.search_window.pop_front();
        }
        if self.search_window.len() >= max {
            self.searches_refused += 1;
            return true;
        }
        self.search_window.push_back(now);
        false
    }
}

/// Whether a path is a CRM object search, whose rate limit is its own.
pub fn is_search(method: &Method, segments: &[&str]) -> bool {
    method == Method::POST && object_path(segments).is_some_and(|(_, rest)| rest == ["search"])
}

/// The object type and what follows it, for `crm/v3/objects/{type}/...` and
/// `crm/objects/{version}/{type}/...`.
fn object_path<'a>(segments: &'a [&'a str]) -> Option<(&'a str, &'a [&'a str])> {
    match segments {
        ["crm", "v3", "objects", object_type, rest @ ..] => Some((object_type, rest)),
        ["crm", "objects", version, object_type, rest @ ..]
            if version.starts_with("20") && !matches!(*object_type, "associations") =>
        {
            Some((object_type, rest))
        }
        _ => None,
    }
}

/// The answer to a CRM object request, or `None` when the path is not one.
pub(super) fn route(
    objects: &mut Objects,
    method: &Method,
    segments: &[&str],
    body: &Value,
) -> Option<Response> {
    let (object_type, rest) = object_path(segments)?;
    // Associations of one record live elsewhere (`/crm/objects/2026-03/{type}/{id}/associations`).
    if method != Method::POST {
        return None;
    }
    let inputs = || body["inputs"].as_array().cloned().unwrap_or_default();
    let response = match rest {
        ["batch", verb] => {
            let inputs = inputs();
            objects.batch_sizes.push(inputs.len());
            if let Some(refusal) = too_many(objects, verb, body, inputs.len()) {
                return Some(refusal);
            }
            match *verb {
                "create" => batch_create(objects, object_type, &inputs),
                "read" => batch_read(objects, object_type, &inputs, body),
                "update" => batch_update(objects, object_type, &inputs),
                "archive" => batch_archive(objects, object_type, &inputs),
                _ => return None,
            }
        }
        ["search"] => search(objects, object_type, body),
        _ => return None,
    };
    Some(response)
}

/// HubSpot's 400 for a batch over its limit: nothing of it is applied.
fn too_many(objects: &Objects, verb: &str, body: &Value, inputs: usize) -> Option<Response> {
    let with_history = verb == "read"
        && body["propertiesWithHistory"]
            .as_array()
            .is_some_and(|names| !names.is_empty());
    let (max, what) = if with_history {
        (objects.limits.history_batch, " for property histories")
    } else {
        (objects.limits.batch, "")
    };
    (inputs > max).then(|| {
        error(
            400,
            "VALIDATION_ERROR",
            &format!(
                "The maximum number of inputs supported in a batch request{what} is {max}. \
                 Please reduce the number of items and try again"
            ),
        )
    })
}

fn properties_of(input: &Value) -> BTreeMap<String, String> {
    input["properties"]
        .as_object()
        .map(|properties| {
            properties
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// A record as HubSpot shows it, with only `wanted` of its properties when given.
fn shown(id: u64, record: &Record, wanted: Option<&[String]>) -> Value {
    let properties: Map<String, Value> = record
        .properties
        .iter()
        .filter(|(name, _)| {
            wanted.is_none_or(|wanted| {
                wanted.contains(name) || matches!(name.as_str(), "hs_object_id" | "createdate")
            })
        })
        .map(|(name, value)| (name.clone(), Value::String(value.clone())))
        .collect();
    json!({
        "id": id.to_string(),
        "properties": properties,
        "createdAt": record.created_at,
        "updatedAt": record.created_at,
        "archived": false,
    })
}

fn batch_answer(status: StatusCode, results: Vec<Value>, errors: Vec<Value>) -> Response {
    let mut body = json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": now(),
        "completedAt": now(),
    });
    let status = if errors.is_empty() {
        status
    } else {
        body["numErrors"] = json!(errors.len());
        body["errors"] = Value::Array(errors);
        StatusCode::MULTI_STATUS
    };
    (status, axum::Json(body)).into_response()
}

fn not_found(id: &str) -> Value {
    json!({
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": format!("Could not get some {id} objects, they may be deleted or not exist."),
        "context": {"ids": [id]},
    })
}

fn batch_create(objects: &mut Objects, object_type: &str, inputs: &[Value]) -> Response {
    let results = inputs
        .iter()
        .map(|input| objects.create(object_type, properties_of(input)))
        .collect();
    batch_answer(StatusCode::CREATED, results, Vec::new())
}

fn batch_read(objects: &Objects, object_type: &str, inputs: &[Value], body: &Value) -> Response {
    let wanted: Option<Vec<String>> = body["properties"].as_array().map(|names| {
        names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect()
    });
    let records = objects.records.get(object_type);
    let (mut results, mut errors) = (Vec::new(), Vec::new());
    for input in inputs {
        let id = id_of(&input["id"]);
        match id
            .as_deref()
            .and_then(|id| id.parse::<u64>().ok())
            .and_then(|id| Some((id, records?.get(&id)?)))
        {
            Some((id, record)) => results.push(shown(id, record, wanted.as_deref())),
            None => errors.push(not_found(id.as_deref().unwrap_or_default())),
        }
    }
    batch_answer(StatusCode::OK, results, errors)
}

fn batch_update(objects: &mut Objects, object_type: &str, inputs: &[Value]) -> Response {
    let (mut results, mut errors) = (Vec::new(), Vec::new());
    for input in inputs {
        let id = id_of(&input["id"]).unwrap_or_default();
        let record = id.parse::<u64>().ok().and_then(|n| {
            let record = objects.records.get_mut(object_type)?.get_mut(&n)?;
            Some((n, record))
        });
        match record {
            Some((n, record)) => {
                record.properties.extend(properties_of(input));
                results.push(shown(n, record, None));
            }
            None => errors.push(not_found(&id)),
        }
    }
    batch_answer(StatusCode::OK, results, errors)
}

fn batch_archive(objects: &mut Objects, object_type: &str, inputs: &[Value]) -> Response {
    if let Some(records) = objects.records.get_mut(object_type) {
        for input in inputs {
            if let Some(id) = id_of(&input["id"]).and_then(|id| id.parse::<u64>().ok()) {
                records.remove(&id);
            }
        }
    }
    StatusCode::NO_CONTENT.into_response()
}

fn id_of(value: &Value) -> Option<String> {
    match value {
        Value::String(id) => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

/// One filter of a search: `propertyName`, `operator`, and `value`, `values` or `highValue`.
fn matches(record: &Record, filter: &Value) -> bool {
    let name = filter["propertyName"].as_str().unwrap_or_default();
    let value = record.properties.get(name);
    let wanted = filter["value"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| filter["value"].as_number().map(ToString::to_string));
    let compare = |wanted: &str| value.map(|value| compare(value, wanted));
    use std::cmp::Ordering::*;
    match filter["operator"].as_str().unwrap_or_default() {
        "EQ" => wanted.is_some_and(|w| compare(&w) == Some(Equal)),
        "NEQ" => wanted.is_some_and(|w| compare(&w) != Some(Equal)),
        "GT" => wanted.is_some_and(|w| compare(&w) == Some(Greater)),
        "GTE" => wanted.is_some_and(|w| matches!(compare(&w), Some(Greater | Equal))),
        "LT" => wanted.is_some_and(|w| compare(&w) == Some(Less)),
        "LTE" => wanted.is_some_and(|w| matches!(compare(&w), Some(Less | Equal))),
        "HAS_PROPERTY" => value.is_some(),
        "NOT_HAS_PROPERTY" => value.is_none(),
        "IN" | "NOT_IN" => {
            let listed = filter["values"].as_array().is_some_and(|values| {
                values
                    .iter()
                    .any(|v| v.as_str().is_some_and(|v| compare(v) == Some(Equal)))
            });
            listed == (filter["operator"] == "IN")
        }
        _ => false,
    }
}

/// Numbers as numbers, anything else as text.
fn compare(value: &str, wanted: &str) -> std::cmp::Ordering {
    match (value.parse::<f64>(), wanted.parse::<f64>()) {
        (Ok(a), Ok(b)) => a.total_cmp(&b),
        _ => value.cmp(wanted),
    }
}

/// The property a search sorts on and whether it descends: HubSpot takes a sort as an
/// object (`propertyName`, `direction`) or as a name (`-name` descending). Without one,
/// results come in creation order.
fn sort_of(body: &Value) -> (String, bool) {
    match body["sorts"].as_array().and_then(|sorts| sorts.first()) {
        Some(Value::String(name)) => match name.strip_prefix('-') {
            Some(name) => (name.to_owned(), true),
            None => (name.clone(), false),
        },
        Some(sort) => (
            sort["propertyName"]
                .as_str()
                .unwrap_or("createdate")
                .to_owned(),
            sort["direction"] == "DESCENDING",
        ),
        None => ("createdate".to_owned(), false),
    }
}

fn search(objects: &mut Objects, object_type: &str, body: &Value) -> Response {
    let limits = objects.limits;
    let limit = body["limit"].as_u64().map_or(10, |n| n as usize);
    if limit > limits.search_page {
        return error(
            400,
            "VALIDATION_ERROR",
            &format!("limit must be at most {}", limits.search_page),
        );
    }
    let after: usize = match body["after"].as_str().filter(|a| !a.is_empty()) {
        None => 0,
        Some(after) => match after.parse() {
            Ok(after) => after,
            Err(_) => return error(400, "VALIDATION_ERROR", "after must be an offset"),
        },
    };
    if after >= limits.search_cap {
        return error(
            400,
            "VALIDATION_ERROR",
            &format!(
                "Search results are limited to {} and cannot be paged past that. Narrow the \
                 search with filters.",
                limits.search_cap
            ),
        );
    }
    objects.searches += 1;
    let groups = body["filterGroups"].as_array().cloned().unwrap_or_default();
    let (sort, descending) = sort_of(body);
    let records = objects.records.get(object_type);
    let mut found: Vec<(u64, &Record)> = records
        .into_iter()
        .flatten()
        .filter(|(_, record)| {
            groups.is_empty()
                || groups.iter().any(|group| {
                    group["filters"]
                        .as_array()
                        .is_none_or(|filters| filters.iter().all(|f| matches(record, f)))
                })
        })
        .map(|(id, record)| (*id, record))
        .collect();
    found.sort_by(|(a_id, a), (b_id, b)| {
        let key = |record: &Record| record.properties.get(&sort).cloned().unwrap_or_default();
        let order = compare(&key(a), &key(b)).then(a_id.cmp(b_id));
        if descending {
            order.reverse()
        } else {
            order
        }
    });
    let wanted: Option<Vec<String>> = body["properties"].as_array().map(|names| {
        names
            .iter()
            .filter_map(|n| n.as_str().map(str::to_owned))
            .collect()
    });
    let total = found.len();
    let page: Vec<Value> = found
        .iter()
        .skip(after)
        .take(limit)
        .map(|(id, record)| shown(*id, record, wanted.as_deref()))
        .collect();
    let next = after + page.len();
    let mut answer = json!({"total": total, "results": page});
    // The next page is offered even at the cap, where asking for it is refused.
    if next < total {
        answer["paging"] =
            json!({"next": {"after": next.to_string(), "link": format!("?after={next}")}});
    }
    axum::Json(answer).into_response()
}
