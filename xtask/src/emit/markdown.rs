//! Descriptions from documents as rustdoc reads them.
//!
//! HubSpot writes descriptions in Markdown with some HTML, for its own site. Rustdoc reads
//! doc comments as Markdown too, but takes `<head>` or `List<String>` for an unclosed HTML
//! tag, `[HUBSPOT_DEFINED]` for a link to an item that does not exist, a bare URL for a
//! missing link, and a fenced or indented block for a doctest. `for_rustdoc` changes only
//! those: such tags become code (`` `<head>` ``), such brackets are escaped (`\[`, which
//! renders the same), bare URLs become `<https://...>`, code fences are marked `text`, and
//! lines are trimmed. Code spans, links, emphasis and the rest are kept as written.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

/// Inline HTML that rustdoc renders as intended when it is balanced: kept then, unless it
/// starts a line (where it would start a block of raw HTML).
const FORMATTING_TAGS: &[&str] = &[
    "a", "b", "code", "em", "i", "s", "small", "span", "strong", "sub", "sup", "u",
];

/// HTML elements that have no closing tag.
const VOID_TAGS: &[&str] = &["br", "wbr"];

/// `text` as Markdown that rustdoc renders as written and without warnings, one line per
/// doc line.
pub fn for_rustdoc(text: &str) -> String {
    let labels = reference_labels(text);
    let mut out: Vec<String> = Vec::new();
    let mut prose: Vec<&str> = Vec::new();
    let mut fence: Option<Fence> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        match &fence {
            Some(open) if open.is_closed_by(trimmed) => {
                out.push(trimmed.to_owned());
                fence = None;
            }
            Some(_) => out.push(line.trim_end().to_owned()),
            None => match Fence::opened_by(trimmed) {
                Some(open) => {
                    flush(&mut prose, &labels, &mut out);
                    out.push(format!("{}text", open.marker()));
                    fence = Some(open);
                }
                None => prose.push(trimmed),
            },
        }
    }
    flush(&mut prose, &labels, &mut out);
    if let Some(open) = fence {
        out.push(open.marker());
    }
    out.join("\n")
}

/// A code fence: its character and length. Its contents are code in any language but Rust.
struct Fence {
    char: char,
    len: usize,
}

impl Fence {
    fn opened_by(line: &str) -> Option<Fence> {
        let char = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
        let len = line.chars().take_while(|c| *c == char).count();
        let info = &line[len..];
        (len >= 3 && !(char == '`' && info.contains('`'))).then_some(Fence { char, len })
    }

    fn is_closed_by(&self, line: &str) -> bool {
        let len = line.chars().take_while(|c| *c == self.char).count();
        len >= self.len && line[len..].trim().is_empty()
    }

    fn marker(&self) -> String {
        self.char.to_string().repeat(self.len)
    }
}

/// Rewrites the prose lines gathered so far (a run of lines outside code fences).
fn flush(prose: &mut Vec<&str>, labels: &BTreeSet<String>, out: &mut Vec<String>) {
    if prose.is_empty() {
        return;
    }
    let text = prose.join("\n");
    prose.clear();
    out.extend(
        Inline::new(&text, labels)
            .rewrite()
            .lines()
            .map(str::to_owned),
    );
}

/// The labels of reference definitions (`[label]: https://...`), normalised.
fn reference_labels(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|line| definition(line.trim()))
        .map(|(label, _)| normalise(label))
        .collect()
}

/// A reference definition with a destination rustdoc does not resolve as an item: its label
/// and its length.
fn definition(line: &str) -> Option<(&str, usize)> {
    let rest = line.strip_prefix('[')?;
    let end = rest.find("]:")?;
    let label = &rest[..end];
    let destination = rest[end + 2..].split_whitespace().next()?;
    (!label.contains('[') && is_url_like(destination.trim_matches(['<', '>'])))
        .then_some((label, line.len()))
}

