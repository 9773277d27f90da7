//! Rust written as formatted text, a line at a time, laid out as rustfmt would: a call on
//! one line when it fits in 100 columns, else an argument a line. For the shapes the
//! generator writes most (see `struct_text.rs`), which then skip syn's parse and prettyplease.

use std::fmt::Write;

use super::types::doc_lines;

/// Lines are kept within this many columns, as rustfmt's default.
pub const WIDTH: usize = 100;

/// Text written a line at a time, indented four spaces a level.
#[derive(Default)]
pub struct Lines {
    text: String,
    depth: usize,
}

impl Lines {
    pub fn into_text(self) -> String {
        self.text
    }

    pub fn line(&mut self, line: &str) {
        for _ in 0..self.depth {
            self.text.push_str("    ");
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// An empty line between items.
    pub fn blank(&mut self) {
        self.text.push('\n');
    }

    /// The lines after this go one level deeper (after a block opened by `call`).
    pub fn indent(&mut self) {
        self.depth += 1;
    }

    /// A line that opens a block: the lines after it go one level deeper.
    pub fn open(&mut self, line: &str) {
        self.line(line);
        self.depth += 1;
    }

    /// A line that closes a block.
    pub fn close(&mut self, line: &str) {
        self.depth -= 1;
        self.line(line);
    }

    /// A line that closes one block and opens the next (`) -> T {`).
    pub fn close_open(&mut self, line: &str) {
        self.depth -= 1;
        self.open(line);
    }

    pub fn fits(&self, line: &str) -> bool {
        self.depth * 4 + line.len() <= WIDTH
    }

    /// `head(args)tail` on one line if it fits, else an argument a line.
    pub fn call(&mut self, head: &str, args: &[String], tail: &str) {
        let mut one_line = String::new();
        write!(one_line, "{head}({}){tail}", args.join(", ")).expect("a String");
        if self.fits(&one_line) {
            self.line(&one_line);
        } else {
            self.open(&format!("{head}("));
            for arg in args {
                self.line(&format!("{arg},"));
            }
            self.close(&format!("){tail}"));
        }
    }

    /// A doc comment, a `///` line per line of `text` (rewritten for rustdoc as `doc_attrs`
    /// rewrites it), as prettyplease prints `#[doc]` attributes.
    pub fn doc(&mut self, text: Option<&str>) {
        for line in doc_lines(text, true) {
            self.line(&format!("///{}", line.trim_end_matches(' ')));
        }
    }

    /// `head {}tail` without lines, else `head {`, a line a line, `}tail`: a struct's fields
    /// in a type or a value (each line ends as it must, with its comma).
    pub fn braced(&mut self, head: &str, lines: &[String], tail: &str) {
        if lines.is_empty() {
            self.line(&format!("{head} {{}}{tail}"));
            return;
        }
        self.open(&format!("{head} {{"));
        for line in lines {
            self.line(line);
        }
        self.close(&format!("}}{tail}"));
    }

    /// `open` items `close`, an item a line.
    pub fn list(&mut self, open: &str, items: &[String], close: &str) {
        self.open(open);
        for item in items {
            self.line(&format!("{item},"));
        }
        self.close(close);
    }
}
