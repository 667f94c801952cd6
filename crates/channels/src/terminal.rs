//! How the terminal shows what Omega sends.

use omega_core::OutboundKind;

/// One delivery as a line (or block) of terminal output. Interactive sessions get a speaker
/// label; piped output is just the text, so `echo hi | omega chat` composes with other tools.
pub fn render(kind: OutboundKind, text: &str, interactive: bool) -> String {
    match (kind, interactive) {
        (OutboundKind::Reply, true) => format!("omega> {text}"),
        (OutboundKind::Error, true) => format!("omega [error]> {text}"),
        (OutboundKind::Notice, true) => format!("omega (note)> {text}"),
        (OutboundKind::Reply, false) => text.to_owned(),
        (OutboundKind::Error, false) => format!("error: {text}"),
        (OutboundKind::Notice, false) => format!("note: {text}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piped_output_is_plain() {
        assert_eq!(render(OutboundKind::Reply, "hi", false), "hi");
        assert_eq!(render(OutboundKind::Error, "boom", false), "error: boom");
        assert_eq!(render(OutboundKind::Reply, "hi", true), "omega> hi");
    }
}
