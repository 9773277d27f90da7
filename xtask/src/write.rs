//! Stage 4: put generated files on disk, or report how the disk differs.
//!
//! Nothing is committed until every file has been generated, so a failed run leaves the
//! output as it was. New files are written in place and replacements beside their targets,
//! then renamed over them; only files whose contents change are touched.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::files::{display_name, files_under};

/// The complete set of files a run owns.
#[derive(Debug, Default)]
pub struct Plan {
    /// Where display names are relative to.
    root: PathBuf,
    files: BTreeMap<PathBuf, String>,
    /// Directories whose every file the run owns: files in them that the plan does not list
    /// are stale and removed.
    owned_dirs: BTreeSet<PathBuf>,
}

impl Plan {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Plan {
            root: root.into(),
            ..Plan::default()
        }
    }

    pub fn add(&mut self, path: impl Into<PathBuf>, contents: String) {
        self.files.insert(path.into(), contents);
    }

    pub fn own_dir(&mut self, dir: impl Into<PathBuf>) {
        self.owned_dirs.insert(dir.into());
    }

    pub fn files(&self) -> impl Iterator<Item = (&Path, &str)> {
        self.files.iter().map(|(p, c)| (p.as_path(), c.as_str()))
    }

    fn display(&self, path: &Path) -> String {
        display_name(&self.root, path)
    }

    /// Files on disk that are not part of the plan but sit in an owned directory. Those
    /// in `created` were made by this run and hold only its files.
    fn extras(&self, created: &[PathBuf]) -> Result<Vec<PathBuf>> {
        let mut extras = Vec::new();
        for dir in &self.owned_dirs {
            // An owned directory not made yet holds nothing stale.
            if created.contains(dir) || !dir.exists() {
                continue;
            }
            extras.extend(
                files_under(dir)?
                    .into_iter()
                    .filter(|path| !self.files.contains_key(path)),
            );
        }
        Ok(extras)
    }

    /// What `apply` would change, as display names with a reason.
    pub fn stale(&self) -> Result<Vec<String>> {
        let mut stale = Vec::new();
        for (path, contents) in &self.files {
            match fs::read(path) {
                Ok(existing) if same_text(&existing, contents) => {}
                Ok(_) => stale.push(format!("{} (differs)", self.display(path))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    stale.push(format!("{} (missing)", self.display(path)))
                }
                Err(e) => return Err(Error::io(path, e)),
            }
        }
        for extra in self.extras(&[])? {
            stale.push(format!(
                "{} (not generated, would be removed)",
                self.display(&extra)
            ));
        }
        Ok(stale)
    }

    /// Adds every file and owned directory of `other`.
    pub fn extend(&mut self, other: Plan) {
        self.files.extend(other.files);
        self.owned_dirs.extend(other.owned_dirs);
    }

    /// Writes changed files and removes stale ones; returns what changed.
    ///
    /// All new contents are written first (`stage`): files that do not exist yet straight to
    /// their place, replacements beside their targets. Only then are the targets replaced
    /// (`commit`), each old file kept as a backup until every replacement succeeded. If
    /// anything fails, what was done is undone (new files and the directories this run
    /// created removed, old files restored), so the output is as it was.
    pub fn apply(&self) -> Result<Vec<String>> {
        let staged = self.stage()?;
        self.commit(staged)
    }

    /// Writes every changed file of the plan: a new one in its place, a replacement to a
    /// temporary sibling, for `commit` to finish or `Staged::undo` to take back. Undoes
    /// itself if it fails.
    pub fn stage(&self) -> Result<Staged> {
        let mut staged = Staged::default();
        match self.stage_into(&mut staged) {
            Ok(()) => Ok(staged),
            Err(e) => {
                staged.undo();
                Err(e)
            }
        }
    }

    /// Puts staged replacements in place and removes stale files: the end of `apply`.
    /// `staged` may hold what several plans staged, when this plan holds their files too.
    /// Undoes everything staged if a replacement fails.
    pub fn commit(&self, mut staged: Staged) -> Result<Vec<String>> {
        let mut replaced: Vec<(PathBuf, PathBuf)> = Vec::new();
        for i in 0..staged.replacements.len() {
            let (temp, target) = &staged.replacements[i];
            let backup = sibling(target, "codegen-backup");
            let result = fs::rename(target, &backup)
                .and_then(|()| {
                    replaced.push((target.clone(), backup));
                    fs::rename(temp, target)
                })
                .map_err(|e| Error::io(target, e));
            if let Err(e) = result {
                // The temporaries before this one are in place now.
                staged.replacements.drain(..i);
                staged.restore(&replaced);
                staged.undo();
                return Err(e);
            }
        }
        for (_, backup) in replaced {
            let _ = fs::remove_file(backup);
        }
        staged.changed.sort();
        let mut changed: Vec<String> = staged.changed.iter().map(|p| self.display(p)).collect();
        for extra in self.extras(&staged.created_dirs)? {
            fs::remove_file(&extra).map_err(|e| Error::io(&extra, e))?;
            changed.push(format!("{} (removed)", self.display(&extra)));
            self.remove_empty_parents(&extra);
        }
        Ok(changed)
    }

    /// Removes the directories, up to the owned one, that removing `file` left empty.
    fn remove_empty_parents(&self, file: &Path) {
        let Some(owner) = self.owned_dirs.iter().find(|dir| file.starts_with(dir)) else {
            return;
        };
        for dir in file.ancestors().skip(1).take_while(|dir| *dir != owner) {
            // Fails, and stops, at the first directory that still holds something.
            if fs::remove_dir(dir).is_err() {
                break;
            }
        }
    }

    /// Writes every changed file: a new one in its place, a replacement to a temporary
    /// sibling. Notes what it wrote and the directories it had to create.
    fn stage_into(&self, staged: &mut Staged) -> Result<()> {
        // Directories known to exist, so each is looked for (or made) once.
        let mut present: BTreeSet<&Path> = BTreeSet::new();
        for (path, contents) in &self.files {
            let dir = path.parent().unwrap_or(Path::new("."));
            // Nothing is in a directory this run made: no file there to compare with.
            let in_new_dir = staged.created_dirs.iter().any(|d| d == dir);
            let exists = !in_new_dir
                && match fs::read(path) {
                    Ok(existing) if same_text(&existing, contents) => continue,
                    Ok(_) => true,
                    Err(e) => e.kind() != std::io::ErrorKind::NotFound,
                };
            if !present.contains(dir) {
                let mut missing: Vec<PathBuf> = dir
                    .ancestors()
                    .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
                    .map(Path::to_path_buf)
                    .collect();
                fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                // Deepest last, so removing in reverse order empties children first.
                missing.reverse();
                staged.created_dirs.extend(missing);
                present.extend(dir.ancestors());
            }
            if exists {
                let temp = sibling(path, "codegen-tmp");
                fs::write(&temp, contents).map_err(|e| Error::io(&temp, e))?;
                staged.replacements.push((temp, path.clone()));
            } else {
                staged.new_files.push(path.clone());
                fs::write(path, contents).map_err(|e| Error::io(path, e))?;
            }
            staged.changed.push(path.clone());
        }
        Ok(())
    }
}

