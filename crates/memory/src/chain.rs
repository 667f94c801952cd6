//! The audit log's hash chain. Every audit row gets `chain_seq` (its place: 1, 2, 3…) and
//! `row_hash` = SHA-256 of the previous row's hash, a version byte, and the row's columns in a
//! fixed order, each typed and length-prefixed. The writer chains the new rows in the transaction
//! that adds them, so a committed row is always chained; [`Store::verify_audit`] walks the chain
//! and names the first row that was altered, deleted or moved. Anyone who can write the database
//! file can also recompute every hash: the chain shows edits made behind Omega's back, and the
//! head it prints, noted elsewhere, shows rows deleted from the end. A row added behind Omega's
//! back is reported as not chained until Omega's next audit write, which chains it.

use crate::{MemoryError, Store};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Row, TypeInfo, ValueRef};

/// The encoding of a row in the hash.
const VERSION: u8 = 1;

/// The hashed columns, in the hash's order (after `chain_seq`); `LIMIT 500` below is [`CHUNK`].
macro_rules! columns {
    () => {
        "id, created_at, channel, sender_id, sender_name, inbox_id, input_text, output_text,
         provider, model, input_tokens, output_tokens, cost_usd, latency_ms, status, error,
         cache_read_tokens, cache_write_tokens, usage_estimated"
    };
}

/// How many columns are always hashed.
const COLUMNS: usize = 18;

/// Columns added to `audit_log` after the chain, hashed after the others only when set (each
/// tagged with its place): a row from before them, where they are NULL, hashes as it did.
const LATER: usize = 1;

/// The hash of the row before the first.
pub const GENESIS: [u8; 32] = [0; 32];

/// Rows chained per statement.
const CHUNK: usize = 500;

/// Each value is hashed by the type SQLite stored it as, not the type its column declares: a row
/// written behind Omega's back with text where a number belongs still hashes (and is reported by
/// `verify`) instead of making every later audited write fail. For the rows Omega writes the two
/// are the same, so the encoding is that of version 1.
fn digest(prev: &[u8], seq: i64, row: &SqliteRow) -> Result<[u8; 32], sqlx::Error> {
    let mut h = ring::digest::Context::new(&ring::digest::SHA256);
    h.update(prev);
    h.update(&[VERSION]);
    h.update(&[1]);
    h.update(&seq.to_be_bytes());
    for i in 0..COLUMNS {
        hash_value(&mut h, row, i)?;
    }
    for i in COLUMNS..COLUMNS + LATER {
        if !row.try_get_raw(i)?.is_null() {
            h.update(&[5, i as u8]);
            hash_value(&mut h, row, i)?;
        }
    }
    let mut out = [0; 32];
    out.copy_from_slice(h.finish().as_ref());
    Ok(out)
}

/// Column `i` of `row` into the hash: tagged by the type SQLite stored it as, length-prefixed.
fn hash_value(h: &mut ring::digest::Context, row: &SqliteRow, i: usize) -> Result<(), sqlx::Error> {
    let raw = row.try_get_raw(i)?;
    if raw.is_null() {
        h.update(&[0]);
        return Ok(());
    }
    let kind = raw.type_info().name().to_owned();
    match kind.as_str() {
        "INTEGER" => {
            h.update(&[1]);
            h.update(&row.try_get_unchecked::<i64, _>(i)?.to_be_bytes());
        }
        "REAL" => {
            h.update(&[2]);
            h.update(&row.try_get_unchecked::<f64, _>(i)?.to_bits().to_be_bytes());
        }
        // Text as its bytes, so text that is not UTF-8 hashes too; a blob is tagged apart.
        other => {
            let bytes = row.try_get_unchecked::<Vec<u8>, _>(i)?;
            h.update(&[if other == "BLOB" { 4 } else { 3 }]);
            h.update(&(bytes.len() as u64).to_be_bytes());
            h.update(&bytes);
        }
    }
    Ok(())
}