fn normalise(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether rustdoc takes a link destination as a URL rather than a path to an item.
fn is_url_like(destination: &str) -> bool {
    let scheme = destination.split_once(':').is_some_and(|(scheme, rest)| {
        scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
            && !rest.starts_with(':')
    });
    scheme || destination.contains(['/', '.', '#', '?', '='])
}

/// One piece of a prose run.
enum Piece {
    /// Ordinary text: bare URLs in it become links, unless it is a link's text.
    Text {
        range: Range<usize>,
        in_link: bool,
    },
    /// Written out as it is: code spans, escapes, autolinks, link destinations.
    Kept(Range<usize>),
    /// A bracket rustdoc would take as part of a link to an item.
    Escaped(Range<usize>),
    Tag(Tag),
}

struct Tag {
    range: Range<usize>,
    /// Lower case; empty for comments and declarations, which are never kept.
    name: String,
    closing: bool,
    at_line_start: bool,
}

/// The inline pieces of a prose run, and how each is written.
struct Inline<'a> {
    text: &'a str,
    labels: &'a BTreeSet<String>,
    pieces: Vec<Piece>,
    /// Where each open bracket's `]` is, and whether the pair is a link to keep.
    closers: BTreeMap<usize, Closer>,
    /// Where the code span, `[...]` or `(...)` that starts at a byte ends (its last byte).
    pairs: Pairs,
    ends: Ends,
}

enum Closer {
    Escape,
    /// A link: the `]` and what follows it up to `end` (a destination or a label) are kept.
    Link {
        end: usize,
    },
}

impl<'a> Inline<'a> {
    fn new(text: &'a str, labels: &'a BTreeSet<String>) -> Self {
        Inline {
            text,
            labels,
            pieces: Vec::new(),
            closers: BTreeMap::new(),
            pairs: Pairs::of(text),
            ends: Ends::of(text),
        }
    }

    fn rewrite(mut self) -> String {
        self.split();
        let kept = self.kept_tags();
        self.write(&kept)
    }