/// What `Plan::stage` wrote, for `Plan::commit` to finish or `undo` to take back.
#[derive(Debug, Default)]
pub struct Staged {
    /// Files that did not exist, written in their place.
    new_files: Vec<PathBuf>,
    /// Temporaries holding the new contents of existing files, and those files.
    replacements: Vec<(PathBuf, PathBuf)>,
    /// Directories the run created, parents before children.
    created_dirs: Vec<PathBuf>,
    /// Every file written.
    changed: Vec<PathBuf>,
}

impl Staged {
    /// Adds what another plan staged after this one.
    pub fn absorb(&mut self, other: Staged) {
        self.new_files.extend(other.new_files);
        self.replacements.extend(other.replacements);
        self.created_dirs.extend(other.created_dirs);
        self.changed.extend(other.changed);
    }

    /// Takes back what was staged: removes new files and temporaries, and the directories
    /// made for them.
    pub fn undo(&self) {
        for file in &self.new_files {
            let _ = fs::remove_file(file);
        }
        for (temp, _) in &self.replacements {
            let _ = fs::remove_file(temp);
        }
        for dir in self.created_dirs.iter().rev() {
            let _ = fs::remove_dir(dir);
        }
    }

    /// Puts `replaced` files back from their backups.
    fn restore(&self, replaced: &[(PathBuf, PathBuf)]) {
        for (target, backup) in replaced.iter().rev() {
            let _ = fs::rename(backup, target);
        }
    }
}

/// Whether a file on disk already holds `text`, line endings aside: a checkout that turns
/// `\n` into `\r\n` (git's `autocrlf` on Windows) is not stale, and is left alone.
fn same_text(on_disk: &[u8], text: &str) -> bool {
    on_disk == text.as_bytes()
        || unix_newlines(&String::from_utf8_lossy(on_disk)) == unix_newlines(text)
}

fn unix_newlines(text: &str) -> Cow<'_, str> {
    if text.contains("\r\n") {
        Cow::Owned(text.replace("\r\n", "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// `dir/.name.suffix` beside `path`.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{suffix}"))
}
