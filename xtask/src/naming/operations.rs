//! Function names for operations, made from the method and the path as a person would name
//! them, the same in every version of an API.
//!
//! - Version segments (`v3`, `2026-03`, `2026-09-beta`) are left out wherever they sit.
//! - The API's prefix is left out: the literal segments every path of the document shares,
//!   then segments made of words of the document's title (each title word once: `contacts`
//!   in `/crm/objects/2026-03/contacts`, which also has `/crm/objects/2026-03/{objectType}/...`
//!   paths) and HubSpot's namespace words (`crm`, `cms`, `objects`).
//! - The verb is a word of the path after its last parameter that says what is done (`read`,
//!   `merge`, `gdpr-delete`, or the verb HubSpot's `operationId` starts with when the path has
//!   it too), or else follows from the method: GET is `list` for collections and `get`
//!   otherwise, POST `create`, PATCH `update`, DELETE `delete`, and PUT `replace` (a path that
//!   ends in a parameter) or `update`, as the `operationId` says when it ends in `_replace` or
//!   `_update`. A PUT is never `create`.
//! - The remaining literal words are the noun; a word that names the item a parameter
//!   selects is singular (`files/{fileId}/signed-url`), as is the last word for verbs that act
//!   on one item. Names longer than 40 characters lose their leading (most general) noun
//!   words, where no other operation could get the shorter name.
//! - Two operations that want one name are told apart by the last path parameter of all but
//!   the one addressed by an id (`get_folder`, `get_folder_by_path`); a numeric suffix is left
//!   for operations nothing tells apart.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;

use super::{ascii_words, value_name, Namespace};

/// Path words that say what an operation does; they become the function's verb. The verb of
/// an `operationId` counts too when the path has it, but not every version of a document has
/// such `operationId`s, so the verbs HubSpot's paths use are listed here.
const PATH_VERBS: &[&str] = &[
    "add",
    "approve",
    "archive",
    "associate",
    "attach",
    "cancel",
    "clone",
    "complete",
    "convert",
    "copy",
    "create",
    "delete",
    "detach",
    "duplicate",
    "end",
    "enroll",
    "export",
    "import",
    "introspect",
    "merge",
    "move",
    "pause",
    "publish",
    "purge",
    "push",
    "read",
    "refresh",
    "register",
    "reject",
    "remove",
    "replace",
    "rerun",
    "reset",
    "restore",
    "resume",
    "revoke",
    "schedule",
    "search",
    "send",
    "start",
    "stop",
    "subscribe",
    "sync",
    "unenroll",
    "unpause",
    "unpublish",
    "unsubscribe",
    "update",
    "upload",
    "upsert",
    "validate",
    "verify",
];

/// Leading segments that say where an API lives in HubSpot, not what an operation does.
const NAMESPACE_SEGMENTS: &[&str] = &["crm", "cms", "objects"];

/// Verbs that act on one item, so the noun after them is singular.
const ONE_ITEM_VERBS: &[&str] = &["create", "delete", "get", "replace", "update"];

/// Words that are plural in form and singular in meaning.
const PLURAL_NOUNS: &[&str] = &["analytics", "details", "news", "series", "settings"];

/// Function names longer than this lose leading noun words where that keeps them apart.
const LONGEST: usize = 40;
/// Function names longer than this lose leading noun words in any case.
const LIMIT: usize = 50;

/// What one document's paths and title say about all its operations: the prefix no function
/// name repeats.
#[derive(Clone, Debug, Default)]
pub struct ApiPrefix {
    /// The literal segments every path starts with, versions left out.
    shared: Vec<String>,
    /// The singular words of the document's title.
    title: BTreeSet<String>,
}