    fn split(&mut self) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut links = 0usize;
        let mut start = 0;
        let mut i = 0;
        while i < bytes.len() {
            let rest = &text[i..];
            // How the piece changes the depth of link text: +1 opens a link, -1 closes one.
            let mut depth = 0isize;
            let special: Option<(Piece, usize)> = match bytes[i] {
                b'\\' => {
                    let len = 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
                    Some((Piece::Kept(i..i + len), len))
                }
                b'`' => {
                    let len = self.pairs.code.get(&i).map_or_else(
                        || rest.bytes().take_while(|b| *b == b'`').count(),
                        |end| end + 1 - i,
                    );
                    Some((Piece::Kept(i..i + len), len))
                }
                b'<' => autolink(text, i)
                    .map(|len| (Piece::Kept(i..i + len), len))
                    .or_else(|| {
                        html(text, i, &self.ends).map(|(len, name, closing)| {
                            let at_line_start = i == 0 || bytes[i - 1] == b'\n';
                            let range = i..i + len;
                            let tag = Tag {
                                range,
                                name,
                                closing,
                                at_line_start,
                            };
                            (Piece::Tag(tag), len)
                        })
                    })
                    .or_else(|| {
                        // The start of a comment or declaration that never ends.
                        rest.starts_with("<!")
                            .then(|| (Piece::Escaped(i..i + 1), 1))
                    }),
                b'[' => {
                    let (piece, len, opens_link) = self.open_bracket(i);
                    depth = isize::from(opens_link);
                    Some((piece, len))
                }
                b']' => match self.closers.remove(&i) {
                    Some(Closer::Escape) => Some((Piece::Escaped(i..i + 1), 1)),
                    Some(Closer::Link { end }) => {
                        depth = -1;
                        Some((Piece::Kept(i..end), end - i))
                    }
                    None => None,
                },
                _ => None,
            };
            match special {
                Some((piece, len)) => {
                    if start < i {
                        self.pieces.push(Piece::Text {
                            range: start..i,
                            in_link: links > 0,
                        });
                    }
                    self.pieces.push(piece);
                    links = links.saturating_add_signed(depth);
                    i += len;
                    start = i;
                }
                None => i += rest.chars().next().map_or(1, char::len_utf8),
            }
        }
        if start < bytes.len() {
            self.pieces.push(Piece::Text {
                range: start..bytes.len(),
                in_link: links > 0,
            });
        }
    }

    /// Decides what the bracket at `i` opens: a link to keep (its `]` and destination are
    /// then kept too), a reference definition, or brackets to escape.
    fn open_bracket(&mut self, i: usize) -> (Piece, usize, bool) {
        let rest = &self.text[i..];
        let at_line_start = i == 0 || self.text.as_bytes()[i - 1] == b'\n';
        if at_line_start {
            if let Some((_, len)) = definition(rest.lines().next().unwrap_or_default()) {
                return (Piece::Kept(i..i + len), len, false);
            }
        }
        let Some(&close) = self.pairs.brackets.get(&i) else {
            return (Piece::Escaped(i..i + 1), 1, false);
        };
        let label = &self.text[i + 1..close];
        let after = close + 1;
        let link_end = match self.text.as_bytes().get(after) {
            Some(b'(') => self.pairs.parens.get(&after).copied().filter(|&end| {
                let inside = &self.text[after + 1..end];
                let destination = inside.split_whitespace().next().unwrap_or_default();
                is_url_like(destination.trim_matches(['<', '>']))
            }),
            Some(b'[') => self.pairs.brackets.get(&after).copied().filter(|&end| {
                let reference = &self.text[after + 1..end];
                let reference = if reference.is_empty() {
                    label
                } else {
                    reference
                };
                self.labels.contains(&normalise(reference))
            }),
            _ => self.labels.contains(&normalise(label)).then_some(close),
        }
        .map(|last| last + 1);
        match link_end {
            Some(end) => {
                self.closers.insert(close, Closer::Link { end });
                (Piece::Kept(i..i + 1), 1, true)
            }
            None => {
                self.closers.insert(close, Closer::Escape);
                (Piece::Escaped(i..i + 1), 1, false)
            }
        }
    }

    /// The tags kept as HTML: formatting tags in balanced pairs, and void ones, that do not
    /// start a line.
    fn kept_tags(&self) -> BTreeSet<usize> {
        let mut kept = BTreeSet::new();
        let mut open: Vec<(&str, usize)> = Vec::new();
        // How many of each name `open` holds, so a closing tag with none is passed over at once.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for piece in &self.pieces {
            let Piece::Tag(tag) = piece else { continue };
            let name = tag.name.as_str();
            if tag.at_line_start {
                continue;
            }
            if VOID_TAGS.contains(&name) && !tag.closing {
                kept.insert(tag.range.start);
            } else if !FORMATTING_TAGS.contains(&name) {
                continue;
            } else if !tag.closing {
                open.push((name, tag.range.start));
                *counts.entry(name).or_default() += 1;
            } else if counts.get(name).is_some_and(|n| *n > 0) {
                // Tags opened inside this pair and never closed stay unmatched.
                while let Some((inner, start)) = open.pop() {
                    if let Some(n) = counts.get_mut(inner) {
                        *n -= 1;
                    }
                    if inner == name {
                        kept.insert(start);
                        kept.insert(tag.range.start);
                        break;
                    }
                }
            }
        }
        kept
    }

    fn write(&self, kept: &BTreeSet<usize>) -> String {
        let mut out = String::with_capacity(self.text.len() + 16);
        // Tags to write as one code span once the run of them ends (`</body></html>` is one
        // span, not two that touch).
        let mut code = String::new();
        let mut after_text = false;
        for piece in &self.pieces {
            let is_code = matches!(piece, Piece::Tag(tag) if !kept.contains(&tag.range.start));
            if !is_code && !code.is_empty() {
                out.push_str(&as_code(&code));
                code.clear();
                if matches!(piece, Piece::Kept(range) if self.text[range.clone()].starts_with('`'))
                {
                    out.push(' ');
                }
            }
            match piece {
                Piece::Text { range, in_link } => {
                    let text = &self.text[range.clone()];
                    if *in_link {
                        out.push_str(text);
                    } else {
                        link_bare_urls(text, &mut out);
                    }
                }
                Piece::Kept(range) => out.push_str(&self.text[range.clone()]),
                Piece::Escaped(range) => {
                    out.push('\\');
                    out.push_str(&self.text[range.clone()]);
                }
                Piece::Tag(tag) if !is_code => out.push_str(&self.text[tag.range.clone()]),
                Piece::Tag(tag) => {
                    if code.is_empty() {
                        if after_text && !tag.closing {
                            // The word the tag is attached to goes in too: `List<String>`.
                            let word: usize = out
                                .chars()
                                .rev()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .map(char::len_utf8)
                                .sum();
                            code.push_str(&out[out.len() - word..]);
                            out.truncate(out.len() - word);
                        } else if out.ends_with('`') {
                            out.push(' ');
                        }
                    }
                    code.push_str(&self.text[tag.range.clone()]);
                }
            }
            after_text = matches!(piece, Piece::Text { .. });
        }
        if !code.is_empty() {
            out.push_str(&as_code(&code));
        }
        out
    }
}

