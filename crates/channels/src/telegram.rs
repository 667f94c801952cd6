//! Telegram's text rules: Markdown (what models write) to Telegram HTML, split into messages
//! Telegram accepts.
//!
//! Rendering walks pulldown-cmark's events, so `*` inside code or a URL is never mistaken for
//! emphasis (the regex approach's classic bug). Splitting works on rendered top-level blocks
//! (paragraphs, lists, code blocks): a message boundary never falls inside a tag, an entity such
//! as `&amp;`, a code block's markup, or a multi-byte character. Each chunk also carries a plain
//! text twin, sent when Telegram rejects the HTML.
//!
//! Lengths are counted in UTF-16 code units, as Telegram counts them, and measured on the HTML
//! source — never less than the visible text — so a chunk that fits here fits there.

/// The channel name.
pub const CHANNEL: &str = "telegram";

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// Telegram's limit for one message, in UTF-16 code units.
pub const MAX_MESSAGE_UTF16: usize = 4096;

/// One message to send: HTML, and the plain text to fall back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub html: String,
    pub plain: String,
}

/// UTF-16 length, Telegram's unit.
pub fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// Escape text for Telegram HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A rendered top-level block.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Block {
    html: String,
    plain: String,
    /// For code blocks: the language and the raw code, so an oversized one can be re-split.
    code: Option<(String, String)>,
}

/// Render Markdown and split it into messages of at most `limit` UTF-16 units each.
pub fn render_chunks(markdown: &str, limit: usize) -> Vec<Chunk> {
    let limit = limit.max(64);
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut cur = Chunk { html: String::new(), plain: String::new() };
    let push = |cur: &mut Chunk, chunks: &mut Vec<Chunk>| {
        if !cur.html.trim().is_empty() {
            chunks
                .push(Chunk { html: cur.html.trim_end().to_owned(), plain: cur.plain.trim_end().to_owned() });
        }
        *cur = Chunk { html: String::new(), plain: String::new() };
    };
    // A block with nothing to read (an empty code block) would be a message Telegram refuses
    // ("message text is empty").
    for block in blocks(markdown).into_iter().filter(|b| !b.plain.trim().is_empty()) {
        for piece in fit(block, limit) {
            let sep = if cur.html.is_empty() { 0 } else { 2 };
            if utf16_len(&cur.html) + sep + utf16_len(&piece.html) > limit {
                push(&mut cur, &mut chunks);
            }
            if !cur.html.is_empty() {
                cur.html.push_str("\n\n");
                cur.plain.push_str("\n\n");
            }
            cur.html.push_str(&piece.html);
            cur.plain.push_str(&piece.plain);
        }
    }
    push(&mut cur, &mut chunks);
    chunks
}

/// Cut a block that is too long into pieces that fit.
fn fit(block: Block, limit: usize) -> Vec<Block> {
    if utf16_len(&block.html) <= limit {
        return vec![block];
    }
    if let Some((lang, code)) = &block.code {
        // Re-wrap groups of whole lines, each a complete code block.
        let open = code_open(lang);
        let overhead = utf16_len(&open) + utf16_len("</code></pre>");
        let budget = limit.saturating_sub(overhead).max(16);
        return split_text(code, budget, true)
            .into_iter()
            .map(|part| Block {
                html: format!("{open}{}</code></pre>", escape(&part)),
                plain: part,
                code: None,
            })
            .collect();
    }
    // Prose too long for one message: keep the words, drop the formatting of this block only.
    let budget = limit / 2; // escaping can at most ~double the length of typical text
    split_text(&block.plain, budget.max(16), false)
        .into_iter()
        .flat_map(|part| {
            let html = escape(&part);
            if utf16_len(&html) <= limit {
                vec![Block { html, plain: part, code: None }]
            } else {
                split_text(&part, limit / 6, false)
                    .into_iter()
                    .map(|p| Block { html: escape(&p), plain: p, code: None })
                    .collect()
            }
        })
        .collect()
}

/// Split `text` into parts of at most `budget` UTF-16 units (after escaping, for code).
fn split_text(text: &str, budget: usize, escaped: bool) -> Vec<String> {
    if escaped {
        crate::split::split_text(text, budget, |s| utf16_len(&escape(s)))
    } else {
        crate::split::split_text(text, budget, utf16_len)
    }
}

/// A code block's language as Telegram highlights it (`rust`, `c++`, `objective-c`): the first
/// word of the info string if it is a short name, else none, so the markup stays small enough to
/// fit any message.
fn language(info: &str) -> String {
    let word = info.split_whitespace().next().unwrap_or("");
    let name = word.len() <= 24 && word.chars().all(|c| c.is_ascii_alphanumeric() || "+#-_.".contains(c));
    if name { word.to_owned() } else { String::new() }
}

fn code_open(lang: &str) -> String {
    if lang.is_empty() {
        "<pre><code>".to_owned()
    } else {
        format!("<pre><code class=\"language-{}\">", escape(lang))
    }
}