impl ApiPrefix {
    pub fn new<'p>(title: &str, paths: impl IntoIterator<Item = &'p str>) -> Self {
        let mut shared: Option<Vec<String>> = None;
        for path in paths {
            let literal: Vec<String> = segments(path)
                .into_iter()
                .take_while(|s| !is_parameter(s))
                .map(str::to_owned)
                .collect();
            shared = Some(match shared {
                None => literal,
                Some(mut shared) => {
                    let same = shared
                        .iter()
                        .zip(&literal)
                        .take_while(|(a, b)| a == b)
                        .count();
                    shared.truncate(same);
                    shared
                }
            });
        }
        ApiPrefix {
            shared: shared.unwrap_or_default(),
            title: words(title).iter().map(|w| singular(w)).collect(),
        }
    }

    /// How many of a path's leading segments (versions left out) belong to the prefix.
    fn len(&self, segments: &[&str]) -> usize {
        let mut title = self.title.clone();
        let mut take_title_words = |segment: &str| {
            let words: Vec<String> = words(segment).iter().map(|w| singular(w)).collect();
            let all = !words.is_empty() && words.iter().all(|w| title.contains(w));
            if all {
                for word in &words {
                    title.remove(word);
                }
            }
            all
        };
        let mut len = 0;
        for segment in segments.iter().take_while(|s| !is_parameter(s)) {
            let shared = self.shared.get(len).is_some_and(|s| s == segment);
            // A title word that is part of the shared prefix may not strip a second segment.
            let of_title = take_title_words(segment);
            if !(shared || of_title || NAMESPACE_SEGMENTS.contains(segment)) {
                break;
            }
            len += 1;
        }
        len
    }
}

/// One operation, as far as its name is concerned.
#[derive(Clone, Copy, Debug)]
pub struct OperationSite<'a> {
    /// The path item key: `get`, `put`, ...
    pub method: &'a str,
    pub path: &'a str,
    /// The operation pages or returns a collection.
    pub lists: bool,
    pub operation_id: Option<&'a str>,
}

/// A request function's name from its method and path; see the module documentation.
pub fn operation_name(prefix: &ApiPrefix, op: &OperationSite) -> FunctionName {
    let method = op.method.to_ascii_lowercase();
    let segments = segments(op.path);
    let rest = &segments[prefix.len(&segments)..];
    let ends_with_param = rest.last().is_some_and(|s| is_parameter(s));
    let hint = hint_words(&method, op.path, op.operation_id);

    // The literal words, each with its segment, and whether a parameter selects one of them.
    let mut words: Vec<Word> = Vec::new();
    for (i, segment) in rest.iter().enumerate() {
        if is_parameter(segment) {
            continue;
        }
        let segment_words = words_of(segment);
        // `usage/high-usage-report` says `usage` twice; keep it where the later segment has it.
        words.retain(|w| !segment_words.contains(&w.text));
        let selected = rest.get(i + 1).is_some_and(|s| is_parameter(s));
        let last = segment_words.len().saturating_sub(1);
        words.extend(segment_words.into_iter().enumerate().map(|(j, text)| Word {
            text,
            segment: i,
            selected: selected && j == last,
        }));
    }
    let batch = match words.iter().position(|w| w.text == "batch") {
        Some(i) => {
            words.remove(i);
            true
        }
        None => false,
    };

    let tail_start = rest
        .iter()
        .rposition(|s| is_parameter(s))
        .map_or(0, |i| i + 1);
    let hint_verb = hint.first().map(|verb| match verb.as_str() {
        "do" => hint.get(1).cloned().unwrap_or_default(),
        _ => verb.clone(),
    });
    let path_verb = words.iter().rposition(|w| {
        w.segment >= tail_start
            && (PATH_VERBS.contains(&w.text.as_str()) || hint_verb.as_deref() == Some(&w.text))
            && !(method == "put" && w.text == "create")
    });
    let (verb, one_item) = match path_verb {
        Some(i) => {
            // A verb inside a segment brings the segment with it: `gdpr-delete`.
            let segment = words[i].segment;
            let phrase: Vec<String> = words
                .iter()
                .filter(|w| w.segment == segment)
                .map(|w| w.text.clone())
                .collect();
            words.retain(|w| w.segment != segment);
            let one_item = words.last().is_some_and(|w| w.selected);
            (phrase.join("_"), one_item)
        }
        None => {
            let verb = match method.as_str() {
                "get" if op.lists || lists_by_hint(&hint) => "list",
                // The API's own root (`GET /crm/v3/objects/contacts`) is its collection.
                "get" if rest.is_empty() => "list",
                "get" => "get",
                "post" => "create",
                "put" if hint.iter().any(|w| w == "replace") => "replace",
                "put" if hint.first().is_some_and(|w| w == "update") => "update",
                "put" if ends_with_param => "replace",
                "put" | "patch" => "update",
                "delete" => "delete",
                other => other,
            };
            (verb.to_owned(), ONE_ITEM_VERBS.contains(&verb))
        }
    };

    let last = words.len().saturating_sub(1);
    let nouns: Vec<String> = words
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let singular_here = if i == last {
                !batch && verb != "list" && (one_item || w.selected)
            } else {
                w.selected
            };
            if singular_here {
                singular(&w.text)
            } else {
                w.text.clone()
            }
        })
        .collect();
    let mut words: Vec<String> = Vec::new();
    if batch {
        words.push("batch".to_owned());
    }
    words.push(verb);
    let verb_words = words.len();
    words.extend(nouns);
    FunctionName { words, verb_words }
}

