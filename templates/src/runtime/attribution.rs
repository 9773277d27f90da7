//! Which inputs of one batch request each error of its answer is about.
//!
//! HubSpot names the inputs an error concerns in the error's `context` (and its
//! `errors[].context`): lists of ids under keys. The key that names an input's own record
//! (`fromObjectId`, `id`; see [`ObjectIds::own_id`]) says which inputs an error is about.
//! Ids under other keys (`toObjectId`, which every input of a batch may share) only choose
//! among inputs about the same record. What cannot be told is left open, never guessed.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::model::ObjectIds;

/// What the errors of an answer say about one input.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Verdict {
    /// This error (an index into the errors) is about the input.
    Rejected(usize),
    /// These errors all name the input, equally well: which of them applies cannot be told.
    Ambiguous(Vec<usize>),
    /// No error names the input's own record.
    Unnamed,
}

/// The verdict for each input, in input order, and the errors that are about no input.
pub(super) struct Attribution {
    pub(super) verdicts: Vec<Verdict>,
    pub(super) unclaimed: Vec<usize>,
}

pub(super) fn attribute<I: ObjectIds>(inputs: &[I], errors: &[Value]) -> Attribution {
    if errors.is_empty() {
        return Attribution {
            verdicts: inputs.iter().map(|_| Verdict::Unnamed).collect(),
            unclaimed: Vec::new(),
        };
    }
    let named: Vec<NamedIds> = errors.iter().map(NamedIds::of).collect();
    let own: Vec<_> = inputs.iter().map(ObjectIds::own_id).collect();
    let mut by_own_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, own) in own.iter().enumerate() {
        if let Some(own) = own {
            by_own_id.entry(own.id).or_default().push(i);
        }
    }
    // An input's other ids (its targets), the only ones that can break a tie.
    let others: Vec<Vec<&str>> = inputs
        .iter()
        .zip(&own)
        .map(|(input, own)| {
            let mut ids = input.object_ids();
            if let Some(at) = own.and_then(|own| ids.iter().position(|id| *id == own.id)) {
                ids.remove(at);
            }
            ids
        })
        .collect();

    // (error, score) for each input that an error names by its own key.
    let mut candidates: Vec<Vec<(usize, usize)>> = vec![Vec::new(); inputs.len()];
    let mut claimed = vec![false; errors.len()];
    for (e, names) in named.iter().enumerate() {
        // The inputs it names, grouped by the record they are about.
        let mut groups: HashMap<&str, Vec<usize>> = HashMap::new();
        for (key, ids) in &names.by_key {
            for id in ids {
                let Some(inputs) = by_own_id.get(id.as_str()) else {
                    continue;
                };
                for &i in inputs {
                    if own[i].is_some_and(|own| own.keys.contains(&key.as_str())) {
                        groups.entry(id.as_str()).or_default().push(i);
                    }
                }
            }
        }
        for (_, mut group) in groups {
            group.sort_unstable();
            group.dedup();
            let scores: Vec<usize> = group
                .iter()
                .map(|&i| names.count_other(own[i].map_or(&[], |o| o.keys), &others[i]))
                .collect();
            let best = scores.iter().copied().max().unwrap_or(0);
            for (&i, &score) in group.iter().zip(&scores) {
                if score == best {
                    candidates[i].push((e, score));
                    claimed[e] = true;
                }
            }
        }
    }

    let verdicts = candidates
        .into_iter()
        .map(|found| {
            let best = found.iter().map(|&(_, score)| score).max();
            let mut top: Vec<usize> = found
                .iter()
                .filter(|&&(_, score)| Some(score) == best)
                .map(|&(e, _)| e)
                .collect();
            top.dedup();
            match top.as_slice() {
                [] => Verdict::Unnamed,
                [only] => Verdict::Rejected(*only),
                _ => Verdict::Ambiguous(top),
            }
        })
        .collect();
    let unclaimed = (0..errors.len()).filter(|&e| !claimed[e]).collect();
    Attribution {
        verdicts,
        unclaimed,
    }
}

/// The ids an error names in its `context` and its `errors[].context`, by key. A context
/// that is a plain string names nothing.
struct NamedIds {
    by_key: HashMap<String, HashSet<String>>,
}

impl NamedIds {
    fn of(error: &Value) -> NamedIds {
        let mut named = NamedIds {
            by_key: HashMap::new(),
        };
        named.add_context(error.get("context"));
        if let Some(Value::Array(details)) = error.get("errors") {
            for detail in details {
                named.add_context(detail.get("context"));
            }
        }
        named
    }

    fn add_context(&mut self, context: Option<&Value>) {
        let Some(Value::Object(entries)) = context else {
            return;
        };
        for (key, value) in entries {
            let ids = self.by_key.entry(key.clone()).or_default();
            let items = match value {
                Value::Array(items) => items.as_slice(),
                single => std::slice::from_ref(single),
            };
            for item in items {
                match item {
                    Value::String(id) => {
                        ids.insert(id.clone());
                    }
                    // The live API sends ids as numbers in places.
                    Value::Number(id) => {
                        ids.insert(id.to_string());
                    }
                    _ => {}
                }
            }
        }
    }

    /// How many of `ids` it names under keys other than `own_keys`.
    fn count_other(&self, own_keys: &[&str], ids: &[&str]) -> usize {
        let mut seen = HashSet::new();
        ids.iter()
            .filter(|id| seen.insert(**id))
            .filter(|id| {
                self.by_key
                    .iter()
                    .any(|(key, named)| !own_keys.contains(&key.as_str()) && named.contains(**id))
            })
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::OwnId;
    use super::*;
    use serde_json::json;

    /// An association input: `from` is its own record, `to` its target.
    struct Pair {
        from: String,
        to: String,
    }

    fn pair(from: u64, to: u64) -> Pair {
        Pair {
            from: from.to_string(),
            to: to.to_string(),
        }
    }

    impl ObjectIds for Pair {
        fn object_ids(&self) -> Vec<&str> {
            vec![&self.from, &self.to]
        }
        fn own_id(&self) -> Option<OwnId<'_>> {
            Some(OwnId {
                id: &self.from,
                keys: &["fromObjectId"],
            })
        }
    }

