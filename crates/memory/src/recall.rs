//! Recall: ranked keyword search (SQLite FTS5, bm25) over a sender's earlier conversations.
//!
//! The person's words become a query of quoted terms joined by OR, so FTS5 syntax in a message
//! (`NEAR`, `*`, quotes, column filters) is only ever text, never query operators.

use serde::Serialize;

use crate::error::MemoryError;
use crate::open::Store;

/// An earlier message that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Recalled {
    pub role: String,
    pub content: String,
    pub created_at: i64,
}

/// Words too common to mean anything in a search (English; other languages rank by bm25 alone).
const STOPWORDS: &[&str] = &[
    "the", "and", "for", "are", "but", "not", "you", "all", "any", "can", "had", "her", "was", "one", "our",
    "out", "has", "him", "his", "how", "its", "may", "new", "now", "see", "two", "way", "who", "did", "get",
    "let", "say", "she", "too", "use", "that", "with", "have", "this", "will", "your", "from", "they",
    "know", "want", "been", "good", "much", "some", "time", "what", "when", "which", "there", "their",
    "would", "about", "could", "should", "does", "just", "like", "into", "than", "then", "them", "these",
    "those", "were",
];

/// The FTS5 query for `text`: its distinct words of three or more letters (stopwords dropped),
/// each quoted, joined by OR. `None` when nothing is left.
pub fn fts_query(text: &str) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let w = word.to_lowercase();
        if w.chars().count() < 3 || STOPWORDS.contains(&w.as_str()) || terms.contains(&w) {
            continue;
        }
        terms.push(w);
        if terms.len() == 12 {
            break;
        }
    }
    (!terms.is_empty()).then(|| terms.iter().map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(" OR "))
}

/// How many of the sender's newest matching messages recall ranks.
macro_rules! RECALL_CANDIDATES {
    () => {
        "100"
    };
}

impl Store {
    /// The sender's earlier messages in `project` (`None`: their active project) that best
    /// match `text`, best first: closed conversations, and the compacted part of the current one
    /// (the rest is in the history already); forgotten ones never.
    pub async fn recall(
        &self,
        channel: &str,
        sender_id: &str,
        project: Option<&str>,
        text: &str,
        limit: u32,
    ) -> Result<Vec<Recalled>, MemoryError> {
        let Some(terms) = fts_query(text) else { return Ok(Vec::new()) };
        // Only this sender's messages (the index's `owner` token; see migration 0016).
        let owner: String = format!("{channel}:{sender_id}").bytes().map(|b| format!("{b:02x}")).collect();
        let query = format!("owner:o{owner} AND ({terms})");
        Ok(sqlx::query_as(concat!(
            // Ranked among the sender's newest matches only: a word in thousands of their
            // messages would otherwise cost a bm25 score for each on every message (measured:
            // 58 ms a turn at 2,000 matches).
            "SELECT m.role, m.content, m.created_at
             FROM (SELECT rowid AS id, bm25(messages_fts) AS score FROM messages_fts
                   WHERE messages_fts MATCH ?1 ORDER BY rowid DESC LIMIT ",
            RECALL_CANDIDATES!(),
            ") f
             JOIN messages m ON m.id = f.id
             JOIN conversations c ON c.id = m.conversation_id
             WHERE c.channel = ?2 AND c.sender_id = ?3
               AND (c.status = 'closed' OR m.id <= c.compacted_through)
               AND c.forgotten = 0 AND c.project = ",
            scope_sql!("?6", "?5"),
            " ORDER BY f.score LIMIT ?4"
        ))
        .bind(query)
        .bind(channel)
        .bind(sender_id)
        .bind(i64::from(limit))
        .bind(project)
        .bind(format!("{channel}:{sender_id}"))
        .fetch_all(&self.read)
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::fts_query;

    #[test]
    fn queries_are_quoted_terms_never_operators() {
        assert_eq!(fts_query("What is my cat's name?").as_deref(), Some("\"cat\" OR \"name\""));
        assert_eq!(
            fts_query("plums NEAR(apples) * \"x\" content:secret").as_deref(),
            Some("\"plums\" OR \"near\" OR \"apples\" OR \"content\" OR \"secret\"")
        );
        assert_eq!(fts_query("a an to"), None);
        assert_eq!(fts_query("Ção já começou").as_deref(), Some("\"ção\" OR \"começou\""));
    }
}