/// A function name as words: the verb words (`batch`, the verb) and then the noun words, of
/// which the leading (most general) ones may be left out to shorten a long name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionName {
    words: Vec<String>,
    verb_words: usize,
}

impl FunctionName {
    /// A name the document gives (`x-rust-name`): used as it is.
    pub fn given(name: &str) -> Self {
        FunctionName {
            words: vec![value_name(name)],
            verb_words: 1,
        }
    }

    /// The whole name.
    pub fn full(&self) -> String {
        self.spelled(0)
    }

    /// The name without its first `dropped` noun words.
    fn spelled(&self, dropped: usize) -> String {
        let (verb, nouns) = self.words.split_at(self.verb_words);
        let words: Vec<&str> = verb
            .iter()
            .chain(&nouns[dropped..])
            .map(String::as_str)
            .collect();
        value_name(&words.join("_"))
    }

    /// How many noun words may be left out: all but the last.
    fn droppable(&self) -> usize {
        (self.words.len() - self.verb_words).saturating_sub(1)
    }
}

/// The name an operation asks for, before names are made unique.
#[derive(Clone, Debug)]
pub struct WantedName<'a> {
    pub name: FunctionName,
    /// Given by the document (`x-rust-name`): it keeps its name if any operation can.
    pub fixed: bool,
    pub path: &'a str,
}

/// Unique names for the operations of one module, in their order.
///
/// Names given by the document are claimed first. A name over 40 characters is shortened by
/// leaving out leading noun words, but only to a name no other operation could have, so
/// shortening never makes two operations collide; one that cannot be shortened so keeps up to
/// 50 characters. Of several operations that want one name, the one whose path ends in an id
/// (or else the first) keeps it, and the others are told apart by their last path parameter
/// (`get_folder_by_path`); a numeric suffix remains for those that still collide.
pub fn unique_operation_names(wanted: &[WantedName]) -> Vec<String> {
    let mut names = Namespace::new();
    let mut out: Vec<Option<String>> = vec![None; wanted.len()];
    for (i, w) in wanted.iter().enumerate().filter(|(_, w)| w.fixed) {
        out[i] = Some(names.claim(&w.name.full()));
    }
    // Operations that want the same whole name, in the order of their first member.
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for (i, w) in wanted.iter().enumerate().filter(|(_, w)| !w.fixed) {
        let full = w.name.full();
        match groups.iter_mut().find(|(name, _)| *name == full) {
            Some((_, members)) => members.push(i),
            None => groups.push((full, vec![i])),
        }
    }
    // Every name each group could end up with, whole or shortened.
    let mut could_be: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (g, (_, members)) in groups.iter().enumerate() {
        let name = &wanted[members[0]].name;
        for dropped in 0..=name.droppable() {
            could_be.entry(name.spelled(dropped)).or_default().insert(g);
        }
    }
    for (g, (full, members)) in groups.iter().enumerate() {
        let name = &wanted[members[0]].name;
        let own = |candidate: &String| {
            could_be[candidate].iter().all(|&other| other == g) && names.is_free(candidate)
        };
        let shortened = |limit: usize| {
            (1..=name.droppable())
                .map(|dropped| name.spelled(dropped))
                .find(|candidate| candidate.len() <= limit && own(candidate))
        };
        let chosen = if full.len() <= LONGEST {
            full.clone()
        } else if let Some(short) = shortened(LONGEST) {
            short
        } else if full.len() <= LIMIT {
            full.clone()
        } else {
            shortened(LIMIT).unwrap_or_else(|| name.spelled(name.droppable()))
        };
        let keeper = names.is_free(&chosen).then(|| {
            members
                .iter()
                .copied()
                .find(|&i| last_parameter(wanted[i].path).is_some_and(names_an_id))
                .unwrap_or(members[0])
        });
        if let Some(keeper) = keeper {
            out[keeper] = Some(names.claim(&chosen));
        }
        for &i in members.iter().filter(|&&i| Some(i) != keeper) {
            let qualified = qualifier(&chosen, wanted[i].path)
                .map(|q| format!("{chosen}_by_{q}"))
                .filter(|q| q.len() <= LIMIT && names.is_free(q));
            out[i] = Some(names.claim(qualified.as_deref().unwrap_or(&chosen)));
        }
    }
    out.into_iter().map(Option::unwrap_or_default).collect()
}

