//! Provider-side session ids (e.g. the Claude Code CLI's), per sender, project and provider.
//! `project` is the active project's name, `""` when none is active.

use crate::error::MemoryError;
use crate::open::Store;

impl Store {
    /// The provider session to resume for this sender, if any.
    pub async fn provider_session(
        &self,
        channel: &str,
        sender_id: &str,
        project: &str,
        provider: &str,
    ) -> Result<Option<String>, MemoryError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT session_id FROM provider_sessions
             WHERE channel = ? AND sender_id = ? AND project = ? AND provider = ?",
        )
        .bind(channel)
        .bind(sender_id)
        .bind(project)
        .bind(provider)
        .fetch_optional(&self.read)
        .await?;
        Ok(row.map(|r| r.0))
    }

    /// Remember (`Some`) or forget (`None`) the provider session for this sender.
    pub async fn set_provider_session(
        &self,
        channel: &str,
        sender_id: &str,
        project: &str,
        provider: &str,
        session_id: Option<&str>,
    ) -> Result<(), MemoryError> {
        let data = (
            channel.to_owned(),
            sender_id.to_owned(),
            project.to_owned(),
            provider.to_owned(),
            session_id.map(str::to_owned),
            self.now_ms(),
        );
        self.writer
            .write(data, |c, (ch, s, proj, p, sid, at)| {
                Box::pin(async move {
                    match sid {
                        Some(sid) => {
                            sqlx::query(
                                "INSERT INTO provider_sessions (channel, sender_id, project, provider, session_id, updated_at)
                                 VALUES (?, ?, ?, ?, ?, ?)
                                 ON CONFLICT (channel, sender_id, project, provider)
                                 DO UPDATE SET session_id = excluded.session_id, updated_at = excluded.updated_at",
                            )
                            .bind(ch)
                            .bind(s)
                            .bind(proj)
                            .bind(p)
                            .bind(sid)
                            .bind(at)
                            .execute(&mut *c)
                            .await?;
                        }
                        None => {
                            sqlx::query(
                                "DELETE FROM provider_sessions
                                 WHERE channel = ? AND sender_id = ? AND project = ? AND provider = ?",
                            )
                            .bind(ch)
                            .bind(s)
                            .bind(proj)
                            .bind(p)
                                .execute(&mut *c)
                                .await?;
                        }
                    }
                    Ok(())
                })
            })
            .await
    }
}

/// End every provider's session of one sender in one project, inside a write (a conversation
/// that closes takes its CLI sessions with it).
pub(crate) async fn end_sessions(
    c: &mut sqlx::SqliteConnection,
    channel: &str,
    sender_id: &str,
    project: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM provider_sessions WHERE channel = ? AND sender_id = ? AND project = ?")
        .bind(channel)
        .bind(sender_id)
        .bind(project)
        .execute(c)
        .await?;
    Ok(())
}
