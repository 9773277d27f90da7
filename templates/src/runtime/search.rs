//! Every result of a CRM search, past HubSpot's cap: a query pages through its first 10,000
//! results only (asking for a page after that is refused), so the client restarts it sorted
//! by `hs_object_id`, ascending, with `hs_object_id > the last one seen` added to every
//! filter group. Each record comes once, none is skipped, and they come in `hs_object_id`
//! order.

use futures_util::stream::{self, Stream, StreamExt};
use serde::Serialize;
use serde_json::{json, Value};

use super::client::Client;
use super::error::Error;
use super::model::Page;
use super::request::Request;

/// Results one search page may ask for.
pub const SEARCH_PAGE: u64 = 200;

/// Results no search pages past.
pub const SEARCH_CAP: u64 = 10_000;

/// Filter groups a search may have, and filters in one group (HubSpot's limits).
const MAX_FILTERS_PER_GROUP: usize = 6;

/// The property every CRM record has, unique and ordered: what restarts go by.
const ID_PROPERTY: &str = "hs_object_id";

impl Client {
    /// Every result of a CRM search (a request generated for a `.../search` operation, whose
    /// JSON body has `filterGroups`, `sorts`, `limit` and `after`), page after page, 200 a
    /// page. Past HubSpot's 10,000-result cap, the query is restarted after the last
    /// `hs_object_id` seen, so every matching record comes exactly once, in `hs_object_id`
    /// order: a search without `sorts` is sorted so. A search sorted otherwise cannot be
    /// restarted; it yields its first 10,000 results and then [`Error::SearchCap`], before
    /// asking for a page HubSpot would refuse. The stream ends after the last page or the
    /// first error.
    pub fn search_all<T>(
        &self,
        request: Request<T>,
    ) -> impl Stream<Item = Result<T::Item, Error>> + '_
    where
        T: Page + 'static,
        T::Item: Serialize + 'static,
    {
        let query = Query::new(&request);
        let start = Some((request, query));
        stream::unfold(start, move |state| async move {
            let (request, mut query) = state?;
            let page = match query.next_body() {
                Ok(body) => self.send(&request.with_json_body(&body)).await,
                Err(reason) => Err(Error::SearchCap {
                    operation: request.operation(),
                    reason,
                }),
            };
            match page {
                Ok(page) => {
                    let next = page.next_after();
                    let items = page.into_items();
                    let more = query.answered(next, items.last());
                    Some((Ok(items), more.then_some((request, query))))
                }
                Err(error) => Some((Err(error), None)),
            }
        })
        .flat_map(|page| match page {
            Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
            Err(error) => stream::once(async move { Err(error) }).right_stream(),
        })
    }
}

/// Where a search is: the body it began with, the cursor of its next page, and the last
/// record seen (what a restart goes after).
struct Query {
    original: Value,
    /// The search sorts by `hs_object_id` ascending (or did not sort, and now does), so it
    /// can be restarted after any record.
    restartable: bool,
    after: Option<String>,
    /// The last `hs_object_id` seen, once a restart needs it.
    restart_after: Option<String>,
    last_id: Option<String>,
    /// Why the next page cannot be asked for, when it cannot.
    stuck: Option<String>,
}

impl Query {
    fn new<T>(request: &Request<T>) -> Self {
        let mut original = request.json_body().unwrap_or_else(|| json!({}));
        let sorts = original.get("sorts").and_then(Value::as_array);
        let restartable = match sorts.map(Vec::as_slice) {
            None | Some([]) => {
                original["sorts"] =
                    json!([{"propertyName": ID_PROPERTY, "direction": "ASCENDING"}]);
                true
            }
            Some([only]) => sorts_by_id(only),
            Some(_) => false,
        };
        if let Some(body) = original.as_object_mut() {
            body.remove("after");
        }
        original["limit"] = json!(SEARCH_PAGE);
        Query {
            original,
            restartable,
            after: None,
            restart_after: None,
            last_id: None,
            stuck: None,
        }
    }

    /// The body of the next page, or why there is none to ask for.
    fn next_body(&mut self) -> Result<Value, String> {
        if let Some(reason) = self.stuck.take() {
            return Err(reason);
        }
        let mut body = self.original.clone();
        if let Some(after) = &self.after {
            body["after"] = json!(after);
        }
        if let Some(last) = &self.restart_after {
            let filter = json!({"propertyName": ID_PROPERTY, "operator": "GT", "value": last});
            match body["filterGroups"].as_array_mut() {
                Some(groups) if !groups.is_empty() => {
                    for group in groups {
                        let filters = &mut group["filters"];
                        if !filters.is_array() {
                            *filters = json!([]);
                        }
                        if let Some(filters) = filters.as_array_mut() {
                            if filters.len() >= MAX_FILTERS_PER_GROUP {
                                return Err(format!(
                                    "a filter group already has {MAX_FILTERS_PER_GROUP} \
                                     filters, HubSpot's most, and restarting needs one more"
                                ));
                            }
                            filters.push(filter.clone());
                        }
                    }
                }
                _ => body["filterGroups"] = json!([{"filters": [filter]}]),
            }
        }
        Ok(body)
    }

