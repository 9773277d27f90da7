//! The report as a changelog section (`--format markdown`, and what `update-spec` prepends
//! to `generated/CHANGELOG.md`): a list per class, each entry one change.

use super::{Change, Class, Report};

/// The lists of a section, in order: heading and the class it holds.
const LISTS: [(&str, Class); 3] = [
    ("Breaking", Class::Breaking),
    ("Added", Class::Addition),
    ("Documentation", Class::Documentation),
];

/// `## {heading}`, `intro` if any, the versions compared, then `### Breaking`, `### Added`
/// and `### Documentation` lists (those that have entries).
pub fn changelog_section(report: &Report, heading: &str, intro: Option<&str>) -> String {
    let mut out = format!("## {heading}\n");
    if let Some(intro) = intro {
        out.push_str(&format!("\n{intro}\n"));
    }
    if !report.sections.is_empty() {
        out.push('\n');
    }
    for section in &report.sections {
        out.push_str(&format!("Compared: `{}`.\n", section.title));
    }
    let several = report.sections.len() > 1;
    let mut lists: Vec<(&str, Class, Vec<String>)> = LISTS
        .iter()
        .map(|&(heading, class)| (heading, class, Vec::new()))
        .collect();
    for section in &report.sections {
        // With several modules, each entry says which one it is about.
        let prefix = if several {
            format!("`{}`: ", section.module)
        } else {
            String::new()
        };
        for (what, changes) in [("operation", &section.operations), ("type", &section.types)] {
            for change in changes {
                for (class, entry) in entries(what, change) {
                    if let Some((_, _, list)) = lists.iter_mut().find(|(_, c, _)| *c == class) {
                        list.push(format!("- {prefix}{entry}\n"));
                    }
                }
            }
        }
    }
    if lists.iter().all(|(_, _, list)| list.is_empty()) {
        out.push_str("\nNo change to the generated API.\n");
    }
    for (heading, _, list) in lists {
        if !list.is_empty() {
            out.push_str(&format!("\n### {heading}\n\n{}", list.concat()));
        }
    }
    out
}

/// The entries one change makes, with their classes.
fn entries(what: &str, change: &Change) -> Vec<(Class, String)> {
    match change {
        Change::Added(name, detail) => vec![(
            Class::Addition,
            format!("New {what} `{name}`: {}", described(what, detail)),
        )],
        Change::Removed(name, detail) => vec![(
            Class::Breaking,
            format!("Removed {what} `{name}`: {}", described(what, detail)),
        )],
        Change::Changed(name, details) => details
            .iter()
            .map(|d| (d.class, format!("`{name}`: {}", inline(&d.text))))
            .collect(),
    }
}

/// What an added or removed item is: an operation's endpoint as code, a type's kind as text.
fn described(what: &str, detail: &str) -> String {
    if what == "operation" {
        format!("`{detail}`")
    } else {
        inline(detail)
    }
}

/// Report text as Markdown: what it quotes in backticks stays as it is, and elsewhere the
/// characters Markdown would read as markup within a list item are escaped (`Vec<String>` is
/// not an HTML tag).
fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for c in text.chars() {
        if c == '`' {
            quoted = !quoted;
        } else if !quoted && matches!(c, '\\' | '<' | '*' | '_' | '[' | ']') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Detail, Section};

    #[test]
    fn changes_go_to_the_list_of_their_class() {
        let report = Report {
            sections: vec![Section {
                title: "v1 (v1) -> v2 (v2)".to_owned(),
                module: "v2".to_owned(),
                operations: vec![
                    Change::Added("create".to_owned(), "POST /things".to_owned()),
                    Change::Changed(
                        "list".to_owned(),
                        vec![
                            Detail::breaking("response: Vec<String> -> String"),
                            Detail::documentation("summary changed"),
                        ],
                    ),
                ],
                types: vec![Change::Removed(
                    "Old_Thing".to_owned(),
                    "struct, 1 field".to_owned(),
                )],
            }],
        };
        assert_eq!(
            changelog_section(&report, "0.2.0", None),
            "## 0.2.0\n\n\
             Compared: `v1 (v1) -> v2 (v2)`.\n\
             \n### Breaking\n\n\
             - `list`: response: Vec\\<String> -> String\n\
             - Removed type `Old_Thing`: struct, 1 field\n\
             \n### Added\n\n\
             - New operation `create`: `POST /things`\n\
             \n### Documentation\n\n\
             - `list`: summary changed\n"
        );
    }

    #[test]
    fn an_empty_report_says_so() {
        let section = changelog_section(&Report::default(), "Unreleased", None);
        assert_eq!(
            section,
            "## Unreleased\n\nNo change to the generated API.\n"
        );
    }
}
