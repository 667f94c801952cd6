//! What both chat formats (Telegram HTML, WhatsApp markup) do the same way with Markdown's
//! events: where a top-level block ends, and how list items are numbered and indented.

use pulldown_cmark::{Event, TagEnd};

/// Whether `event` ends a block that is top-level once no list or quote is open.
pub(crate) fn ends_block(event: &Event<'_>) -> bool {
    matches!(
        event,
        Event::End(
            TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::CodeBlock
                | TagEnd::List(_)
                | TagEnd::BlockQuote(_)
                | TagEnd::Table
                | TagEnd::HtmlBlock
        ) | Event::Rule
    )
}

/// The lists open now, innermost last: the next number of an ordered list, `None` for bullets.
#[derive(Default)]
pub(crate) struct Lists(Vec<Option<u64>>);

impl Lists {
    /// A list starts (at `start` when numbered); `true` when it is nested in another.
    pub(crate) fn open(&mut self, start: Option<u64>) -> bool {
        self.0.push(start);
        self.0.len() > 1
    }

    pub(crate) fn close(&mut self) {
        self.0.pop();
    }

    /// The prefix of the next item: indented by nesting, then its number or `bullet`.
    pub(crate) fn item(&mut self, bullet: &str) -> String {
        let indent = "  ".repeat(self.0.len().saturating_sub(1));
        match self.0.last_mut() {
            Some(Some(n)) => {
                *n += 1;
                format!("{indent}{}. ", *n - 1)
            }
            _ => format!("{indent}{bullet}"),
        }
    }
}
