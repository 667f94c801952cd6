//! A lesson written into a skill's file, under `## Lessons Learned`, so the mistake is not
//! repeated the next time the skill is used.

/// The heading lessons go under.
pub const HEADING: &str = "## Lessons Learned";

fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").trim_end_matches('.').to_lowercase()
}

fn heading_level(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let level = t.chars().take_while(|c| *c == '#').count();
    (level > 0 && t[level..].starts_with(' ')).then_some(level)
}

/// `file` with `lesson` added as the last item under `## Lessons Learned` (the section is made at
/// the end when there is none). `None` when the section already has that lesson (ignoring case,
/// spacing and a final full stop) or the lesson is empty.
pub fn add_lesson(file: &str, lesson: &str) -> Option<String> {
    let lesson = lesson.split_whitespace().collect::<Vec<_>>().join(" ");
    if lesson.is_empty() {
        return None;
    }
    let lines: Vec<&str> = file.lines().collect();
    let heading = lines.iter().position(|l| l.trim().eq_ignore_ascii_case(HEADING));
    let Some(h) = heading else {
        let mut out = file.trim_end().to_owned();
        out.push_str(&format!("\n\n{HEADING}\n\n- {lesson}\n"));
        return Some(out);
    };
    // The section runs to the next heading of its level or higher (outside code fences).
    let mut end = lines.len();
    let mut fenced = false;
    for (i, l) in lines.iter().enumerate().skip(h + 1) {
        if l.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && heading_level(l).is_some_and(|lv| lv <= 2) {
            end = i;
            break;
        }
    }
    let known = lines[h + 1..end]
        .iter()
        .filter_map(|l| l.trim_start().strip_prefix("- ").or_else(|| l.trim_start().strip_prefix("* ")))
        .any(|l| normalize(l) == normalize(&lesson));
    if known {
        return None;
    }
    // After the section's last non-empty line.
    let last = (h..end).rev().find(|i| !lines[*i].trim().is_empty()).unwrap_or(h);
    let mut out: Vec<String> = lines[..=last].iter().map(|l| l.to_string()).collect();
    if last == h {
        out.push(String::new());
    }
    out.push(format!("- {lesson}"));
    if end < lines.len() {
        out.push(String::new());
    }
    out.extend(
        lines[last + 1..]
            .iter()
            .map(|l| l.to_string())
            .skip_while(|l| end < lines.len() && l.trim().is_empty()),
    );
    let mut text = out.join("\n");
    text.push('\n');
    Some(text)
}
