use crate::grammar::MarkerName;
use crate::parse::{Fence, LineKind, classify};

/// Decides what of a streaming answer may be shown before the answer is complete.
///
/// A line that is a marker is never shown. The start of a line is held back while it could still
/// become a marker (`SCHED` might grow into `SCHEDULE:`), so a marker split across chunks never
/// flashes on screen; as soon as the line cannot be a marker it is released, and the rest of that
/// line flows through as it arrives. The final answer is still parsed whole with
/// [`crate::parse()`]; this filter only protects the preview.
#[derive(Debug, Default, Clone)]
pub struct StreamFilter {
    /// The current line, as far as it has arrived.
    line: String,
    /// Whether the current line was already judged to be text (and released).
    released: bool,
    fence: Fence,
    in_code: bool,
}

impl StreamFilter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed a chunk; returns the text that can be shown now.
    pub fn push(&mut self, chunk: &str) -> String {
        let mut out = String::new();
        let mut rest = chunk;
        while !rest.is_empty() {
            let (piece, newline) = match rest.find('\n') {
                Some(i) => (&rest[..=i], true),
                None => (rest, false),
            };
            rest = &rest[piece.len()..];
            self.line.push_str(piece);
            if self.released {
                out.push_str(piece);
            }
            if newline {
                let body = self.line.trim_end_matches(['\n', '\r']).to_owned();
                let code = self.fence.is_code(&body);
                if !self.released && (code || classify(&body) == LineKind::Text) {
                    out.push_str(&self.line);
                }
                self.in_code = code && self.fence_open();
                self.line.clear();
                self.released = false;
            } else if !self.released && (self.in_code || !could_become_marker(&self.line)) {
                out.push_str(&self.line);
                self.released = true;
            }
        }
        out
    }

    /// The stream ended; returns whatever is left that is not a marker.
    pub fn finish(&mut self) -> String {
        let line = std::mem::take(&mut self.line);
        let released = std::mem::replace(&mut self.released, false);
        if released || self.in_code || classify(&line) != LineKind::Text {
            return String::new();
        }
        line
    }

    fn fence_open(&self) -> bool {
        self.fence.is_open()
    }
}

/// True when `partial` (the start of a line) might still turn into a marker line.
fn could_become_marker(partial: &str) -> bool {
    let t = partial.trim_start();
    if t.is_empty() {
        return true;
    }
    MarkerName::ALL.iter().any(|m| {
        let name = m.as_str();
        name.starts_with(t) || t.starts_with(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(chunks: &[&str]) -> String {
        let mut f = StreamFilter::new();
        let mut out: String = chunks.iter().map(|c| f.push(c)).collect();
        out.push_str(&f.finish());
        out
    }

    #[test]
    fn plain_text_flows_through() {
        assert_eq!(feed(&["Hel", "lo\nwor", "ld"]), "Hello\nworld");
    }

    #[test]
    fn marker_split_across_chunks_is_never_shown() {
        let out = feed(&["Sure.\nSCH", "EDU", "LE: x | 2026-01-01T00:00 | once\nBye"]);
        assert_eq!(out, "Sure.\nBye");
    }

    #[test]
    fn a_line_that_starts_like_a_marker_but_is_not_is_shown() {
        assert_eq!(feed(&["SCHEDULING is ", "hard\n"]), "SCHEDULING is hard\n");
        assert_eq!(feed(&["PURGE_FACTS now"]), "PURGE_FACTS now");
    }

    #[test]
    fn bare_marker_at_the_end_is_dropped() {
        assert_eq!(feed(&["Done.\nHEARTBEAT_", "OK"]), "Done.\n");
    }

    #[test]
    fn markers_in_code_blocks_are_shown() {
        let out = feed(&["```\n", "PURGE_FACTS\n", "```\n"]);
        assert_eq!(out, "```\nPURGE_FACTS\n```\n");
    }
}