/// The words of a path's last parameter that the name does not already say: `path` for
/// `{folderPath}` in `get_folder`.
fn qualifier(name: &str, path: &str) -> Option<String> {
    let parameter = last_parameter(path)?;
    let in_name: BTreeSet<String> = name.split('_').map(singular).collect();
    let all = words_of(parameter);
    let new: Vec<String> = all
        .iter()
        .filter(|w| !in_name.contains(&singular(w)))
        .cloned()
        .collect();
    let chosen = if new.is_empty() { all } else { new };
    (!chosen.is_empty()).then(|| chosen.join("_"))
}

fn last_parameter(path: &str) -> Option<&str> {
    path.split('/')
        .rev()
        .find(|s| is_parameter(s))
        .map(|s| s.trim_start_matches('{').trim_end_matches('}'))
}

fn names_an_id(parameter: &str) -> bool {
    words_of(parameter).last().is_some_and(|w| w == "id")
}

/// A word of a path and where it comes from.
struct Word {
    text: String,
    /// The index of its segment in the path after the prefix.
    segment: usize,
    /// It is the last word of a segment that a parameter follows: it names one item.
    selected: bool,
}

/// The segments of a path without versions.
fn segments(path: &str) -> Vec<&str> {
    path.split('/')
        .filter(|s| !s.is_empty() && !is_version(s))
        .collect()
}

fn is_parameter(segment: &str) -> bool {
    segment.starts_with('{')
}

