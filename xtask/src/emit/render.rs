//! Emitting and formatting a crate's files on every core.
//!
//! Formatting (syn's parse of the tokens, then prettyplease) is most of a run's work, and one
//! file (a module's `models.rs`) can be most of the formatting. Emit plans each Rust file as
//! items in order (`Item`: something written whole, the module's type definitions, its
//! request functions); rendering cuts the lists into runs of about equal weight, emits and
//! formats each run on its own, on every core, and joins them in order: the joined text is the
//! text of the file formatted at once. Token streams cannot move between threads, so each run
//! is emitted where it is formatted. An item may also be written as formatted text (a
//! struct's definition and (de)serialisation, see `struct_text.rs`), which goes into the file
//! as it is.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;

use super::models::Model;
use super::{format, models, operations, OutputFile};
use crate::error::Result;
use crate::ir::{Operation, TypeKind, TypeTable};

/// One item of a Rust file, as emit plans it.
pub enum Item<'a> {
    /// Written by a function of the model, on the thread that formats it.
    Written(Box<dyn Fn() -> Emitted + Send + Sync + 'a>),
    /// Type definitions, in order.
    Types(Vec<Model<'a>>),
    /// Request functions, in order, and the table that names the types they use.
    Operations(&'a TypeTable, &'a [Operation]),
}

impl<'a> Item<'a> {
    pub fn written(write: impl Fn() -> Emitted + Send + Sync + 'a) -> Self {
        Item::Written(Box::new(write))
    }
}

/// A piece's items in order: tokens to format, and text written formatted.
#[derive(Default)]
pub struct Emitted {
    items: Vec<Items>,
}

enum Items {
    Tokens(TokenStream),
    Text(String),
}

impl Emitted {
    pub fn tokens(&mut self, tokens: TokenStream) {
        match self.items.last_mut() {
            Some(Items::Tokens(last)) => last.extend(tokens),
            _ => self.items.push(Items::Tokens(tokens)),
        }
    }

    /// Whole items, each from the start of a line, as prettyplease would end them.
    pub fn text(&mut self, text: String) {
        match self.items.last_mut() {
            Some(Items::Text(last)) => last.push_str(&text),
            _ => self.items.push(Items::Text(text)),
        }
    }

    /// The piece's text: its tokens formatted, joined with its text in order.
    fn format(self, file: &str) -> Result<String> {
        let mut out = String::new();
        for items in self.items {
            match items {
                Items::Tokens(tokens) => out.push_str(&format::unparse(file, tokens)?),
                Items::Text(text) => out.push_str(&text),
            }
        }
        Ok(out)
    }
}

impl From<TokenStream> for Emitted {
    fn from(tokens: TokenStream) -> Self {
        let mut emitted = Emitted::default();
        emitted.tokens(tokens);
        emitted
    }
}

/// One file of a crate, planned but not yet emitted.
pub struct PlannedFile<'a> {
    /// Relative to the crate root, `/`-separated.
    pub path: String,
    pub contents: Planned<'a>,
}

pub enum Planned<'a> {
    Text(String),
    /// Rust: the header, then the items in order.
    Rust {
        header: String,
        items: Vec<Item<'a>>,
    },
}

impl<'a> PlannedFile<'a> {
    pub fn text(path: impl Into<String>, text: String) -> Self {
        PlannedFile {
            path: path.into(),
            contents: Planned::Text(text),
        }
    }

    pub fn rust(path: impl Into<String>, header: String, items: Vec<Item<'a>>) -> Self {
        PlannedFile {
            path: path.into(),
            contents: Planned::Rust { header, items },
        }
    }

    /// Every item, unformatted (to time emitting alone).
    pub fn emitted(&self) -> Vec<Emitted> {
        match &self.contents {
            Planned::Text(_) => Vec::new(),
            Planned::Rust { items, .. } => runs(items, 1).iter().map(Run::emit).collect(),
        }
    }
}

/// What one thread emits and formats at a time: an item written whole, or a run of a list.
enum Run<'i, 'a> {
    Written(&'i (dyn Fn() -> Emitted + Send + Sync + 'a)),
    Types(&'i [Model<'a>]),
    Operations(&'a TypeTable, &'a [Operation]),
}

impl Run<'_, '_> {
    fn emit(&self) -> Emitted {
        match self {
            Run::Written(write) => write(),
            Run::Types(types) => models::type_defs(types),
            Run::Operations(types, operations) => {
                operations::operation_fns(types, operations).into()
            }
        }
    }
}

/// A file's items as runs for `threads` threads.
fn runs<'i, 'a>(items: &'i [Item<'a>], threads: usize) -> Vec<Run<'i, 'a>> {
    let mut out = Vec::new();
    for item in items {
        match item {
            Item::Written(write) => out.push(Run::Written(write.as_ref())),
            Item::Types(types) => out.extend(
                split(types, threads, type_weight)
                    .into_iter()
                    .map(Run::Types),
            ),
            Item::Operations(types, operations) => out.extend(
                split(operations, threads, |op| 4 + op.params.len())
                    .into_iter()
                    .map(|run| Run::Operations(types, run)),
            ),
        }
    }
    out
}

