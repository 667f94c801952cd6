//! A linked device's key material, as opaque values by `(space, key)`.
//!
//! WhatsApp Web's client keeps many small records (identities, Signal sessions, pre-keys, sender
//! keys, app-state keys, the LID ↔ phone map). They live here, in `device_keys`, next to the rest
//! of Omega's data: one SQL layer, one writer, one protected file. `num` is the single number a
//! space is queried by (a timestamp, a version, an "uploaded" flag); `0` when unused.

use crate::error::MemoryError;
use crate::open::Store;

/// One record to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub space: String,
    pub key: String,
    pub value: Vec<u8>,
    pub num: i64,
}

impl KeyRow {
    pub fn new(space: &str, key: impl Into<String>, value: impl Into<Vec<u8>>, num: i64) -> Self {
        Self { space: space.to_owned(), key: key.into(), value: value.into(), num }
    }
}

/// Which rows a bulk delete removes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySelect {
    /// These keys.
    Keys(Vec<String>),
    /// Every key that starts with this.
    Prefix(String),
    /// Every row whose `num` is below this (rows with `num = 0` too, unless `keep_zero`).
    NumBelow { cutoff: i64, keep_zero: bool },
}

/// The exclusive upper bound of the keys starting with `prefix` (keys are UTF-8, compared
/// bytewise).
fn prefix_end(prefix: &str) -> String {
    format!("{prefix}\u{10FFFF}")
}

impl Store {
    /// The value (and its number) at `(space, key)`.
    pub async fn device_key(&self, space: &str, key: &str) -> Result<Option<(Vec<u8>, i64)>, MemoryError> {
        Ok(sqlx::query_as("SELECT value, num FROM device_keys WHERE space = ? AND key = ?")
            .bind(space)
            .bind(key)
            .fetch_optional(&self.read)
            .await?)
    }

    /// Every row of `space` whose key starts with `prefix` (all of them for `""`), by key.
    pub async fn device_keys_with_prefix(
        &self,
        space: &str,
        prefix: &str,
    ) -> Result<Vec<(String, Vec<u8>, i64)>, MemoryError> {
        Ok(sqlx::query_as(
            "SELECT key, value, num FROM device_keys WHERE space = ? AND key >= ? AND key < ? ORDER BY key",
        )
        .bind(space)
        .bind(prefix)
        .bind(prefix_end(prefix))
        .fetch_all(&self.read)
        .await?)
    }

    /// The row of `space` with the greatest key.
    pub async fn last_device_key(&self, space: &str) -> Result<Option<(String, Vec<u8>)>, MemoryError> {
        Ok(sqlx::query_as("SELECT key, value FROM device_keys WHERE space = ? ORDER BY key DESC LIMIT 1")
            .bind(space)
            .fetch_optional(&self.read)
            .await?)
    }

    /// Write (insert or replace) these rows, in one transaction.
    pub async fn put_device_keys(&self, rows: Vec<KeyRow>) -> Result<(), MemoryError> {
        if rows.is_empty() {
            return Ok(());
        }
        self.writer
            .write_touching(crate::writer::Touch::Nothing, rows, |c, rows| {
                Box::pin(async move {
                    for r in rows {
                        sqlx::query(
                            "INSERT INTO device_keys (space, key, value, num) VALUES (?, ?, ?, ?)
                             ON CONFLICT (space, key) DO UPDATE SET value = excluded.value, num = excluded.num",
                        )
                        .bind(&r.space)
                        .bind(&r.key)
                        .bind(&r.value)
                        .bind(r.num)
                        .execute(&mut *c)
                        .await?;
                    }
                    Ok(())
                })
            })
            .await
    }

    /// Set the number of these keys of `space` (those that exist).
    pub async fn set_device_key_num(
        &self,
        space: &str,
        keys: Vec<String>,
        num: i64,
    ) -> Result<(), MemoryError> {
        if keys.is_empty() {
            return Ok(());
        }
        self.writer
            .write_touching(
                crate::writer::Touch::Nothing,
                (space.to_owned(), keys, num),
                |c, (space, keys, num)| {
                    Box::pin(async move {
                        for k in keys {
                            sqlx::query("UPDATE device_keys SET num = ? WHERE space = ? AND key = ?")
                                .bind(*num)
                                .bind(space)
                                .bind(k)
                                .execute(&mut *c)
                                .await?;
                        }
                        Ok(())
                    })
                },
            )
            .await
    }

    /// Delete the selected rows of `space`; returns how many went.
    pub async fn delete_device_keys(&self, space: &str, select: KeySelect) -> Result<u64, MemoryError> {
        self.writer
            .write_touching(
                crate::writer::Touch::Nothing,
                (space.to_owned(), select),
                |c, (space, select)| {
                    Box::pin(async move {
                        let mut n = 0;
                        match select {
                            KeySelect::Keys(keys) => {
                                for k in keys {
                                    n += sqlx::query("DELETE FROM device_keys WHERE space = ? AND key = ?")
                                        .bind(space)
                                        .bind(k)
                                        .execute(&mut *c)
                                        .await?
                                        .rows_affected();
                                }
                            }
                            KeySelect::Prefix(p) => {
                                n = sqlx::query(
                                    "DELETE FROM device_keys WHERE space = ? AND key >= ? AND key < ?",
                                )
                                .bind(space)
                                .bind(p)
                                .bind(prefix_end(p))
                                .execute(&mut *c)
                                .await?
                                .rows_affected();
                            }
                            KeySelect::NumBelow { cutoff, keep_zero } => {
                                n = sqlx::query(
                                "DELETE FROM device_keys WHERE space = ? AND num < ? AND NOT (? AND num = 0)",
                            )
                            .bind(space)
                            .bind(*cutoff)
                            .bind(*keep_zero)
                            .execute(&mut *c)
                            .await?
                            .rows_affected();
                            }
                        }
                        Ok(n)
                    })
                },
            )
            .await
    }

    /// Delete `(space, key)` and return what it held.
    pub async fn take_device_key(&self, space: &str, key: &str) -> Result<Option<Vec<u8>>, MemoryError> {
        self.writer
            .write_touching(
                crate::writer::Touch::Nothing,
                (space.to_owned(), key.to_owned()),
                |c, (space, key)| {
                    Box::pin(async move {
                        let row: Option<(Vec<u8>,)> = sqlx::query_as(
                            "DELETE FROM device_keys WHERE space = ? AND key = ? RETURNING value",
                        )
                        .bind(space)
                        .bind(key)
                        .fetch_optional(&mut *c)
                        .await?;
                        Ok(row.map(|r| r.0))
                    })
                },
            )
            .await
    }

    /// Forget every row of `space` (e.g. the device was logged out).
    pub async fn clear_device_keys(&self, space: &str) -> Result<u64, MemoryError> {
        self.delete_device_keys(space, KeySelect::Prefix(String::new())).await
    }
}
