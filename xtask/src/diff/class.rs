//! What a change does to code written against the old side, and the version bump that
//! follows: semver, with the pre-1.0 convention cargo applies (`0.x` is to `0.x+1` what `1.x`
//! is to `2.0`).

use std::fmt;

/// How a change affects code that uses the generated crate. Ordered by weight, so the class of
/// several changes is the greatest of theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Only doc comments change.
    Documentation,
    /// Code that compiled still compiles and behaves as before: something was added
    /// (an operation, a type, an optional field, an enum value), or a restriction was lifted.
    Addition,
    /// Code that compiled may no longer compile, or may behave differently: something was
    /// removed or renamed, a type changed, a required argument or field appeared.
    Breaking,
}

impl Class {
    /// The class as the report prints it.
    pub fn label(self) -> &'static str {
        match self {
            Class::Documentation => "documentation-only",
            Class::Addition => "compatible addition",
            Class::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// How many changes of each class a report holds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    pub breaking: usize,
    pub additions: usize,
    pub documentation: usize,
}

impl Verdict {
    /// Counts one change of `class`.
    pub fn count(&mut self, class: Class) {
        match class {
            Class::Breaking => self.breaking += 1,
            Class::Addition => self.additions += 1,
            Class::Documentation => self.documentation += 1,
        }
    }

    /// The class of the whole update: its weightiest change, `None` when nothing changed.
    pub fn class(&self) -> Option<Class> {
        if self.breaking > 0 {
            Some(Class::Breaking)
        } else if self.additions > 0 {
            Some(Class::Addition)
        } else if self.documentation > 0 {
            Some(Class::Documentation)
        } else {
            None
        }
    }

    pub fn is_breaking(&self) -> bool {
        self.breaking > 0
    }
}

impl fmt::Display for Verdict {
    /// `verdict: breaking (1 breaking, 2 compatible additions): bump 0.x.y to 0.(x+1).0
    /// (minor), 1.x.y to 2.0.0 (major)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(class) = self.class() else {
            return f.write_str("verdict: no changes: no version bump");
        };
        let plural =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        let counts: Vec<String> = [
            (self.breaking, "breaking", "breaking"),
            (
                self.additions,
                "compatible addition",
                "compatible additions",
            ),
            (
                self.documentation,
                "documentation-only",
                "documentation-only",
            ),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| plural(n, one, many))
        .collect();
        let (below_one, from_one) = match class {
            Class::Breaking => ("0.x.y to 0.(x+1).0 (minor)", "1.x.y to 2.0.0 (major)"),
            Class::Addition => ("0.x.y to 0.x.(y+1) (patch)", "1.x.y to 1.(x+1).0 (minor)"),
            Class::Documentation => ("0.x.y to 0.x.(y+1) (patch)", "1.x.y to 1.x.(y+1) (patch)"),
        };
        write!(
            f,
            "verdict: {class} ({}): bump {below_one}, {from_one}",
            counts.join(", ")
        )
    }
}

/// Which part of a version a release raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    Patch,
    Minor,
    Major,
}

impl Bump {
    /// What changes of `class` ask of a crate at `version`: breaking changes the major
    /// version (the minor one below 1.0), additions the minor one (the patch below 1.0),
    /// documentation the patch.
    pub fn for_class(class: Class, version: &semver::Version) -> Bump {
        let stable = version.major > 0;
        match class {
            Class::Breaking if stable => Bump::Major,
            Class::Breaking => Bump::Minor,
            Class::Addition if stable => Bump::Minor,
            Class::Addition | Class::Documentation => Bump::Patch,
        }
    }

    /// `version` raised by this bump, lower parts reset and any pre-release or build
    /// metadata dropped.
    pub fn apply(self, version: &semver::Version) -> semver::Version {
        let (major, minor, patch) = (version.major, version.minor, version.patch);
        let (major, minor, patch) = match self {
            Bump::Major => (major + 1, 0, 0),
            Bump::Minor => (major, minor + 1, 0),
            Bump::Patch => (major, minor, patch + 1),
        };
        semver::Version::new(major, minor, patch)
    }
}

impl fmt::Display for Bump {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> semver::Version {
        semver::Version::parse(text).unwrap()
    }

    #[test]
    fn bumps_follow_semver_and_cargo_below_one() {
        let cases = [
            (Class::Breaking, "0.3.2", "0.4.0"),
            (Class::Addition, "0.3.2", "0.3.3"),
            (Class::Documentation, "0.3.2", "0.3.3"),
            (Class::Breaking, "1.3.2", "2.0.0"),
            (Class::Addition, "1.3.2", "1.4.0"),
            (Class::Documentation, "1.3.2", "1.3.3"),
            (Class::Breaking, "0.0.7", "0.1.0"),
            (Class::Addition, "2.0.0-rc.1", "2.1.0"),
        ];
        for (class, from, to) in cases {
            let bump = Bump::for_class(class, &v(from));
            assert_eq!(bump.apply(&v(from)), v(to), "{class} from {from}");
        }
    }

    #[test]
    fn the_weightiest_change_decides() {
        let mut verdict = Verdict::default();
        assert_eq!(verdict.class(), None);
        assert_eq!(verdict.to_string(), "verdict: no changes: no version bump");
        verdict.count(Class::Documentation);
        assert_eq!(verdict.class(), Some(Class::Documentation));
        verdict.count(Class::Addition);
        verdict.count(Class::Addition);
        assert_eq!(
            verdict.to_string(),
            "verdict: compatible addition (2 compatible additions, 1 documentation-only): \
             bump 0.x.y to 0.x.(y+1) (patch), 1.x.y to 1.(x+1).0 (minor)"
        );
        verdict.count(Class::Breaking);
        assert!(verdict.is_breaking());
        assert_eq!(
            verdict.to_string(),
            "verdict: breaking (1 breaking, 2 compatible additions, 1 documentation-only): \
             bump 0.x.y to 0.(x+1).0 (minor), 1.x.y to 2.0.0 (major)"
        );
    }
}
