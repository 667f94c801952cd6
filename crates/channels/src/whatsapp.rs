//! WhatsApp's text rules: Markdown (what models write) to WhatsApp's own markup, split into
//! messages WhatsApp accepts. The same for both transports (WhatsApp Web and the Cloud API).
//!
//! WhatsApp marks `*bold*`, `_italic_`, `~strike~`, `` `code` `` and ```` ``` ```` blocks, and
//! shows `- ` / `1. ` lists and `> ` quotes; it has no headings, links or tables. So headings
//! become bold lines, a link its text with the URL after it, a table one list item per row
//! (`- Header: cell, Header: cell`). Rendering walks pulldown-cmark's events, so a `*` inside code
//! or a URL is never taken for emphasis. Long replies are split at block boundaries under
//! [`MAX_MESSAGE_CHARS`]; an oversized code block becomes several whole code blocks.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// The channel name.
pub const CHANNEL: &str = "whatsapp";

/// The Cloud API's limit for a text body, in characters (WhatsApp Web takes more; one limit
/// keeps both transports the same).
pub const MAX_MESSAGE_CHARS: usize = 4096;

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A rendered top-level block; `code` keeps a code block's raw text for re-splitting.
struct Block {
    text: String,
    code: Option<String>,
}

/// Render Markdown and split it into messages of at most `limit` characters each.
pub fn render_chunks(markdown: &str, limit: usize) -> Vec<String> {
    let limit = limit.max(64);
    let mut chunks = Vec::new();
    let mut cur = String::new();
    // A code block with nothing in it would show as bare backticks.
    let readable = |b: &Block| !b.text.chars().all(|c| c.is_whitespace() || c == '`');
    for block in blocks(markdown).into_iter().filter(readable) {
        for piece in fit(block, limit) {
            let sep = if cur.is_empty() { 0 } else { 2 };
            if !cur.is_empty() && chars(&cur) + sep + chars(&piece) > limit {
                chunks.push(std::mem::take(&mut cur));
            }
            if !cur.is_empty() {
                cur.push_str("\n\n");
            }
            cur.push_str(&piece);
        }
    }
    if !cur.trim().is_empty() {
        chunks.push(cur);
    }
    chunks
}

/// Cut a block that is too long into pieces that fit.
fn fit(block: Block, limit: usize) -> Vec<String> {
    if chars(&block.text) <= limit {
        return vec![block.text];
    }
    match block.code {
        Some(code) => crate::split::split_text(&code, limit.saturating_sub(8), chars)
            .into_iter()
            .map(|part| format!("```\n{part}\n```"))
            .collect(),
        None => crate::split::split_text(&block.text, limit, chars),
    }
}

/// Render each top-level block of `markdown`.
fn blocks(markdown: &str) -> Vec<Block> {
    let opts = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS;
    let mut out = Vec::new();
    let mut r = Renderer::default();
    for event in Parser::new_ext(markdown, opts) {
        let top_level_end = crate::markdown::ends_block(&event);
        r.event(event);
        if top_level_end && r.depth == 0 {
            out.extend(r.take());
        }
    }
    out.extend(r.take());
    out
}

#[derive(Default)]
struct Renderer {
    text: String,
    /// Nesting of block containers (lists, quotes); a block ends at depth 0.
    depth: usize,
    lists: crate::markdown::Lists,
    quotes: usize,
    code: Option<String>,
    links: Vec<String>,
    /// The link text so far, to tell `[https://x](https://x)` from `[docs](https://x)`.
    link_text: Vec<String>,
    table: Table,
}

#[derive(Default)]
struct Table {
    head: Vec<String>,
    row: Vec<String>,
    cell: Option<String>,
    rows: Vec<Vec<String>>,
}

impl Renderer {
    fn take(&mut self) -> Option<Block> {
        let text = std::mem::take(&mut self.text).trim().to_owned();
        let code = self.code.take();
        (!text.is_empty()).then_some(Block { text, code })
    }