    /// A read input: only its own record, named `id`.
    struct Read(String);

    impl ObjectIds for Read {
        fn object_ids(&self) -> Vec<&str> {
            vec![&self.0]
        }
        fn own_id(&self) -> Option<OwnId<'_>> {
            Some(OwnId {
                id: &self.0,
                keys: &["id"],
            })
        }
    }

    /// An input whose model does not say which key names it.
    struct Unkeyed(String);

    impl ObjectIds for Unkeyed {
        fn object_ids(&self) -> Vec<&str> {
            vec![&self.0]
        }
    }

    #[test]
    fn the_observed_answer_gives_each_input_its_own_error() {
        // Every input targets company 202; the first error also names 202.
        let inputs = [pair(1000970, 202), pair(1000869, 202), pair(1000500, 202)];
        let errors = [
            json!({"status": "error", "category": "VALIDATION_ERROR", "message": "invalid",
                   "context": {"fromObjectId": ["1000970"], "toObjectId": ["202"]}}),
            json!({"status": "error", "category": "OBJECT_NOT_FOUND", "message": "not found",
                   "context": {"fromObjectId": ["1000869"]}}),
        ];
        let attribution = attribute(&inputs, &errors);
        assert_eq!(
            attribution.verdicts,
            [Verdict::Rejected(0), Verdict::Rejected(1), Verdict::Unnamed]
        );
        assert!(attribution.unclaimed.is_empty());
    }

    #[test]
    fn a_shared_target_alone_names_no_input() {
        let inputs = [pair(1, 202), pair(2, 202)];
        let errors = [json!({"context": {"toObjectId": ["202"]}})];
        let attribution = attribute(&inputs, &errors);
        assert_eq!(attribution.verdicts, [Verdict::Unnamed, Verdict::Unnamed]);
        assert_eq!(attribution.unclaimed, [0]);
    }

    #[test]
    fn targets_choose_among_inputs_about_the_same_record() {
        let inputs = [pair(1, 202), pair(1, 203), pair(1, 204)];
        let errors = [
            json!({"context": {"fromObjectId": ["1"], "toObjectId": ["203"]}}),
            json!({"context": {"fromObjectId": ["1"], "toObjectId": [204]}}),
        ];
        let attribution = attribute(&inputs, &errors);
        assert_eq!(
            attribution.verdicts,
            [Verdict::Unnamed, Verdict::Rejected(0), Verdict::Rejected(1)]
        );
    }

    #[test]
    fn one_error_may_name_several_inputs() {
        let inputs = [pair(1, 202), pair(2, 202), pair(3, 202)];
        let errors = [json!({"context": {"fromObjectId": ["1", "3"], "toObjectId": ["202"]}})];
        let attribution = attribute(&inputs, &errors);
        assert_eq!(
            attribution.verdicts,
            [Verdict::Rejected(0), Verdict::Unnamed, Verdict::Rejected(0)]
        );
    }

    #[test]
    fn errors_that_name_an_input_equally_well_are_left_open() {
        let inputs = [pair(1, 202)];
        let errors = [
            json!({"context": {"fromObjectId": ["1"]}}),
            json!({"context": {"fromObjectId": ["1"]}, "message": "another"}),
        ];
        let attribution = attribute(&inputs, &errors);
        assert_eq!(attribution.verdicts, [Verdict::Ambiguous(vec![0, 1])]);
    }

    #[test]
    fn the_better_named_error_wins_for_an_input() {
        let inputs = [pair(1, 202)];
        let errors = [
            json!({"context": {"fromObjectId": ["1"]}}),
            json!({"context": {"fromObjectId": ["1"], "toObjectId": ["202"]}}),
        ];
        assert_eq!(attribute(&inputs, &errors).verdicts, [Verdict::Rejected(1)]);
    }

    #[test]
    fn ids_under_another_inputs_key_do_not_count() {
        // `fromObjectId: 7` is not how a read input is named; `id: 7` is.
        let inputs = [Read("7".into()), Read("8".into())];
        let errors = [
            json!({"context": {"fromObjectId": ["8"]}}),
            json!({"context": {"id": ["7"]}}),
        ];
        let attribution = attribute(&inputs, &errors);
        assert_eq!(
            attribution.verdicts,
            [Verdict::Rejected(1), Verdict::Unnamed]
        );
        assert_eq!(attribution.unclaimed, [0]);
    }

    #[test]
    fn nested_contexts_single_values_and_numbers_name_inputs() {
        let inputs = [pair(1, 202), pair(2, 202), pair(3, 202)];
        let errors = [
            json!({"context": "free text", "errors": [{"context": {"fromObjectId": [2]}}]}),
            json!({"context": {"fromObjectId": "3"}}),
        ];
        let attribution = attribute(&inputs, &errors);
        assert_eq!(
            attribution.verdicts,
            [Verdict::Unnamed, Verdict::Rejected(0), Verdict::Rejected(1)]
        );
    }

    #[test]
    fn an_input_without_a_known_key_is_never_matched() {
        let inputs = [Unkeyed("1".into())];
        let errors = [json!({"context": {"fromObjectId": ["1"], "id": ["1"]}})];
        let attribution = attribute(&inputs, &errors);
        assert_eq!(attribution.verdicts, [Verdict::Unnamed]);
        assert_eq!(attribution.unclaimed, [0]);
    }
}
