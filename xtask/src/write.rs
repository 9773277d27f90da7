//! Stage 4: put generated files on disk, or report how the disk differs.
//!
//! Nothing is written until every file has been generated, so a failed run leaves the output
//! as it was. Files are first written beside their targets and then renamed over them, and
//! only files whose contents change are touched.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

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
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    /// Files on disk that are not part of the plan but sit in an owned directory.
    fn extras(&self) -> Result<Vec<PathBuf>> {
        let mut extras = Vec::new();
        for dir in &self.owned_dirs {
            walk(dir, &mut |path| {
                if !self.files.contains_key(path) {
                    extras.push(path.to_owned());
                }
            })?;
        }
        Ok(extras)
    }

    /// What `apply` would change, as display names with a reason.
    pub fn stale(&self) -> Result<Vec<String>> {
        let mut stale = Vec::new();
        for (path, contents) in &self.files {
            match fs::read(path) {
                Ok(existing) if existing == contents.as_bytes() => {}
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
    pub fn apply(&self) -> Result<Vec<String>> {
        let mut staged = Vec::new();
        let result = self.stage(&mut staged);
        if let Err(e) = result {
            for (temp, _) in &staged {
                let _ = fs::remove_file(temp);
            }
            return Err(e);
        }
        let mut changed = Vec::new();
        for (temp, target) in staged {
            fs::rename(&temp, &target).map_err(|e| Error::io(&target, e))?;
            changed.push(self.display(&target));
        }
        for extra in self.extras()? {
            fs::remove_file(&extra).map_err(|e| Error::io(&extra, e))?;
            changed.push(format!("{} (removed)", self.display(&extra)));
        }
        Ok(changed)
    }

    /// Writes every changed file to a temporary sibling.
    fn stage(&self, staged: &mut Vec<(PathBuf, PathBuf)>) -> Result<()> {
        for (path, contents) in &self.files {
            if fs::read(path).is_ok_and(|existing| existing == contents.as_bytes()) {
                continue;
            }
            let dir = path.parent().unwrap_or(Path::new("."));
            fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default();
            let temp = dir.join(format!(".{name}.codegen-tmp"));
            fs::write(&temp, contents).map_err(|e| Error::io(&temp, e))?;
            staged.push((temp, path.clone()));
        }
        Ok(())
    }
}

fn walk(dir: &Path, visit: &mut dyn FnMut(&Path)) -> Result<()> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut paths: Vec<PathBuf> = entries
        .map(|entry| entry.map(|e| e.path()).map_err(|e| Error::io(dir, e)))
        .collect::<Result<_>>()?;
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, visit)?;
        } else {
            visit(&path);
        }
    }
    Ok(())
}
