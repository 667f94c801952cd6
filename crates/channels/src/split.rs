//! Cutting text into messages a channel accepts: at line boundaries, else at spaces, else
//! between characters (never inside one), each part measured the channel's way.

/// Split `text` into parts of at most `budget` (as `measure` counts), at line boundaries, else
/// at spaces, else between characters. Empty parts are dropped; nothing else is lost.
pub fn split_text(text: &str, budget: usize, measure: impl Fn(&str) -> usize) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    for line in text.split_inclusive('\n') {
        if measure(&cur) + measure(line) <= budget {
            cur.push_str(line);
            continue;
        }
        if !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        if measure(line) <= budget {
            cur.push_str(line);
            continue;
        }
        // One line longer than the budget: words, then characters.
        for word in line.split_inclusive(' ') {
            if measure(&cur) + measure(word) > budget && !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            if measure(word) <= budget {
                cur.push_str(word);
                continue;
            }
            for c in word.chars() {
                let mut b = [0u8; 4];
                if measure(&cur) + measure(c.encode_utf8(&mut b)) > budget {
                    parts.push(std::mem::take(&mut cur));
                }
                cur.push(c);
            }
        }
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts.into_iter().map(|p| p.trim_end_matches('\n').to_owned()).filter(|p| !p.is_empty()).collect()
}
