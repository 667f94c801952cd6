//! An incremental parser for server-sent events (the `text/event-stream` format).
//!
//! Bytes arrive in arbitrary pieces; complete events come out. Lines end with `\n` or `\r\n`; a
//! blank line ends an event; `data:` lines are joined with `\n`; `:` lines are comments.

/// One event.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Event {
    pub event: Option<String>,
    pub data: String,
}

#[derive(Debug, Default)]
pub struct SseParser {
    buf: Vec<u8>,
    current: Event,
    has_data: bool,
}

impl SseParser {
    pub fn new() -> Self {
        Self::default()
    }

    /// Feed bytes; returns the events they complete.
    pub fn push(&mut self, bytes: &[u8]) -> Vec<Event> {
        self.buf.extend_from_slice(bytes);
        let mut events = Vec::new();
        let mut start = 0;
        while let Some(pos) = self.buf[start..].iter().position(|&b| b == b'\n') {
            let end = start + pos;
            let mut line = &self.buf[start..end];
            if line.last() == Some(&b'\r') {
                line = &line[..line.len() - 1];
            }
            let line = String::from_utf8_lossy(line).into_owned();
            start = end + 1;
            if let Some(ev) = self.line(&line) {
                events.push(ev);
            }
        }
        self.buf.drain(..start);
        events
    }

    /// True when bytes are left that do not yet form a complete line or event.
    pub fn has_partial(&self) -> bool {
        !self.buf.is_empty() || self.has_data
    }

    fn line(&mut self, line: &str) -> Option<Event> {
        if line.is_empty() {
            if !self.has_data {
                self.current = Event::default();
                return None;
            }
            self.has_data = false;
            return Some(std::mem::take(&mut self.current));
        }
        if line.starts_with(':') {
            return None;
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => {
                if self.has_data {
                    self.current.data.push('\n');
                }
                self.current.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.current.event = Some(value.to_owned()),
            _ => {}
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_split_anywhere_come_out_whole() {
        let input =
            b"data: {\"a\":1}\n\n: comment\r\ndata: x\r\ndata: y\r\n\r\nevent: done\ndata: [DONE]\n\n";
        for cut in 0..input.len() {
            let mut p = SseParser::new();
            let mut evs = p.push(&input[..cut]);
            evs.extend(p.push(&input[cut..]));
            assert_eq!(evs.len(), 3, "cut at {cut}");
            assert_eq!(evs[0].data, "{\"a\":1}");
            assert_eq!(evs[1].data, "x\ny");
            assert_eq!(evs[2].event.as_deref(), Some("done"));
            assert!(!p.has_partial());
        }
    }

    #[test]
    fn an_unfinished_event_is_partial() {
        let mut p = SseParser::new();
        assert!(p.push(b"data: {\"cho").is_empty());
        assert!(p.has_partial());
    }
}