/// `v3`, `v4-beta`, `2025-09`, `2026-09-beta`: a version segment of a path.
pub fn is_version(segment: &str) -> bool {
    let mut parts = segment.split('-');
    let first = parts.next().unwrap_or_default();
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    let v_number = first.len() >= 2
        && first.starts_with('v')
        && first[1..].bytes().all(|b| b.is_ascii_digit());
    let date = digits(first, 4) && parts.next().is_some_and(|month| digits(month, 2));
    // What may follow: `beta`, `alpha2`, ...
    (v_number || date)
        && parts.all(|p| {
            p.starts_with(|c: char| c.is_ascii_lowercase())
                && p.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// The snake-case words of a segment, a title or a camelCase identifier.
fn words_of(text: &str) -> Vec<String> {
    ascii_words(text)
        .to_snake_case()
        .split('_')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn words(text: &str) -> Vec<String> {
    words_of(text)
        .into_iter()
        .filter(|w| !is_version(w))
        .collect()
}

/// The words of what HubSpot's `operationId` says after the path (`{method}-{path}_{verb}`:
/// `getPage`, `createOrReplace`), or of a plain `operationId`; none when it is a path.
fn hint_words(method: &str, path: &str, operation_id: Option<&str>) -> Vec<String> {
    let Some(id) = operation_id else {
        return Vec::new();
    };
    let hint = id
        .strip_prefix(&format!("{method}-{path}"))
        .map_or(id, |rest| rest.trim_start_matches('_'));
    if hint.contains(['/', '{', ' ']) {
        return Vec::new();
    }
    words_of(hint)
}

/// `getPage`, `getAll...`, `list...`.
fn lists_by_hint(hint: &[String]) -> bool {
    match hint {
        [first, ..] if first == "list" => true,
        [first, second, ..] => first == "get" && (second == "page" || second == "all"),
        _ => false,
    }
}

pub(super) fn singular(word: &str) -> String {
    if PLURAL_NOUNS.contains(&word) {
        word.to_owned()
    } else if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if ["sses", "xes", "ches", "shes"]
        .iter()
        .any(|s| word.ends_with(s))
    {
        word[..word.len() - 2].to_owned()
    } else if word.len() <= 3 || ["ss", "us", "is"].iter().any(|s| word.ends_with(s)) {
        word.to_owned()
    } else {
        word.strip_suffix('s').unwrap_or(word).to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names for `(method, path, operationId)`s of one document titled `title`.
    fn names(title: &str, ops: &[(&str, &str, Option<&str>)]) -> Vec<String> {
        let prefix = ApiPrefix::new(title, ops.iter().map(|(_, path, _)| *path));
        let wanted: Vec<WantedName> = ops
            .iter()
            .map(|(method, path, id)| {
                let site = OperationSite {
                    method,
                    path,
                    lists: false,
                    operation_id: *id,
                };
                WantedName {
                    name: operation_name(&prefix, &site),
                    fixed: false,
                    path,
                }
            })
            .collect();
        unique_operation_names(&wanted)
    }

    #[test]
    fn associations() {
        let ops = [
            (
                "post",
                "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read",
                None,
            ),
            (
                "post",
                "/crm/v4/associations/{fromObjectType}/{toObjectType}/batch/labels/archive",
                None,
            ),
            (
                "post",
                "/crm/v4/associations/usage/high-usage-report/{userId}",
                None,
            ),
            (
                "put",
                "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}",
                Some("put-/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}_create"),
            ),
            (
                "delete",
                "/crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}",
                None,
            ),
            ("post", "/crm/v4/objects/{objectType}/search", None),
        ];
        assert_eq!(
            names("HubSpot CRM Associations", &ops),
            [
                "batch_read",
                "batch_archive_labels",
                "create_high_usage_report",
                "replace_association",
                "delete_association",
                "search",
            ]
        );
        let schema = [
            (
                "get",
                "/crm/associations/2026-03/{from}/{to}/labels",
                Some("get-/crm/associations/2026-03/{from}/{to}/labels_getPage"),
            ),
            ("put", "/crm/associations/2026-03/{from}/{to}/labels", None),
            ("post", "/crm/associations/2026-03/{from}/{to}/labels", None),
            (
                "delete",
                "/crm/associations/2026-03/{from}/{to}/labels/{associationTypeId}",
                None,
            ),
        ];
        assert_eq!(
            names("CRM Associations Schema", &schema),
            [
                "list_labels",
                "update_label",
                "create_label",
                "delete_label"
            ]
        );
    }

    /// `/crm/v3/objects/contacts/...` shares `contacts`; 2026-03 adds `/crm/objects/2026-03/
    /// {objectType}/...` paths, and the title strips `contacts` instead: the same names.
    #[test]
    fn one_name_in_every_version() {
        for version in ["/crm/v3/objects", "/crm/objects/2026-03"] {
            let mut ops = vec![
                ("get", format!("{version}/contacts/{{contactId}}")),
                ("post", format!("{version}/contacts/gdpr-delete")),
                ("post", format!("{version}/contacts/batch/upsert")),
                ("patch", format!("{version}/contacts/{{contactId}}")),
            ];
            if version.contains("2026") {
                ops.push((
                    "delete",
                    format!("{version}/{{objectType}}/{{objectId}}/associations/{{toObjectType}}/{{toObjectId}}"),
                ));
            }
            let ops: Vec<(&str, &str, Option<&str>)> =
                ops.iter().map(|(m, p)| (*m, p.as_str(), None)).collect();
            assert_eq!(
                names("Contacts", &ops)[..4],
                ["get", "gdpr_delete", "batch_upsert", "update"],
                "{version}"
            );
        }
    }

    #[test]
    fn put_replaces_or_updates() {
        let ops = [
            (
                "put",
                "/crm/v3/pipelines/{objectType}/{pipelineId}",
                Some("put-/crm/v3/pipelines/{objectType}/{pipelineId}_replace"),
            ),
            (
                "post",
                "/crm/v3/pipelines/{objectType}/{pipelineId}/stages",
                None,
            ),
            (
                "put",
                "/crm/v3/pipelines/{objectType}/{pipelineId}/stages/{stageId}",
                Some("put-/crm/v3/pipelines/{objectType}/{pipelineId}/stages/{stageId}_create"),
            ),
            (
                "put",
                "/crm/v3/pipelines/{objectType}/{pipelineId}/labels",
                Some("put-/crm/v3/pipelines/{objectType}/{pipelineId}/labels_createOrReplace"),
            ),
            ("put", "/crm/v3/pipelines/settings", None),
            (
                "put",
                "/crm/v3/pipelines/{objectType}/{pipelineId}/stages/{stageId}/create",
                None,
            ),
        ];
        assert_eq!(
            names("Pipelines", &ops),
            [
                "replace",
                "create_stage",
                "replace_stage",
                "replace_label",
                "update_settings",
                "update_stage_create",
            ]
        );
    }

    #[test]
    fn verbs_from_the_path_and_the_operation_id() {
        let ops = [
            ("post", "/automation/v4/actions/callbacks/complete", None),
            (
                "post",
                "/automation/v4/actions/callbacks/{callbackId}/complete",
                None,
            ),
            (
                "post",
                "/automation/v4/actions/{appId}/{definitionId}/approve",
                Some("post-/automation/v4/actions/{appId}/{definitionId}/approve_approve"),
            ),
            ("get", "/automation/v4/actions/files/search", None),
            (
                "delete",
                "/automation/v4/actions/files/{fileId}/gdpr-delete",
                None,
            ),
            (
                "get",
                "/automation/v4/actions/{appId}",
                Some("get-/automation/v4/actions/{appId}_getPage"),
            ),
            (
                "get",
                "/automation/v4/actions/files/{fileId}/signed-url",
                None,
            ),
        ];
        assert_eq!(
            names("Automation Actions V4", &ops),
            [
                "complete_callbacks",
                "complete_callback",
                "approve",
                "search_files",
                "gdpr_delete_file",
                "list",
                "get_file_signed_url",
            ]
        );
    }

    #[test]
    fn collisions_are_told_apart_by_the_last_parameter() {
        let ops = [
            ("get", "/files/v3/folders/{folderPath}", None),
            ("get", "/files/v3/folders/{folderId}", None),
            ("get", "/files/v3/files/{fileId}", None),
            ("get", "/files/v3/functions/{functionType}", None),
            (
                "get",
                "/files/v3/functions/{functionType}/{functionId}",
                None,
            ),
            ("post", "/files/v3/things", None),
            ("post", "/files/v3/things/", None),
        ];
        assert_eq!(
            names("Files", &ops),
            [
                "get_folder_by_path",
                "get_folder",
                "get_file",
                "get_function_by_type",
                "get_function",
                "create_thing",
                "create_thing_2",
            ]
        );
    }

    #[test]
    fn long_names_lose_their_leading_words() {
        let ops = [
            (
                "get",
                "/files/v3/files/import-from-url/async/tasks/{taskId}/status",
                None,
            ),
            (
                "post",
                "/media-bridge/2026-03/{appId}/settings/video-association-definition",
                None,
            ),
        ];
        assert_eq!(
            names("Files", &ops),
            [
                "get_import_from_url_async_task_status",
                "create_video_association_definition",
            ]
        );
    }

    /// Leaving out `landing` and `site` would give both the same name: they stay whole.
    #[test]
    fn shortening_never_makes_names_collide() {
        let ops = [
            (
                "post",
                "/cms/v3/pages/landing-pages/multi-language/attach-to-lang-group",
                Some("post-/cms/v3/pages/landing-pages/multi-language/attach-to-lang-group_attachToLangGroup"),
            ),
            (
                "post",
                "/cms/v3/pages/site-pages/multi-language/attach-to-lang-group",
                Some("post-/cms/v3/pages/site-pages/multi-language/attach-to-lang-group_attachToLangGroup"),
            ),
        ];
        assert_eq!(
            names("Pages", &ops),
            [
                "attach_to_lang_group_landing_pages_multi_language",
                "attach_to_lang_group_site_pages_multi_language",
            ]
        );
    }

    #[test]
    fn versions() {
        for version in ["v3", "v4", "2025-09", "2026-09-beta", "v4-beta"] {
            assert!(is_version(version), "{version}");
        }
        for other in [
            "v",
            "vx",
            "ip-ranges",
            "2026",
            "objects",
            "12-34",
            "2026-09-X",
        ] {
            assert!(!is_version(other), "{other}");
        }
    }

    #[test]
    fn singulars() {
        for (plural, one) in [
            ("labels", "label"),
            ("properties", "property"),
            ("status", "status"),
            ("settings", "settings"),
            ("batches", "batch"),
            ("ids", "ids"),
            ("access", "access"),
        ] {
            assert_eq!(singular(plural), one);
        }
    }
}
