//! Linking one person's identities across channels, only on their own command: a code made on
//! one channel (`/link`) and sent from the other (`/link CODE`).

use crate::error::MemoryError;
use crate::open::Store;

/// What redeeming a link code did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Linked {
    /// `alias` now shares the memory of `canonical`.
    Done { canonical: String },
    /// No such code, or it expired.
    NoCode,
    /// The code was made on this same identity.
    SameSender,
}

impl Store {
    /// The key whose memory `sender` (a session key) uses: its canonical key if linked.
    pub async fn memory_key(&self, sender: &str) -> Result<String, MemoryError> {
        let row: Option<(String,)> = sqlx::query_as("SELECT canonical FROM user_aliases WHERE alias = ?")
            .bind(sender)
            .fetch_optional(&self.read)
            .await?;
        Ok(row.map(|r| r.0).unwrap_or_else(|| sender.to_owned()))
    }

    /// Make a 6-digit code for `sender`, valid for `ttl_secs`.
    pub async fn new_link_code(&self, sender: &str, ttl_secs: i64) -> Result<String, MemoryError> {
        let now = self.now_ms();
        let data = (sender.to_owned(), now, now + ttl_secs * 1000);
        self.writer
            .write(data, |c, (sender, now, expires)| {
                Box::pin(async move {
                    sqlx::query("DELETE FROM link_codes WHERE expires_at < ? OR sender = ?")
                        .bind(*now)
                        .bind(sender)
                        .execute(&mut *c)
                        .await?;
                    let (code,): (String,) = sqlx::query_as(
                        "INSERT INTO link_codes (code, sender, expires_at)
                         VALUES (printf('%06d', abs(random()) % 1000000), ?, ?) RETURNING code",
                    )
                    .bind(sender)
                    .bind(*expires)
                    .fetch_one(&mut *c)
                    .await?;
                    Ok(code)
                })
            })
            .await
    }

    /// Redeem `code` from `alias`: from now on `alias` uses the memory of whoever made the code
    /// (or of the identity that one is linked to).
    pub async fn redeem_link_code(&self, alias: &str, code: &str) -> Result<Linked, MemoryError> {
        let data = (alias.to_owned(), code.trim().to_owned(), self.now_ms());
        self.writer
            .write(data, |c, (alias, code, now)| {
                Box::pin(async move {
                    let row: Option<(String,)> =
                        sqlx::query_as("SELECT sender FROM link_codes WHERE code = ? AND expires_at >= ?")
                            .bind(code)
                            .bind(*now)
                            .fetch_optional(&mut *c)
                            .await?;
                    let Some((maker,)) = row else { return Ok(Linked::NoCode) };
                    let canonical: String =
                        sqlx::query_as::<_, (String,)>("SELECT canonical FROM user_aliases WHERE alias = ?")
                            .bind(&maker)
                            .fetch_optional(&mut *c)
                            .await?
                            .map(|r| r.0)
                            .unwrap_or(maker);
                    if canonical == *alias {
                        return Ok(Linked::SameSender);
                    }
                    sqlx::query("DELETE FROM link_codes WHERE code = ?").bind(code).execute(&mut *c).await?;
                    sqlx::query(
                        "INSERT INTO user_aliases (alias, canonical, created_at) VALUES (?, ?, ?)
                         ON CONFLICT (alias) DO UPDATE SET canonical = excluded.canonical",
                    )
                    .bind(alias)
                    .bind(&canonical)
                    .bind(*now)
                    .execute(&mut *c)
                    .await?;
                    Ok(Linked::Done { canonical })
                })
            })
            .await
    }

    /// Undo a link. Returns whether there was one.
    pub async fn unlink(&self, alias: &str) -> Result<bool, MemoryError> {
        self.writer
            .write(alias.to_owned(), |c, alias| {
                Box::pin(async move {
                    let r = sqlx::query("DELETE FROM user_aliases WHERE alias = ?")
                        .bind(alias)
                        .execute(&mut *c)
                        .await?;
                    Ok(r.rows_affected() > 0)
                })
            })
            .await
    }
}