/// `text` as a code span, fenced by more backticks than it contains.
fn as_code(text: &str) -> String {
    let longest = text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or_default();
    let fence = "`".repeat(longest + 1);
    if longest > 0 {
        format!("{fence} {text} {fence}")
    } else {
        format!("{fence}{text}{fence}")
    }
}

/// The length of the autolink (`<https://...>`, `<name@example.com>`) at `at`.
fn autolink(text: &str, at: usize) -> Option<usize> {
    // Up to the first byte that ends or spoils it, so no byte is looked at twice.
    let len = text[at + 1..].find(|c: char| c.is_whitespace() || c == '<' || c == '>')?;
    let inside = &text[at + 1..at + 1 + len];
    if inside.is_empty() || !text[at + 1 + len..].starts_with('>') {
        return None;
    }
    let (scheme, _) = inside.split_once(':').unwrap_or((inside, ""));
    let is_uri = inside.contains(':')
        && (2..=32).contains(&scheme.len())
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    let is_email = inside
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
    (is_uri || is_email).then_some(len + 2)
}

/// The HTML at `at`, as CommonMark reads it: an open or closing tag, a comment, or a
/// declaration. Its length, lower-case name (empty but for tags) and whether it closes.
fn html(text: &str, at: usize, ends: &Ends) -> Option<(usize, String, bool)> {
    let rest = &text[at..];
    if rest.starts_with("<!--") {
        return Ends::after(&ends.comment, at + 4).map(|end| (end + 3 - at, String::new(), false));
    }
    if rest.starts_with("<!") || rest.starts_with("<?") {
        return Ends::after(&ends.gt, at + 2).map(|end| (end + 1 - at, String::new(), false));
    }
    let closing = rest.starts_with("</");
    let name_start = if closing { 2 } else { 1 };
    let name_len = rest[name_start..]
        .bytes()
        .enumerate()
        .take_while(|(i, b)| {
            b.is_ascii_alphabetic() || (*i > 0 && (b.is_ascii_digit() || *b == b'-'))
        })
        .count();
    if name_len == 0 {
        return None;
    }
    let name = rest[name_start..name_start + name_len].to_ascii_lowercase();
    let mut i = name_start + name_len;
    let bytes = rest.as_bytes();
    let skip_space = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && bytes[*i].is_ascii_whitespace() {
            *i += 1;
        }
        *i > start
    };
    if closing {
        skip_space(&mut i);
        return (bytes.get(i) == Some(&b'>')).then_some((i + 1, name, true));
    }
    loop {
        let spaced = skip_space(&mut i);
        match bytes.get(i)? {
            b'>' => return Some((i + 1, name, false)),
            b'/' => return (bytes.get(i + 1) == Some(&b'>')).then_some((i + 2, name, false)),
            b if spaced && (b.is_ascii_alphabetic() || *b == b'_' || *b == b':') => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || b"_.:-".contains(&bytes[i]))
                {
                    i += 1;
                }
                let before_value = i;
                skip_space(&mut i);
                if bytes.get(i) == Some(&b'=') {
                    i += 1;
                    skip_space(&mut i);
                    match bytes.get(i)? {
                        quote @ (b'"' | b'\'') => {
                            let quotes = if *quote == b'"' {
                                &ends.double
                            } else {
                                &ends.single
                            };
                            i = Ends::after(quotes, at + i + 1)? - at + 1;
                        }
                        _ => {
                            let start = i;
                            while i < bytes.len()
                                && !bytes[i].is_ascii_whitespace()
                                && !b"\"'=<>`".contains(&bytes[i])
                            {
                                i += 1;
                            }
                            if i == start {
                                return None;
                            }
                        }
                    }
                } else {
                    i = before_value;
                }
            }
            _ => return None,
        }
    }
}

