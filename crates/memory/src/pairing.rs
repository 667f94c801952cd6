//! Pairing: an unknown sender gets a one-time code; approving the code lets that sender in.

use sqlx::SqliteConnection;

use crate::error::MemoryError;
use crate::open::Store;

/// Someone who asked to be let in.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PairingRequest {
    pub code: String,
    pub channel: String,
    pub sender_id: String,
    pub sender_name: Option<String>,
    pub reply_target: String,
}

struct NewRequest {
    channel: String,
    sender_id: String,
    sender_name: Option<String>,
    reply_target: String,
    now: i64,
    ttl_ms: i64,
}

async fn issue(c: &mut SqliteConnection, r: &NewRequest) -> Result<String, sqlx::Error> {
    sqlx::query("DELETE FROM pairing_codes WHERE expires_at <= ?").bind(r.now).execute(&mut *c).await?;
    // A sender who asks again gets the same code until it expires, not a new one each time.
    let existing: Option<(String,)> =
        sqlx::query_as("SELECT code FROM pairing_codes WHERE channel = ? AND sender_id = ?")
            .bind(&r.channel)
            .bind(&r.sender_id)
            .fetch_optional(&mut *c)
            .await?;
    if let Some((code,)) = existing {
        return Ok(code);
    }
    let (code,): (String,) = sqlx::query_as(
        "INSERT INTO pairing_codes (code, channel, sender_id, sender_name, reply_target, created_at, expires_at)
         VALUES (printf('%06d', abs(random()) % 1000000), ?, ?, ?, ?, ?, ?) RETURNING code",
    )
    .bind(&r.channel)
    .bind(&r.sender_id)
    .bind(&r.sender_name)
    .bind(&r.reply_target)
    .bind(r.now)
    .bind(r.now + r.ttl_ms)
    .fetch_one(&mut *c)
    .await?;
    Ok(code)
}

async fn approve(c: &mut SqliteConnection, k: &(String, i64)) -> Result<Option<PairingRequest>, sqlx::Error> {
    let (code, now) = k;
    let req: Option<PairingRequest> = sqlx::query_as(
        "DELETE FROM pairing_codes WHERE code = ? AND expires_at > ?
         RETURNING code, channel, sender_id, sender_name, reply_target",
    )
    .bind(code)
    .bind(now)
    .fetch_optional(&mut *c)
    .await?;
    if let Some(r) = &req {
        sqlx::query(
            "INSERT INTO approved_senders (channel, sender_id, sender_name, approved_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (channel, sender_id) DO NOTHING",
        )
        .bind(&r.channel)
        .bind(&r.sender_id)
        .bind(&r.sender_name)
        .bind(now)
        .execute(&mut *c)
        .await?;
    }
    Ok(req)
}

impl Store {
    /// Whether pairing let this sender in.
    pub async fn is_approved(&self, channel: &str, sender_id: &str) -> Result<bool, MemoryError> {
        let row: Option<(i64,)> =
            sqlx::query_as("SELECT 1 FROM approved_senders WHERE channel = ? AND sender_id = ?")
                .bind(channel)
                .bind(sender_id)
                .fetch_optional(&self.read)
                .await?;
        Ok(row.is_some())
    }

    /// A one-time code for an unknown sender, valid for `ttl`.
    pub async fn pairing_code(
        &self,
        channel: &str,
        sender_id: &str,
        sender_name: Option<&str>,
        reply_target: &str,
        ttl: std::time::Duration,
    ) -> Result<String, MemoryError> {
        let r = NewRequest {
            channel: channel.to_owned(),
            sender_id: sender_id.to_owned(),
            sender_name: sender_name.map(str::to_owned),
            reply_target: reply_target.to_owned(),
            now: self.now_ms(),
            ttl_ms: ttl.as_millis() as i64,
        };
        self.writer.write(r, |c, r| Box::pin(issue(c, r))).await
    }

    /// Approve a code: its sender is let in. `None` when the code is unknown or expired.
    pub async fn approve_pairing(&self, code: &str) -> Result<Option<PairingRequest>, MemoryError> {
        let key = (code.trim().to_owned(), self.now_ms());
        self.writer.write(key, |c, k| Box::pin(approve(c, k))).await
    }
}