/// Render each top-level block of `markdown`.
fn blocks(markdown: &str) -> Vec<Block> {
    let opts = Options::ENABLE_STRIKETHROUGH;
    let mut out = Vec::new();
    let mut r = Renderer::default();
    for event in Parser::new_ext(markdown, opts) {
        let top_level_end = crate::markdown::ends_block(&event);
        r.event(event);
        if top_level_end && r.depth == 0 {
            let b = r.take();
            if !b.html.trim().is_empty() {
                out.push(b);
            }
        }
    }
    let b = r.take();
    if !b.html.trim().is_empty() {
        out.push(b);
    }
    out
}

#[derive(Default)]
struct Renderer {
    html: String,
    plain: String,
    /// Nesting of block containers (lists, quotes); a block ends at depth 0.
    depth: usize,
    lists: crate::markdown::Lists,
    in_code: Option<(String, String)>,
    link: Vec<String>,
}

impl Renderer {
    fn take(&mut self) -> Block {
        let code = self.in_code.take();
        Block {
            html: std::mem::take(&mut self.html).trim().to_owned(),
            plain: std::mem::take(&mut self.plain).trim().to_owned(),
            code,
        }
    }

    fn text(&mut self, t: &str) {
        self.html.push_str(&escape(t));
        self.plain.push_str(t);
    }

    fn tag(&mut self, html: &str) {
        self.html.push_str(html);
    }

