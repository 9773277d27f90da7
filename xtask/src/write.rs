//! Stage 4: put generated files on disk, or report how the disk differs.
//!
//! Nothing is written until every file has been generated, so a failed run leaves the output
//! as it was. Files are first written beside their targets and then renamed over them, and
//! only files whose contents change are touched.

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

    /// Files on disk that are not part of the plan but sit in an owned directory.
    fn extras(&self) -> Result<Vec<PathBuf>> {
        let mut extras = Vec::new();
        for dir in &self.owned_dirs {
            // An owned directory not made yet holds nothing stale.
            if !dir.exists() {
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
        for extra in self.extras()? {
            stale.push(format!(
                "{} (not generated, would be removed)",
                self.display(&extra)
            ));
        }
        Ok(stale)
    }

    /// Writes changed files and removes stale ones; returns what changed.
    ///
    /// All new contents are written beside their targets first. Only then are the targets
    /// replaced, each old file kept as a backup until every replacement succeeded; if one
    /// fails, the ones done are undone and the directories this run created are removed, so
    /// the output is as it was.
    pub fn apply(&self) -> Result<Vec<String>> {
        let mut created_dirs = Vec::new();
        let mut staged = Vec::new();
        if let Err(e) = self.stage(&mut staged, &mut created_dirs) {
            undo(&[], &staged, &created_dirs);
            return Err(e);
        }
        let mut replaced: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
        for (i, (temp, target)) in staged.iter().enumerate() {
            let backup = sibling(target, "codegen-backup");
            let had_file = target.exists();
            let result = (|| {
                if had_file {
                    fs::rename(target, &backup).map_err(|e| Error::io(target, e))?;
                }
                replaced.push((target.clone(), had_file.then(|| backup.clone())));
                fs::rename(temp, target).map_err(|e| Error::io(target, e))
            })();
            if let Err(e) = result {
                undo(&replaced, &staged[i..], &created_dirs);
                return Err(e);
            }
        }
        let mut changed = Vec::new();
        for (target, backup) in replaced {
            if let Some(backup) = backup {
                let _ = fs::remove_file(backup);
            }
            changed.push(self.display(&target));
        }
        for extra in self.extras()? {
            fs::remove_file(&extra).map_err(|e| Error::io(&extra, e))?;
            changed.push(format!("{} (removed)", self.display(&extra)));
        }
        Ok(changed)
    }

    /// Writes every changed file to a temporary sibling, noting directories it had to create.
    fn stage(
        &self,
        staged: &mut Vec<(PathBuf, PathBuf)>,
        created_dirs: &mut Vec<PathBuf>,
    ) -> Result<()> {
        for (path, contents) in &self.files {
            if fs::read(path).is_ok_and(|existing| same_text(&existing, contents)) {
                continue;
            }
            let dir = path.parent().unwrap_or(Path::new("."));
            let mut missing: Vec<PathBuf> = dir
                .ancestors()
                .take_while(|d| !d.as_os_str().is_empty() && !d.exists())
                .map(Path::to_path_buf)
                .collect();
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            // Deepest last, so removing in reverse order empties children first.
            missing.reverse();
            created_dirs.extend(missing);
            let temp = sibling(path, "codegen-tmp");
            fs::write(&temp, contents).map_err(|e| Error::io(&temp, e))?;
            staged.push((temp, path.clone()));
        }
        Ok(())
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

/// Puts back what a failed `apply` changed: restores replaced files from their backups,
/// removes new files and temporaries, and removes directories it created.
fn undo(
    replaced: &[(PathBuf, Option<PathBuf>)],
    pending: &[(PathBuf, PathBuf)],
    created_dirs: &[PathBuf],
) {
    for (target, backup) in replaced.iter().rev() {
        match backup {
            Some(backup) => {
                let _ = fs::rename(backup, target);
            }
            None => {
                let _ = fs::remove_file(target);
            }
        }
    }
    for (temp, _) in pending {
        let _ = fs::remove_file(temp);
    }
    for dir in created_dirs.iter().rev() {
        let _ = fs::remove_dir(dir);
    }
}
