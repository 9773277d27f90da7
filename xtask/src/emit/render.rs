//! Emitting and formatting a crate's files on every core.
//!
//! Formatting (syn's parse of the tokens, then prettyplease) is most of a run's work, and one
//! file (a module's `models.rs`) can be most of the formatting. So Rust files are planned as
//! pieces, runs of whole items, that are emitted and formatted on their own and joined in
//! order: the joined text is the text of the file formatted at once. Token streams cannot
//! move between threads, so each piece is a function that emits its tokens where it is
//! formatted. A piece may also emit items already written as formatted text (a struct's
//! `Serialize` and `Deserialize`, see `struct_serde.rs`), which go into the file as they are.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

use proc_macro2::TokenStream;

use super::{format, OutputFile};
use crate::error::Result;
use crate::ir::{TypeDef, TypeKind};

/// Emits one piece of a file.
pub type Piece<'a> = Box<dyn Fn() -> Emitted + Send + Sync + 'a>;

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
    /// Rust: the header, then the pieces' items in order.
    Rust {
        header: String,
        pieces: Vec<Piece<'a>>,
    },
}

impl<'a> PlannedFile<'a> {
    pub fn text(path: impl Into<String>, text: String) -> Self {
        PlannedFile {
            path: path.into(),
            contents: Planned::Text(text),
        }
    }

    pub fn rust(path: impl Into<String>, header: String, pieces: Vec<Piece<'a>>) -> Self {
        PlannedFile {
            path: path.into(),
            contents: Planned::Rust { header, pieces },
        }
    }

    /// Every piece, unformatted (to time emitting alone).
    pub fn emitted(&self) -> Vec<Emitted> {
        match &self.contents {
            Planned::Text(_) => Vec::new(),
            Planned::Rust { pieces, .. } => pieces.iter().map(|piece| piece()).collect(),
        }
    }
}

/// How many threads to emit and format on: one per core this process may use.
pub fn parallelism() -> usize {
    std::thread::available_parallelism().map_or(1, NonZeroUsize::get)
}

/// Emits and formats every file on up to `threads` threads.
pub fn render(files: Vec<PlannedFile<'_>>, threads: usize) -> Result<Vec<OutputFile>> {
    let jobs: Vec<(&str, &Piece)> = files
        .iter()
        .flat_map(|file| {
            match &file.contents {
                Planned::Text(_) => [].iter(),
                Planned::Rust { pieces, .. } => pieces.iter(),
            }
            .map(|piece| (file.path.as_str(), piece))
        })
        .collect();
    let mut texts = on_threads(&jobs, threads, |(path, piece)| piece().format(path)).into_iter();
    let mut output = Vec::with_capacity(files.len());
    for file in &files {
        let contents = match &file.contents {
            Planned::Text(text) => text.clone(),
            Planned::Rust { header, pieces } => {
                let mut items = String::new();
                for text in texts.by_ref().take(pieces.len()) {
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
pub fn runs<T>(items: &[T], threads: usize, weight: impl Fn(&T) -> usize) -> Vec<&[T]> {
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
pub fn type_weight(def: &&TypeDef) -> usize {
    4 + match &def.kind {
        TypeKind::Struct(s) => 2 * s.fields.len(),
        TypeKind::Enum(e) => e.variants.len(),
        TypeKind::Union(u) => 2 * u.variants.len(),
        TypeKind::Alias(_) => 0,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::codegen;
    use crate::emit::{emit_crate_on, CrateOptions};

    #[test]
    fn runs_cover_every_item_in_order() {
        let items: Vec<usize> = (0..100).collect();
        for threads in [1, 2, 3, 8] {
            let runs = runs(&items, threads, |_| 5);
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
        assert_eq!(runs(&[] as &[usize], 4, |_| 1), vec![&[] as &[usize]]);
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
            let whole = emit_crate_on(&api, &options, "runtime", 1).unwrap();
            let pieces = emit_crate_on(&api, &options, "runtime", 8).unwrap();
            assert_eq!(whole, pieces, "{paths:?}");
        }
    }
}
