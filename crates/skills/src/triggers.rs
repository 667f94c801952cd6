//! Which skills a message calls for: a trigger matches case-insensitively as a whole word or
//! phrase (`weather` matches "the weather?" but not "weatherman"), in any script. In scripts
//! written without spaces (Chinese, Japanese, Thai) a trigger matches anywhere.

use crate::Skill;

/// Scripts whose words are not separated by spaces.
fn unspaced(c: char) -> bool {
    matches!(c as u32,
        0x0E00..=0x0E7F     // Thai
        | 0x0E80..=0x0EFF   // Lao
        | 0x1000..=0x109F   // Myanmar
        | 0x1780..=0x17FF   // Khmer
        | 0x3040..=0x30FF   // Hiragana, Katakana
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK
        | 0xF900..=0xFAFF   // CJK compatibility
        | 0xAC00..=0xD7AF   // Hangul syllables (spaced, but often compounded)
    )
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `trigger` appears in `text` as a whole word or phrase, ignoring case.
pub fn matches(text: &str, trigger: &str) -> bool {
    let needle = trigger.trim().to_lowercase();
    if needle.is_empty() {
        return false;
    }
    let hay = text.to_lowercase();
    let (first, last) = (needle.chars().next().unwrap_or(' '), needle.chars().last().unwrap_or(' '));
    let mut from = 0;
    while let Some(i) = hay[from..].find(&needle) {
        let start = from + i;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        let after = hay[end..].chars().next();
        let open = unspaced(first) || !is_word(first) || !before.is_some_and(is_word);
        let close = unspaced(last) || !is_word(last) || !after.is_some_and(is_word);
        if open && close {
            return true;
        }
        from = start + hay[start..].chars().next().map(char::len_utf8).unwrap_or(1);
    }
    false
}

/// The skills among `skills` whose triggers `text` matches, in their order.
pub fn triggered<'a>(text: &str, skills: impl IntoIterator<Item = &'a Skill>) -> Vec<&'a Skill> {
    skills.into_iter().filter(|s| s.triggers.iter().any(|t| matches(text, t))).collect()
}