/// Chain every audit row not chained yet, oldest first, after the chain's head. Runs inside the
/// writer's transaction; returns how many rows it chained.
pub(crate) async fn chain_new_rows(c: &mut SqliteConnection) -> Result<u64, sqlx::Error> {
    let head: Option<(i64, Vec<u8>)> = sqlx::query_as(
        "SELECT chain_seq, row_hash FROM audit_log WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1",
    )
    .fetch_optional(&mut *c)
    .await?;
    let (mut seq, mut prev) = head.unwrap_or((0, GENESIS.to_vec()));
    let mut chained = 0;
    loop {
        let rows = sqlx::query(concat!(
            "SELECT ",
            columns!(),
            " FROM audit_log WHERE chain_seq IS NULL ORDER BY id LIMIT 500"
        ))
        .fetch_all(&mut *c)
        .await?;
        if rows.is_empty() {
            return Ok(chained);
        }
        let mut values = Vec::with_capacity(rows.len());
        for row in &rows {
            seq += 1;
            let hash = digest(&prev, seq, row)?;
            values.push((row.try_get::<i64, _>(0)?, seq, hash));
            prev = hash.to_vec();
        }
        let mut sql =
            String::from("UPDATE audit_log SET chain_seq = v.column2, row_hash = v.column3 FROM (VALUES ");
        sql.push_str(&vec!["(?, ?, ?)"; values.len()].join(", "));
        sql.push_str(") AS v WHERE audit_log.id = v.column1");
        // Only placeholders are added to the text; the values are bound.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, seq, hash) in &values {
            q = q.bind(id).bind(seq).bind(hash.to_vec());
        }
        q.execute(&mut *c).await?;
        chained += values.len() as u64;
        if rows.len() < CHUNK {
            return Ok(chained);
        }
    }
}

/// At the first start after the upgrade that added the chain: chain the rows written before it.
/// Later, a row without a hash is one Omega did not write, for `verify` to report.
pub(crate) async fn chain_upgraded(c: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    let chained: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM audit_log WHERE chain_seq IS NOT NULL)")
            .fetch_one(&mut *c)
            .await?;
    if !chained {
        chain_new_rows(c).await?;
    }
    Ok(())
}

/// What `omega audit verify` found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AuditVerdict {
    /// Rows read.
    pub rows: u64,
    /// The last row's place in the chain and its hash, hex.
    pub head: Option<(i64, String)>,
    /// What is wrong, oldest first: a row altered, rows deleted, a row moved or not chained.
    pub problems: Vec<String>,
}

impl AuditVerdict {
    pub fn intact(&self) -> bool {
        self.problems.is_empty()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Store {
    /// Walk the audit log's hash chain from its first row and report every row that does not
    /// follow from the one before it. Reads only; safe while Omega runs.
    pub async fn verify_audit(&self) -> Result<AuditVerdict, MemoryError> {
        let mut verdict = AuditVerdict::default();
        let (mut seq, mut prev) = (0i64, GENESIS.to_vec());
        let mut last_id = i64::MIN;
        loop {
            let rows = sqlx::query(concat!(
                "SELECT ",
                columns!(),
                ", chain_seq, row_hash FROM audit_log WHERE id > ? ORDER BY id LIMIT 1000"
            ))
            .bind(last_id)
            .fetch_all(&self.read)
            .await?;
            let Some(last) = rows.last() else { break };
            last_id = last.try_get(0)?;
            for row in &rows {
                verdict.rows += 1;
                let id: i64 = row.try_get(0)?;
                let stored_seq: Option<i64> = row.try_get(COLUMNS + LATER)?;
                let stored: Option<Vec<u8>> = row.try_get(COLUMNS + LATER + 1)?;
                let (Some(s), Some(hash)) = (stored_seq, stored.filter(|h| h.len() == 32)) else {
                    verdict
                        .problems
                        .push(format!("audit row {id} is not chained: it was added outside Omega"));
                    continue;
                };
                if s == seq + 1 {
                    // A row whose columns cannot be read as Omega wrote them was altered too.
                    let expected = digest(&prev, s, row).ok();
                    if expected.as_ref().map(|e| e.as_slice()) != Some(hash.as_slice()) {
                        verdict.problems.push(format!(
                            "audit row {id} (number {s} of the chain) was altered after it was written"
                        ));
                    }
                } else if s > seq + 1 {
                    let gone = if s == seq + 2 {
                        format!("{}", seq + 1)
                    } else {
                        format!("{} to {}", seq + 1, s - 1)
                    };
                    verdict
                        .problems
                        .push(format!("audit rows {gone} of the chain were deleted (before row {id})"));
                } else {
                    verdict.problems.push(format!(
                        "audit row {id} is out of order: it is number {s} of the chain, after number {seq}"
                    ));
                }
                // On from what is stored: one change is reported once.
                seq = s;
                prev = hash.clone();
                verdict.head = Some((s, hex(&hash)));
            }
        }
        Ok(verdict)
    }
}