/// Where the ends HTML looks for are (`>`, quotes, `-->`), so that finding the next one is a
/// binary search rather than a scan that could pass the same bytes for every `<`.
struct Ends {
    gt: Vec<usize>,
    double: Vec<usize>,
    single: Vec<usize>,
    comment: Vec<usize>,
}

impl Ends {
    fn of(text: &str) -> Self {
        let at = |byte: u8| {
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == byte)
                .map(|(i, _)| i)
                .collect()
        };
        Ends {
            gt: at(b'>'),
            double: at(b'"'),
            single: at(b'\''),
            comment: text.match_indices("-->").map(|(i, _)| i).collect(),
        }
    }

    /// The first position in `list` at or after `from`.
    fn after(list: &[usize], from: usize) -> Option<usize> {
        list.get(list.partition_point(|&p| p < from)).copied()
    }
}

/// The code spans, brackets and parentheses of a prose run, found in one pass each so that
/// the rewrite takes time linear in the text. A blank line ends them all.
struct Pairs {
    code: BTreeMap<usize, usize>,
    brackets: BTreeMap<usize, usize>,
    parens: BTreeMap<usize, usize>,
}

impl Pairs {
    fn of(text: &str) -> Self {
        let code = code_spans(text);
        let mut brackets = BTreeMap::new();
        let mut parens = BTreeMap::new();
        let mut open_brackets = Vec::new();
        let mut open_parens = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 1,
                b'`' => {
                    if let Some(end) = code.get(&i) {
                        i = *end;
                    }
                }
                b'\n' if bytes.get(i + 1) == Some(&b'\n') => {
                    open_brackets.clear();
                    open_parens.clear();
                }
                b'[' => open_brackets.push(i),
                b'(' => open_parens.push(i),
                b']' => {
                    if let Some(open) = open_brackets.pop() {
                        brackets.insert(open, i);
                    }
                }
                b')' => {
                    if let Some(open) = open_parens.pop() {
                        parens.insert(open, i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        Pairs {
            code,
            brackets,
            parens,
        }
    }
}

/// Code spans by where they start and end: a run of backticks up to the next run of the same
/// length in its paragraph. A run preceded by `\` starts after the escaped backtick.
fn code_spans(text: &str) -> BTreeMap<usize, usize> {
    let bytes = text.as_bytes();
    // Each run (start, length), and the paragraph it is in.
    let mut runs: Vec<(usize, usize, usize)> = Vec::new();
    let mut paragraph = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'`' => {
                let len = bytes[i..].iter().take_while(|b| **b == b'`').count();
                runs.push((i, len, paragraph));
                i += len;
            }
            b'\n' if bytes.get(i + 1) == Some(&b'\n') => {
                paragraph += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    // The next run of the same length in the same paragraph, found from the right.
    let mut next_alike = vec![None; runs.len()];
    let mut seen: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for (k, &(_, len, paragraph)) in runs.iter().enumerate().rev() {
        next_alike[k] = seen.insert((paragraph, len), k);
    }
    let mut spans = BTreeMap::new();
    let mut k = 0;
    while k < runs.len() {
        match next_alike[k] {
            Some(close) => {
                let (start, _, _) = runs[k];
                let (end, len, _) = runs[close];
                spans.insert(start, end + len - 1);
                k = close + 1;
            }
            None => k += 1,
        }
    }
    spans
}

/// Writes `text` with each bare `http://` or `https://` URL made an autolink.
fn link_bare_urls(text: &str, out: &mut String) {
    let lower = text.to_ascii_lowercase();
    let mut written = 0;
    while let Some(start) = find_url(text, &lower, written) {
        let url = &text[start..];
        let mut len = url
            .find(|c: char| c.is_whitespace() || "<>\"`".contains(c))
            .unwrap_or(url.len());
        // Punctuation that ends a sentence, or closes a parenthesis opened before the URL.
        let opened = url[..len].matches('(').count();
        let mut closed = url[..len].matches(')').count();
        loop {
            match url[..len].chars().next_back() {
                Some('.' | ',' | ';' | ':' | '!' | '?' | '*' | '_' | '~' | '\'') => len -= 1,
                Some(')') if closed > opened => {
                    closed -= 1;
                    len -= 1;
                }
                _ => break,
            }
        }
        out.push_str(&text[written..start]);
        out.push('<');
        out.push_str(&url[..len]);
        out.push('>');
        written = start + len;
    }
    out.push_str(&text[written..]);
}

/// Where the next bare URL at or after `from` starts; `lower` is `text` in lower case.
fn find_url(text: &str, lower: &str, mut from: usize) -> Option<usize> {
    while let Some(at) = lower[from..].find("http").map(|at| from + at) {
        let scheme = ["https://", "http://"]
            .iter()
            .find(|s| lower[at..].starts_with(*s));
        let word_start = !text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric());
        if let Some(scheme) = scheme {
            let host = &text[at + scheme.len()..];
            if word_start && host.starts_with(|c: char| c.is_alphanumeric()) {
                return Some(at);
            }
        }
        from = at + 4;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::for_rustdoc;

    fn same(text: &str) {
        assert_eq!(for_rustdoc(text), text);
    }

    #[test]
    fn tags_that_are_not_formatting_become_code() {
        assert_eq!(
            for_rustdoc("Put it in the <head>, before </body>."),
            "Put it in the `<head>`, before `</body>`."
        );
        assert_eq!(
            for_rustdoc("A List<String> or a <T>."),
            "A `List<String>` or a `<T>`."
        );
        assert_eq!(
            for_rustdoc(r#"<div class="x">A block</div>"#),
            r#"`<div class="x">`A block`</div>`"#
        );
        assert_eq!(
            for_rustdoc("Hidden <!-- a comment --> and <!-- unclosed"),
            "Hidden `<!-- a comment -->` and \\<!-- unclosed"
        );
        assert_eq!(
            for_rustdoc("An attribute <a title=\"`x`\">"),
            "An attribute `` <a title=\"`x`\"> ``"
        );
        assert_eq!(
            for_rustdoc("Ends </body></html>, `code`<head>`code`"),
            "Ends `</body></html>`, `code` `<head>` `code`"
        );
    }

    #[test]
    fn balanced_formatting_tags_stay_html() {
        same("Some <b>bold</b>, <a href=\"https://x.com\">a link</a>, a<br>break.");
        assert_eq!(
            for_rustdoc("Open <b>bold and <i>italic</b>"),
            "Open <b>bold and `<i>`italic</b>"
        );
        assert_eq!(
            for_rustdoc("<b>Note:</b> at the start"),
            "`<b>`Note:`</b>` at the start"
        );
    }

    #[test]
    fn brackets_that_are_not_links_are_escaped() {
        assert_eq!(
            for_rustdoc("One of [HUBSPOT_DEFINED], [0] or [[x]]."),
            "One of \\[HUBSPOT_DEFINED\\], \\[0\\] or \\[\\[x\\]\\]."
        );
        assert_eq!(
            for_rustdoc("A [link](Foo) to an item, [a ref][nowhere]."),
            "A \\[link\\](Foo) to an item, \\[a ref\\]\\[nowhere\\]."
        );
        assert_eq!(for_rustdoc("Unclosed [bracket"), "Unclosed \\[bracket");
    }

    #[test]
    fn links_stay_as_written() {
        same("See [the docs](https://developers.hubspot.com/docs \"title\") or [here](#anchor).");
        same("A [reference][docs] and [docs].\n\n[docs]: https://example.com");
        same("An <https://example.com> and <someone@example.com>.");
        same("![image](https://example.com/a.png) and [https://example.com](https://example.com)");
        same("Code `[Foo]`, `<head>` and ``a ` b``, escapes \\[x\\] and \\<y>.");
    }

    #[test]
    fn bare_urls_become_links() {
        assert_eq!(
            for_rustdoc("Go to https://example.com/a?b=c. Or (http://x.org/y)."),
            "Go to <https://example.com/a?b=c>. Or (<http://x.org/y>)."
        );
        assert_eq!(
            for_rustdoc("Wiki https://en.wikipedia.org/wiki/A_(b), done"),
            "Wiki <https://en.wikipedia.org/wiki/A_(b)>, done"
        );
        same("Not URLs: httpfoo, xhttps://a.com, https:// alone.");
    }

    #[test]
    fn fences_are_text_and_indentation_is_dropped() {
        assert_eq!(
            for_rustdoc("Example:\n```\n{\n  \"a\": \"<b>\"\n}\n```\n    let x = 1;"),
            "Example:\n```text\n{\n  \"a\": \"<b>\"\n}\n```\nlet x = 1;"
        );
        assert_eq!(
            for_rustdoc("~~~~json\n[x]\n\nnever closed"),
            "~~~~text\n[x]\n\nnever closed\n~~~~"
        );
        same("Inline ```rust fences``` are code spans.");
    }

    /// Any text, however broken, gives an answer: a seeded mix of the characters that matter.
    #[test]
    fn odd_text_never_panics() {
        const PARTS: &[&str] = &[
            "`",
            "``",
            "<",
            ">",
            "</",
            "[",
            "]",
            "(",
            ")",
            "\\",
            "!",
            "-",
            "/",
            ":",
            "\n",
            "\n\n",
            " ",
            "a",
            "B",
            "🙂",
            "é",
            "http://",
            "https://x.y",
            "<!--",
            "-->",
            "```",
            "~~~",
            "\"",
            "'",
            "=",
            "#",
            ".",
            "<b>",
            "</b>",
            "[x]: https://a.b",
            "@",
            "<a href=",
        ];
        let mut seed: u64 = 12;
        let mut next = |bound: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % bound
        };
        for _ in 0..20_000 {
            let len = next(24);
            let text: String = (0..len).map(|_| PARTS[next(PARTS.len())]).collect();
            let _ = for_rustdoc(&text);
        }
    }

    /// Long runs of what must be matched (brackets, backticks, tags) take time linear in the
    /// text, not a search from each of them.
    #[test]
    fn long_odd_text_takes_linear_time() {
        let (send, receive) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for part in [
                "[",
                "(",
                "`",
                "``a",
                "[x](",
                "<b>",
                "</i>",
                "https://a.b)",
                "<!-",
            ] {
                let _ = for_rustdoc(&part.repeat(100_000));
            }
            let _ = send.send(());
        });
        receive
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("an answer within 60 s");
    }

    #[test]
    fn markdown_that_is_fine_is_kept() {
        same("# Heading\n\n- *emphasis*, **strong**, _under_, `code`\n- a < b > c, x<y, &amp; 2 > 1\n\n| a | b |\n|---|---|\n| 1 | 2 |");
        same("Ünïcødé [ok](https://ex.com/ü) — fine.");
    }
}