    fn event(&mut self, e: Event<'_>) {
        match e {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => {
                if let Some((_, code)) = &mut self.in_code {
                    code.push_str(&t);
                }
                self.text(&t);
            }
            Event::Code(t) => {
                self.tag("<code>");
                self.text(&t);
                self.tag("</code>");
            }
            Event::Html(t) | Event::InlineHtml(t) => self.text(&t),
            Event::SoftBreak | Event::HardBreak => self.text("\n"),
            Event::Rule => self.text("———"),
            Event::TaskListMarker(done) => self.text(if done { "☑ " } else { "☐ " }),
            Event::FootnoteReference(r) => self.text(&format!("[{r}]")),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => {}
            Tag::Heading { .. } => self.tag("<b>"),
            Tag::BlockQuote(_) => {
                self.depth += 1;
                self.tag("<blockquote>");
            }
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => language(&l),
                    CodeBlockKind::Indented => String::new(),
                };
                self.tag(&code_open(&lang));
                // Only a code block that is the whole block is re-split as code; one inside a
                // list or quote goes with its block (re-split as prose, nothing lost).
                if self.depth == 0 {
                    self.in_code = Some((lang, String::new()));
                }
            }
            Tag::List(start) => {
                if self.lists.open(start) && !self.html.ends_with('\n') {
                    self.text("\n");
                }
                self.depth += 1;
            }
            Tag::Item => {
                let prefix = self.lists.item("• ");
                self.text(&prefix);
            }
            Tag::Emphasis => self.tag("<i>"),
            Tag::Strong => self.tag("<b>"),
            Tag::Strikethrough => self.tag("<s>"),
            Tag::Link { dest_url, .. } => {
                self.tag(&format!("<a href=\"{}\">", escape(&dest_url)));
                self.link.push(dest_url.to_string());
            }
            Tag::Image { dest_url, .. } => {
                self.tag(&format!("<a href=\"{}\">", escape(&dest_url)));
                self.link.push(dest_url.to_string());
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph if self.depth > 0 => self.text("\n"),
            TagEnd::Heading(_) => self.tag("</b>"),
            TagEnd::BlockQuote(_) => {
                while self.html.ends_with('\n') {
                    self.html.pop();
                    self.plain.pop();
                }
                self.tag("</blockquote>");
                self.depth -= 1;
            }
            TagEnd::CodeBlock => {
                while self.html.ends_with('\n') {
                    self.html.pop();
                }
                self.tag("</code></pre>");
                // Keep `in_code` until the block is taken: it lets an oversized block be re-split.
            }
            TagEnd::List(_) => {
                self.lists.close();
                self.depth -= 1;
            }
            TagEnd::Item if !self.html.ends_with('\n') => self.text("\n"),
            TagEnd::Emphasis => self.tag("</i>"),
            TagEnd::Strong => self.tag("</b>"),
            TagEnd::Strikethrough => self.tag("</s>"),
            TagEnd::Link | TagEnd::Image => {
                self.tag("</a>");
                self.link.pop();
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
    fn an_empty_code_block_is_not_sent_as_an_empty_message() {
        let c = render_chunks("Here:\n\n```rust\n```", MAX_MESSAGE_UTF16);
        assert_eq!(c.iter().map(|c| c.html.as_str()).collect::<Vec<_>>(), ["Here:"]);
        assert!(render_chunks("```\n```", MAX_MESSAGE_UTF16).is_empty());
    }

    #[test]
    fn a_long_code_language_does_not_push_a_chunk_over_the_limit() {
        let md = format!("```{}\nlet x = 1;\n```", "x".repeat(200));
        let c = render_chunks(&md, 64);
        assert!(c.iter().all(|c| utf16_len(&c.html) <= 64), "{c:?}");
        assert_eq!(c[0].html, "<pre><code>let x = 1;</code></pre>");
    }

    #[test]
    fn a_code_block_inside_a_list_loses_no_words_when_split() {
        let md = format!("- first item\n\n  ```\n  {}\n  ```\n- last item", "code ".repeat(30));
        let all: String = render_chunks(&md, 64).into_iter().map(|c| c.plain).collect();
        assert!(all.contains("first item") && all.contains("last item"), "{all}");
    }

    #[test]
    fn an_html_block_before_a_split_code_block_is_kept() {
        let md = format!("<p\n\n```\n{}\n```", "code ".repeat(40));
        let c = render_chunks(&md, 64);
        assert_eq!(c[0].plain, "<p", "{c:?}");
    }

    fn html(md: &str) -> String {
        let c = render_chunks(md, MAX_MESSAGE_UTF16);
        assert_eq!(c.len(), 1, "{c:?}");
        c[0].html.clone()
    }

    #[test]
    fn inline_formatting() {
        assert_eq!(
            html("**bold** and *it* and `a<b>` ~~no~~"),
            "<b>bold</b> and <i>it</i> and <code>a&lt;b&gt;</code> <s>no</s>"
        );
        assert_eq!(html("[site](https://x.org/?a=1&b=2)"), "<a href=\"https://x.org/?a=1&amp;b=2\">site</a>");
        assert_eq!(html("5 < 6 & 7 > 3"), "5 &lt; 6 &amp; 7 &gt; 3");
    }

    #[test]
    fn stars_in_code_and_urls_are_not_emphasis() {
        assert_eq!(html("`a*b*c`"), "<code>a*b*c</code>");
        assert_eq!(html("```\nx = a * b * c\n```"), "<pre><code>x = a * b * c</code></pre>");
    }

    #[test]
    fn blocks_headings_lists_quotes() {
        let h =
            html("# Title\n\nPara one.\n\n- a\n- b\n\n1. x\n2. y\n\n> quoted\n\n```rust\nfn main() {}\n```");
        assert_eq!(
            h,
            "<b>Title</b>\n\nPara one.\n\n• a\n• b\n\n1. x\n2. y\n\n<blockquote>quoted</blockquote>\n\n<pre><code class=\"language-rust\">fn main() {}</code></pre>"
        );
    }

    #[test]
    fn plain_twin_has_no_markup() {
        let c = render_chunks("**bold** `code` [l](http://x)", MAX_MESSAGE_UTF16);
        assert_eq!(c[0].plain, "bold code l");
    }

    #[test]
    fn long_replies_split_at_block_boundaries_under_the_limit() {
        let para = "Emoji 😀 and words. ".repeat(40); // ~800 units
        let code = format!("```python\n{}```", "print('hello <world> & friends')\n".repeat(60)); // ~2000 units
        let md = format!("{para}\n\n{code}\n\n{para}\n\n{para}\n\n{code}\n\n{para}");
        assert!(utf16_len(&md) > 6000);
        let chunks = render_chunks(&md, MAX_MESSAGE_UTF16);
        assert!(chunks.len() >= 2);
        for c in &chunks {
            assert!(utf16_len(&c.html) <= MAX_MESSAGE_UTF16, "{}", utf16_len(&c.html));
            assert_eq!(
                c.html.matches("<pre>").count(),
                c.html.matches("</pre>").count(),
                "code blocks are whole"
            );
            assert_eq!(c.html.matches("<code").count(), c.html.matches("</code>").count());
        }
        let joined: String = chunks.iter().map(|c| c.plain.clone()).collect::<Vec<_>>().join("\n\n");
        assert_eq!(joined.matches('😀').count(), md.matches('😀').count(), "nothing lost");
    }

    #[test]
    fn an_oversized_code_block_becomes_several_whole_code_blocks() {
        let code = format!("```\n{}```", "let x = \"<&>\";\n".repeat(600));
        let chunks = render_chunks(&code, MAX_MESSAGE_UTF16);
        assert!(chunks.len() >= 3, "{}", chunks.len());
        for c in &chunks {
            assert!(utf16_len(&c.html) <= MAX_MESSAGE_UTF16);
            assert!(
                c.html.starts_with("<pre><code>") && c.html.ends_with("</code></pre>"),
                "{}",
                &c.html[..40]
            );
            assert!(!c.html.contains("&am\n") && !c.html.ends_with("&"), "entities intact");
        }
        let lines: usize = chunks.iter().map(|c| c.plain.lines().count()).sum();
        assert_eq!(lines, 600);
    }

    #[test]
    fn an_oversized_paragraph_splits_between_words_never_inside_a_character() {
        let text = "👍🏽word ".repeat(2000);
        let chunks = render_chunks(&text, MAX_MESSAGE_UTF16);
        for c in &chunks {
            assert!(utf16_len(&c.html) <= MAX_MESSAGE_UTF16);
            assert!(c.plain.starts_with("👍🏽"), "split between words");
        }
        let total: usize = chunks.iter().map(|c| c.plain.matches("word").count()).sum();
        assert_eq!(total, 2000);
    }
}