    /// A page came, pointing to `next`, its last result `last`: whether to go on.
    fn answered<I: Serialize>(&mut self, next: Option<String>, last: Option<&I>) -> bool {
        if let Some(id) = last.and_then(record_id) {
            self.last_id = Some(id);
        }
        let Some(next) = next else {
            return false;
        };
        let at_cap = next.parse::<u64>().is_ok_and(|offset| offset >= SEARCH_CAP);
        if !at_cap {
            self.after = Some(next);
            return true;
        }
        match (&self.last_id, self.restartable) {
            (Some(last), true) => {
                self.restart_after = Some(last.clone());
                self.after = None;
            }
            (None, true) => {
                self.stuck = Some("its results carry no `id` to restart after".to_owned());
            }
            (_, false) => {
                self.stuck = Some(
                    "its sort is not `hs_object_id` ascending; leave `sorts` empty (or sort by \
                     `hs_object_id`) to get every result, or narrow the filters"
                        .to_owned(),
                );
            }
        }
        true
    }
}

/// Whether a sort (a property name, or `{propertyName, direction}`) is `hs_object_id`
/// ascending.
fn sorts_by_id(sort: &Value) -> bool {
    match sort {
        Value::String(name) => name == ID_PROPERTY,
        Value::Object(sort) => {
            sort.get("propertyName").and_then(Value::as_str) == Some(ID_PROPERTY)
                && sort
                    .get("direction")
                    .and_then(Value::as_str)
                    .is_none_or(|direction| direction == "ASCENDING")
        }
        _ => false,
    }
}

/// A result's `id`, as text.
fn record_id<I: Serialize>(item: &I) -> Option<String> {
    match serde_json::to_value(item).ok()?.get("id")? {
        Value::String(id) => Some(id.clone()),
        Value::Number(id) => Some(id.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::{decode, Method};

    fn search(body: Value) -> Request<Value> {
        Request::new(
            "search",
            Method::Post,
            "/crm/v3/objects/contacts/search",
            decode::json,
        )
        .json(&body)
        .search()
    }

    #[test]
    fn a_search_without_a_sort_is_sorted_by_id_and_restarted_after_the_last_one() {
        let request = search(json!({"filterGroups": [{"filters": [
            {"propertyName": "email", "operator": "HAS_PROPERTY"}]}], "limit": 10, "after": "40"}));
        let mut query = Query::new(&request);
        let first = query.next_body().unwrap();
        assert_eq!(first["limit"], 200);
        assert_eq!(
            first["sorts"],
            json!([{"propertyName": "hs_object_id", "direction": "ASCENDING"}])
        );
        assert!(first.get("after").is_none(), "{first}");
        assert!(query.answered(Some("9800".to_owned()), Some(&json!({"id": "9800"}))));
        assert_eq!(query.next_body().unwrap()["after"], "9800");
        // The next page would be past the cap: the query starts again after the last id.
        assert!(query.answered(Some("10000".to_owned()), Some(&json!({"id": 10417}))));
        let restarted = query.next_body().unwrap();
        assert!(restarted.get("after").is_none(), "{restarted}");
        assert_eq!(
            restarted["filterGroups"],
            json!([{"filters": [
                {"propertyName": "email", "operator": "HAS_PROPERTY"},
                {"propertyName": "hs_object_id", "operator": "GT", "value": "10417"}]}])
        );
        // A second restart replaces the first one's filter.
        assert!(query.answered(Some("10000".to_owned()), Some(&json!({"id": "20833"}))));
        let again = query.next_body().unwrap();
        assert_eq!(
            again["filterGroups"][0]["filters"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        assert_eq!(again["filterGroups"][0]["filters"][1]["value"], "20833");
        assert!(!query.answered(None, Some(&json!({"id": "25000"}))));
    }

    #[test]
    fn a_search_without_filters_gets_a_group_of_its_own() {
        let mut query = Query::new(&search(json!({"sorts": ["hs_object_id"]})));
        query.answered(Some("10000".to_owned()), Some(&json!({"id": "7"})));
        assert_eq!(
            query.next_body().unwrap()["filterGroups"],
            json!([{"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": "7"}]}])
        );
    }

    #[test]
    fn a_search_that_cannot_restart_says_why_at_the_cap() {
        let by_date =
            search(json!({"sorts": [{"propertyName": "createdate", "direction": "DESCENDING"}]}));
        let mut query = Query::new(&by_date);
        query.next_body().unwrap();
        assert!(query.answered(Some("10000".to_owned()), Some(&json!({"id": "3"}))));
        let reason = query.next_body().unwrap_err();
        assert!(reason.contains("not `hs_object_id` ascending"), "{reason}");

        let full = json!({"filters": [
            {"propertyName": "a", "operator": "HAS_PROPERTY"}, {"propertyName": "b", "operator": "HAS_PROPERTY"},
            {"propertyName": "c", "operator": "HAS_PROPERTY"}, {"propertyName": "d", "operator": "HAS_PROPERTY"},
            {"propertyName": "e", "operator": "HAS_PROPERTY"}, {"propertyName": "f", "operator": "HAS_PROPERTY"}]});
        let mut query = Query::new(&search(json!({"filterGroups": [full]})));
        query.answered(Some("10000".to_owned()), Some(&json!({"id": "3"})));
        assert!(query.next_body().unwrap_err().contains("6 filters"));
    }

    #[test]
    fn sorts_by_id_ascending_in_either_form() {
        for sort in [
            json!("hs_object_id"),
            json!({"propertyName": "hs_object_id"}),
            json!({"propertyName": "hs_object_id", "direction": "ASCENDING"}),
        ] {
            assert!(sorts_by_id(&sort), "{sort}");
        }
        for sort in [
            json!("-hs_object_id"),
            json!("createdate"),
            json!({"propertyName": "hs_object_id", "direction": "DESCENDING"}),
        ] {
            assert!(!sorts_by_id(&sort), "{sort}");
        }
    }
}
