//! Cutting text into messages a channel accepts: at line boundaries, else at spaces, else
//! between characters (never inside one), each part measured the channel's way.

/// Split `text` into parts of at most `budget` (as `measure` counts), at line boundaries, else
/// at spaces, else between characters. The line break where a part ends is dropped (the message
/// boundary is the break), and so are parts left blank (a message of spaces says nothing);
/// nothing else is lost.
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
    parts.into_iter().map(|p| p.trim_end_matches('\n').to_owned()).filter(|p| !p.trim().is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzzing (tests/it/fuzz.rs): a part of nothing but a space became a message with
    /// nothing to read.
    #[test]
    fn blank_parts_are_not_sent() {
        let parts = split_text(" apple**appleappleapple", 8, |s| s.chars().count());
        assert!(parts.iter().all(|p| !p.trim().is_empty()), "{parts:?}");
        assert_eq!(parts.concat().replace(' ', ""), "apple**appleappleapple");
    }
}