/// How many threads to emit and format on: one per core this process may use.
pub fn parallelism() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Emits and formats every file on up to `threads` threads. The files are the same however
/// many.
pub fn render(files: Vec<PlannedFile<'_>>, threads: usize) -> Result<Vec<OutputFile>> {
    let file_runs: Vec<(&str, Vec<Run>)> = files
        .iter()
        .map(|file| match &file.contents {
            Planned::Text(_) => (file.path.as_str(), Vec::new()),
            Planned::Rust { items, .. } => (file.path.as_str(), runs(items, threads)),
        })
        .collect();
    let jobs: Vec<(&str, &Run)> = file_runs
        .iter()
        .flat_map(|(path, runs)| runs.iter().map(move |run| (*path, run)))
        .collect();
    let mut texts = on_threads(&jobs, threads, |(path, run)| run.emit().format(path)).into_iter();
    let mut output = Vec::with_capacity(files.len());
    for (file, (_, runs)) in files.iter().zip(&file_runs) {
        let contents = match &file.contents {
            Planned::Text(text) => text.clone(),
            Planned::Rust { header, .. } => {
                let mut items = String::new();
                for text in texts.by_ref().take(runs.len()) {
                    items.push_str(&text?);
                }
                format::with_header(header, &items)
            }
        };
        output.push(OutputFile {
            path: file.path.clone(),
            contents,
        });
    }
    Ok(output)
}

/// `work` applied to every job, on up to `threads` threads (this one among them), each taking
/// the next job not yet taken; the results in the jobs' order. A panic in `work` is raised
/// here again.
fn on_threads<J: Sync, R: Send>(
    jobs: &[J],
    threads: usize,
    work: impl Fn(&J) -> R + Sync,
) -> Vec<R> {
    let threads = threads.min(jobs.len());
    if threads <= 1 {
        return jobs.iter().map(work).collect();
    }
    let next = AtomicUsize::new(0);
    let take_jobs = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(index) else {
                return done;
            };
            done.push((index, work(job)));
        }
    };
    let take_jobs = &take_jobs;
    let mut results: Vec<Option<R>> = std::iter::repeat_with(|| None).take(jobs.len()).collect();
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(take_jobs)).collect();
        let mine = take_jobs();
        let all = std::iter::once(Ok(mine)).chain(helpers.into_iter().map(|h| h.join()));
        for done in all {
            let done = done.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (index, result) in done {
                results[index] = Some(result);
            }
        }
    });
    results
        .into_iter()
        .map(|result| result.expect("every job was taken"))
        .collect()
}

/// `items` cut into runs of about equal weight, enough of them to keep `threads` threads busy
/// (several runs per thread, taken in turn, even out the runs' true costs); one run on one
/// thread.
fn split<T>(items: &[T], threads: usize, weight: impl Fn(&T) -> usize) -> Vec<&[T]> {
    /// Below this, a run costs more to set up than it saves.
    const MIN_WEIGHT: usize = 40;
    const RUNS_PER_THREAD: usize = 4;
    let total: usize = items.iter().map(&weight).sum();
    let target = (total / (threads * RUNS_PER_THREAD)).max(MIN_WEIGHT);
    if threads <= 1 || total <= target {
        return vec![items];
    }
    let mut runs = Vec::new();
    let (mut start, mut filled) = (0, 0);
    for (index, item) in items.iter().enumerate() {
        filled += weight(item);
        if filled >= target {
            runs.push(&items[start..=index]);
            (start, filled) = (index + 1, 0);
        }
    }
    if start < items.len() {
        runs.push(&items[start..]);
    }
    runs
}

/// About how much code a type makes, relative to others: its fields or variants, each
/// (de)serialised, on top of what every type has.
fn type_weight(model: &Model) -> usize {
    4 + match model.def().map(|def| &def.kind) {
        Some(TypeKind::Struct(s)) => 2 * s.fields.len(),
        Some(TypeKind::Enum(e)) => e.variants.len(),
        Some(TypeKind::Union(u)) => 2 * u.variants.len(),
        Some(TypeKind::Alias(_)) | None => 0,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::codegen;
    use crate::emit::{plan, CrateOptions};

    #[test]
    fn runs_cover_every_item_in_order() {
        let items: Vec<usize> = (0..100).collect();
        for threads in [1, 2, 3, 8] {
            let runs = split(&items, threads, |_| 5);
            let joined: Vec<usize> = runs.concat();
            assert_eq!(joined, items, "{threads} threads");
            assert!(runs.iter().all(|run| !run.is_empty()));
            if threads == 1 {
                assert_eq!(runs.len(), 1);
            } else {
                assert!(
                    runs.len() >= threads,
                    "{threads} threads: {} runs",
                    runs.len()
                );
            }
        }
        assert_eq!(split(&[] as &[usize], 4, |_| 1), vec![&[] as &[usize]]);
    }

    /// Files formatted in pieces on several threads are the files formatted whole on one:
    /// for every fixture, and for `spec/` (several versions, shared types).
    #[test]
    fn pieces_on_threads_make_the_same_files_as_one_thread() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut documents: Vec<Vec<_>> = codegen::spec_files(&root.join("tests/fixtures"))
            .unwrap()
            .into_iter()
            .map(|path| vec![path])
            .collect();
        documents.push(codegen::spec_files(&root.join("spec")).unwrap());
        let options = CrateOptions {
            package: "pieces".to_owned(),
            command: "test".to_owned(),
            standalone: true,
        };
        for paths in documents {
            let docs: Vec<_> = paths
                .iter()
                .map(|path| crate::load::load_file(path, "doc.yaml").unwrap())
                .collect();
            let (api, _) = crate::lower::lower(&docs).unwrap();
            let whole = render(plan(&api, &options, "runtime"), 1).unwrap();
            let pieces = render(plan(&api, &options, "runtime"), 8).unwrap();
            assert_eq!(whole, pieces, "{paths:?}");
        }
    }
}