    fn push(&mut self, t: &str) {
        if let Some(cell) = &mut self.table.cell {
            cell.push_str(t);
            return;
        }
        for l in &mut self.link_text {
            l.push_str(t);
        }
        if self.quotes > 0 && !t.is_empty() {
            // Every line of a quote starts with "> ".
            let prefix = "> ".repeat(self.quotes);
            let mut first = self.text.is_empty() || self.text.ends_with('\n');
            for piece in t.split_inclusive('\n') {
                if first {
                    self.text.push_str(&prefix);
                }
                self.text.push_str(piece);
                first = piece.ends_with('\n');
            }
            return;
        }
        self.text.push_str(t);
    }

    fn event(&mut self, e: Event<'_>) {
        match e {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some(code) = &mut self.code {
                    code.push_str(&t);
                }
                self.push(&t);
            }
            Event::Code(t) => self.push(&format!("`{t}`")),
            Event::Html(t) | Event::InlineHtml(t) => self.push(&t),
            Event::SoftBreak | Event::HardBreak => self.push("\n"),
            Event::Rule => self.push("———"),
            Event::TaskListMarker(done) => self.push(if done { "☑ " } else { "☐ " }),
            Event::FootnoteReference(r) => self.push(&format!("[{r}]")),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push(&t),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { .. } | Tag::Strong => self.push("*"),
            Tag::Emphasis => self.push("_"),
            Tag::Strikethrough => self.push("~"),
            Tag::BlockQuote(_) => {
                self.depth += 1;
                self.quotes += 1;
            }
            Tag::CodeBlock(_) => {
                // The fence opens its own line ("- A\n```", not "- A```").
                if !self.text.is_empty() && !self.text.ends_with('\n') {
                    self.push("\n");
                }
                self.push("```\n");
                // Only a code block that is the whole block is re-split as code; one inside a
                // list or quote goes with its block (re-split as text, nothing lost).
                if self.depth == 0 {
                    self.code = Some(String::new());
                }
            }
            Tag::List(start) => {
                if self.lists.open(start) && !self.text.ends_with('\n') {
                    self.push("\n");
                }
                self.depth += 1;
            }
            Tag::Item => {
                let prefix = self.lists.item("- ");
                self.push(&prefix);
            }
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.link_text.push(String::new());
            }
            Tag::Table(_) => {
                self.depth += 1;
                self.table = Table::default();
            }
            Tag::TableHead | Tag::TableRow => self.table.row.clear(),
            Tag::TableCell => self.table.cell = Some(String::new()),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph if self.depth > 0 => self.push("\n"),
            TagEnd::Heading(_) | TagEnd::Strong => self.push("*"),
            TagEnd::Emphasis => self.push("_"),
            TagEnd::Strikethrough => self.push("~"),
            TagEnd::BlockQuote(_) => {
                while self.text.ends_with('\n') || self.text.ends_with("> ") {
                    let cut = if self.text.ends_with('\n') { 1 } else { 2 };
                    self.text.truncate(self.text.len() - cut);
                }
                self.push("\n");
                self.quotes -= 1;
                self.depth -= 1;
            }
            TagEnd::CodeBlock => {
                while self.text.ends_with('\n') {
                    self.text.pop();
                }
                self.text.push_str("\n```");
            }
            TagEnd::List(_) => {
                self.lists.close();
                self.depth -= 1;
            }
            TagEnd::Item if !self.text.ends_with('\n') => self.push("\n"),
            TagEnd::Link | TagEnd::Image => {
                let url = self.links.pop().unwrap_or_default();
                let text = self.link_text.pop().unwrap_or_default();
                if !url.is_empty() && text.trim() != url {
                    self.push(&format!(" ({url})"));
                }
            }
            TagEnd::TableCell => {
                let cell = self.table.cell.take().unwrap_or_default();
                self.table.row.push(cell.trim().to_owned());
            }
            TagEnd::TableHead => self.table.head = std::mem::take(&mut self.table.row),
            TagEnd::TableRow => {
                let row = std::mem::take(&mut self.table.row);
                self.table.rows.push(row);
            }
            TagEnd::Table => {
                let mut table = std::mem::take(&mut self.table);
                // A table of headers alone is one row of them.
                if table.rows.is_empty() {
                    table.rows.push(std::mem::take(&mut table.head));
                }
                let lines: Vec<String> = table
                    .rows
                    .iter()
                    .map(|row| {
                        let cells: Vec<String> = row
                            .iter()
                            .enumerate()
                            .map(|(i, c)| match table.head.get(i).filter(|h| !h.is_empty()) {
                                Some(h) => format!("{h}: {c}"),
                                None => c.clone(),
                            })
                            .collect();
                        format!("- {}", cells.join(", "))
                    })
                    .collect();
                self.depth -= 1;
                self.push(&lines.join("\n"));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Found by fuzzing (tests/it/fuzz.rs), each named after what went wrong.

    #[test]
    fn an_empty_code_block_is_not_sent_as_bare_backticks() {
        assert_eq!(render_chunks("Here:\n\n```rust\n```", MAX_MESSAGE_CHARS), ["Here:"]);
        assert!(render_chunks("```\n```", MAX_MESSAGE_CHARS).is_empty());
        // But a list holding an empty code block still says its words.
        assert_eq!(render_chunks("- A\n  ```", MAX_MESSAGE_CHARS), ["- A\n```\n```"]);
    }

    #[test]
    fn a_table_of_headers_alone_keeps_them() {
        assert_eq!(one("| a | b |\n|---|---|"), "- a, b");
    }

    #[test]
    fn a_code_block_inside_a_list_loses_no_words_when_split() {
        let md = format!("- first item\n\n  ```\n  {}\n  ```\n- last item", "code ".repeat(30));
        let all = render_chunks(&md, 64).concat();
        assert!(all.contains("first item") && all.contains("last item"), "{all}");
    }

    #[test]
    fn an_html_block_before_a_split_code_block_is_kept() {
        let md = format!("<p\n\n```\n{}\n```", "code ".repeat(40));
        assert_eq!(render_chunks(&md, 64)[0], "<p");
    }

    fn one(md: &str) -> String {
        let c = render_chunks(md, MAX_MESSAGE_CHARS);
        assert_eq!(c.len(), 1, "{c:?}");
        c[0].clone()
    }

    #[test]
    fn markdown_becomes_whatsapp_markup() {
        insta::assert_snapshot!(one(
            "# Plan\n\n**Bold**, *italic*, ~~gone~~ and `a*b*c`.\n\n- one\n- two\n  1. sub\n\n> a quote\n> on two lines\n\n\
             See [the docs](https://example.org/a_b) or https://x.org.\n\n```rust\nlet x = a * b;\n```\n\n\
             | Item | Price |\n|---|---|\n| tea | 2 |\n| cake | 4 |"
        ));
    }

    #[test]
    fn stars_in_code_and_urls_are_not_emphasis() {
        assert_eq!(
            one("`a*b*c` and [https://x.org/a_b_c](https://x.org/a_b_c)"),
            "`a*b*c` and https://x.org/a_b_c"
        );
        assert_eq!(one("```\nx = a * b * c\n```"), "```\nx = a * b * c\n```");
    }

    #[test]
    fn long_replies_split_at_block_boundaries_under_the_limit() {
        let para = "Emoji 😀 and words. ".repeat(40);
        let code = format!("```python\n{}```", "print('hello world')\n".repeat(300));
        let md = format!("{para}\n\n{code}\n\n{para}\n\n{para}");
        let chunks = render_chunks(&md, MAX_MESSAGE_CHARS);
        assert!(chunks.len() >= 3, "{}", chunks.len());
        for c in &chunks {
            assert!(chars(c) <= MAX_MESSAGE_CHARS, "{}", chars(c));
            assert_eq!(c.matches("```").count() % 2, 0, "code blocks are whole: {c}");
        }
        let joined = chunks.join("\n");
        assert_eq!(joined.matches('😀').count(), md.matches('😀').count(), "nothing lost");
        assert_eq!(joined.matches("print('hello world')").count(), 300);
    }
}
