//! The linked device's keys, kept by Omega's own store (`device_keys` in `memory.db`, through the
//! one writer) rather than the library's diesel-backed file: one SQL layer, no second SQLite
//! binding, and the keys sit in the protected data dir with everything else.
//!
//! Each of the library's tables is a `space`; composite keys join their parts with `\u{1f}`.
//! Structured records are JSON. Nothing here interprets the cryptography: it stores what the
//! library hands over and gives it back.

use std::collections::HashMap;
use std::sync::Arc;

use omega_memory::Store;
use omega_memory::keys::{KeyRow, KeySelect};
use whatsapp_rust::async_trait;
use whatsapp_rust::bytes::Bytes;
use whatsapp_rust::wacore::appstate::hash::HashState;
use whatsapp_rust::wacore::appstate::processor::AppStateMutationMAC;
use whatsapp_rust::wacore::store::Device;
use whatsapp_rust::wacore::store::error::{Result, StoreError};
use whatsapp_rust::wacore::store::traits::*;

const IDENTITY: &str = "wa.identity";
const SESSION: &str = "wa.session";
const PREKEY: &str = "wa.prekey";
const SIGNED_PREKEY: &str = "wa.signed_prekey";
const SENDER_KEY: &str = "wa.sender_key";
const SYNC_KEY: &str = "wa.sync_key";
const SYNC_VERSION: &str = "wa.sync_version";
const MUTATION_MAC: &str = "wa.mutation_mac";
const SENDER_KEY_DEVICE: &str = "wa.sender_key_device";
const LID: &str = "wa.lid";
const PN: &str = "wa.pn";
const BASE_KEY: &str = "wa.base_key";
const DEVICES: &str = "wa.devices";
const GROUP_META: &str = "wa.group_meta";
const TC_TOKEN: &str = "wa.tc_token";
const SENT: &str = "wa.sent";
const PENDING_IN: &str = "wa.pending_in";
const MSG_SECRET: &str = "wa.msg_secret";
const DEVICE: &str = "wa.device";

/// Every space, for [`KeyStore::forget`].
const SPACES: &[&str] = &[
    IDENTITY,
    SESSION,
    PREKEY,
    SIGNED_PREKEY,
    SENDER_KEY,
    SYNC_KEY,
    SYNC_VERSION,
    MUTATION_MAC,
    SENDER_KEY_DEVICE,
    LID,
    PN,
    BASE_KEY,
    DEVICES,
    GROUP_META,
    TC_TOKEN,
    SENT,
    PENDING_IN,
    MSG_SECRET,
    DEVICE,
];

/// The one device this Omega is (the library allows several per store; Omega links one).
const DEVICE_KEY: &str = "0";

/// The library's storage, over Omega's store.
#[derive(Clone)]
pub struct KeyStore {
    store: Store,
    /// Read-modify-writes of trusted-contact tokens are atomic with their plain writes.
    tc_lock: Arc<tokio::sync::Mutex<()>>,
}

fn db(e: omega_memory::MemoryError) -> StoreError {
    StoreError::Database(Box::new(e))
}

fn ser<T: serde::Serialize>(v: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(|e| StoreError::Serialization(Box::new(e)))
}

fn de<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Serialization(Box::new(e)))
}

fn join(parts: &[&str]) -> String {
    parts.join("\u{1f}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

/// Pre-key ids as fixed-width keys, so key order is id order.
fn id_key(id: u32) -> String {
    format!("{id:010}")
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SecretRow {
    secret: Vec<u8>,
    message_ts: i64,
    expires_at: i64,
}

impl KeyStore {
    pub fn new(store: Store) -> Self {
        Self { store, tc_lock: Arc::default() }
    }

    async fn get(&self, space: &str, key: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.store.device_key(space, key).await.map_err(db)?.map(|(v, _)| v))
    }

    async fn put(&self, space: &str, key: String, value: impl Into<Vec<u8>>, num: i64) -> Result<()> {
        self.store.put_device_keys(vec![KeyRow::new(space, key, value, num)]).await.map_err(db)
    }

    async fn put_all(&self, rows: Vec<KeyRow>) -> Result<()> {
        self.store.put_device_keys(rows).await.map_err(db)
    }

    async fn delete(&self, space: &str, select: KeySelect) -> Result<u32> {
        Ok(self.store.delete_device_keys(space, select).await.map_err(db)? as u32)
    }

    async fn delete_one(&self, space: &str, key: String) -> Result<()> {
        self.delete(space, KeySelect::Keys(vec![key])).await.map(|_| ())
    }

    /// Whether a linked account is stored (a device that finished pairing).
    pub async fn paired(&self) -> Result<bool> {
        Ok(self.load().await?.is_some_and(|d| d.pn.is_some()))
    }

    /// Forget the linked device entirely (after WhatsApp logged it out).
    pub async fn forget(&self) -> Result<()> {
        for space in SPACES {
            self.store.clear_device_keys(space).await.map_err(db)?;
        }
        Ok(())
    }
}

#[async_trait]
impl SignalStore for KeyStore {
    async fn put_identity(&self, address: &str, key: [u8; 32]) -> Result<()> {
        self.put(IDENTITY, address.to_owned(), key.to_vec(), 0).await
    }

    async fn put_identities_batch(&self, identities: &[(Arc<str>, [u8; 32])]) -> Result<()> {
        self.put_all(
            identities.iter().map(|(a, k)| KeyRow::new(IDENTITY, a.to_string(), k.to_vec(), 0)).collect(),
        )
        .await
    }

    async fn load_identity(&self, address: &str) -> Result<Option<[u8; 32]>> {
        match self.get(IDENTITY, address).await? {
            None => Ok(None),
            Some(v) => v.try_into().map(Some).map_err(|_| {
                StoreError::Validation(format!("the identity key of {address} is not 32 bytes"))
            }),
        }
    }

    async fn delete_identity(&self, address: &str) -> Result<()> {
        self.delete_one(IDENTITY, address.to_owned()).await
    }

    async fn get_session(&self, address: &str) -> Result<Option<Bytes>> {
        Ok(self.get(SESSION, address).await?.map(Bytes::from))
    }

    async fn put_session(&self, address: &str, session: &[u8]) -> Result<()> {
        self.put(SESSION, address.to_owned(), session, 0).await
    }

    async fn put_sessions_batch(&self, sessions: &[(Arc<str>, Bytes)]) -> Result<()> {
        self.put_all(
            sessions.iter().map(|(a, s)| KeyRow::new(SESSION, a.to_string(), s.to_vec(), 0)).collect(),
        )
        .await
    }

    async fn delete_session(&self, address: &str) -> Result<()> {
        self.delete_one(SESSION, address.to_owned()).await
    }

    async fn store_prekey(&self, id: u32, record: &[u8], uploaded: bool) -> Result<()> {
        self.put(PREKEY, id_key(id), record, i64::from(uploaded)).await
    }

    async fn store_prekeys_batch(&self, keys: &[(u32, Bytes)], uploaded: bool) -> Result<()> {
        self.put_all(
            keys.iter()
                .map(|(id, r)| KeyRow::new(PREKEY, id_key(*id), r.to_vec(), i64::from(uploaded)))
                .collect(),
        )
        .await
    }

    async fn load_prekey(&self, id: u32) -> Result<Option<Bytes>> {
        Ok(self.get(PREKEY, &id_key(id)).await?.map(Bytes::from))
    }

    async fn mark_prekeys_uploaded(&self, ids: &[u32]) -> Result<()> {
        self.store.set_device_key_num(PREKEY, ids.iter().map(|id| id_key(*id)).collect(), 1).await.map_err(db)
    }

    async fn remove_prekey(&self, id: u32) -> Result<()> {
        self.delete_one(PREKEY, id_key(id)).await
    }

    async fn get_max_prekey_id(&self) -> Result<u32> {
        Ok(self
            .store
            .last_device_key(PREKEY)
            .await
            .map_err(db)?
            .and_then(|(k, _)| k.parse().ok())
            .unwrap_or(0))
    }

    async fn store_signed_prekey(&self, id: u32, record: &[u8]) -> Result<()> {
        self.put(SIGNED_PREKEY, id_key(id), record, 0).await
    }

    async fn load_signed_prekey(&self, id: u32) -> Result<Option<Vec<u8>>> {
        self.get(SIGNED_PREKEY, &id_key(id)).await
    }

    async fn load_all_signed_prekeys(&self) -> Result<Vec<(u32, Vec<u8>)>> {
        let rows = self.store.device_keys_with_prefix(SIGNED_PREKEY, "").await.map_err(db)?;
        Ok(rows.into_iter().filter_map(|(k, v, _)| Some((k.parse().ok()?, v))).collect())
    }

    async fn remove_signed_prekey(&self, id: u32) -> Result<()> {
        self.delete_one(SIGNED_PREKEY, id_key(id)).await
    }

    async fn put_sender_key(&self, address: &str, record: &[u8]) -> Result<()> {
        self.put(SENDER_KEY, address.to_owned(), record, 0).await
    }

    async fn put_sender_keys_batch(&self, sender_keys: &[(Arc<str>, Bytes)]) -> Result<()> {
        self.put_all(
            sender_keys.iter().map(|(a, r)| KeyRow::new(SENDER_KEY, a.to_string(), r.to_vec(), 0)).collect(),
        )
        .await
    }

    async fn get_sender_key(&self, address: &str) -> Result<Option<Vec<u8>>> {
        self.get(SENDER_KEY, address).await
    }

    async fn delete_sender_key(&self, address: &str) -> Result<()> {
        self.delete_one(SENDER_KEY, address.to_owned()).await
    }
}

#[async_trait]
impl AppSyncStore for KeyStore {
    async fn get_sync_key(&self, key_id: &[u8]) -> Result<Option<AppStateSyncKey>> {
        self.get(SYNC_KEY, &hex(key_id)).await?.map(|v| de(&v)).transpose()
    }

    async fn set_sync_key(&self, key_id: &[u8], key: AppStateSyncKey) -> Result<()> {
        let num = key.timestamp;
        self.put(SYNC_KEY, hex(key_id), ser(&key)?, num).await
    }

    async fn get_version(&self, name: &str) -> Result<HashState> {
        match self.get(SYNC_VERSION, name).await? {
            Some(v) => de(&v),
            None => Ok(HashState::default()),
        }
    }

    async fn set_version(&self, name: &str, state: HashState) -> Result<()> {
        self.put(SYNC_VERSION, name.to_owned(), ser(&state)?, 0).await
    }

    async fn put_mutation_macs(
        &self,
        name: &str,
        version: u64,
        mutations: &[AppStateMutationMAC],
    ) -> Result<()> {
        self.put_all(
            mutations
                .iter()
                .map(|m| {
                    KeyRow::new(
                        MUTATION_MAC,
                        join(&[name, &hex(&m.index_mac)]),
                        m.value_mac.clone(),
                        version as i64,
                    )
                })
                .collect(),
        )
        .await
    }

    async fn get_mutation_mac(&self, name: &str, index_mac: &[u8]) -> Result<Option<Vec<u8>>> {
        self.get(MUTATION_MAC, &join(&[name, &hex(index_mac)])).await
    }

    async fn delete_mutation_macs(&self, name: &str, index_macs: &[Vec<u8>]) -> Result<()> {
        let keys = index_macs.iter().map(|m| join(&[name, &hex(m)])).collect();
        self.delete(MUTATION_MAC, KeySelect::Keys(keys)).await.map(|_| ())
    }

    async fn clear_mutation_macs(&self, name: &str) -> Result<()> {
        self.delete(MUTATION_MAC, KeySelect::Prefix(join(&[name, ""]))).await.map(|_| ())
    }

    async fn get_latest_sync_key_id(&self) -> Result<Option<Vec<u8>>> {
        Ok(self.store.last_device_key(SYNC_KEY).await.map_err(db)?.and_then(|(k, _)| unhex(&k)))
    }
}

#[async_trait]
impl ProtocolStore for KeyStore {
    async fn get_sender_key_devices(&self, group_jid: &str) -> Result<Vec<(String, bool)>> {
        let prefix = join(&[group_jid, ""]);
        let rows = self.store.device_keys_with_prefix(SENDER_KEY_DEVICE, &prefix).await.map_err(db)?;
        Ok(rows.into_iter().map(|(k, _, has)| (k[prefix.len()..].to_owned(), has != 0)).collect())
    }

    async fn set_sender_key_status(&self, group_jid: &str, entries: &[(&str, bool)]) -> Result<()> {
        self.put_all(
            entries
                .iter()
                .map(|(device, has)| {
                    KeyRow::new(SENDER_KEY_DEVICE, join(&[group_jid, device]), Vec::new(), i64::from(*has))
                })
                .collect(),
        )
        .await
    }

    async fn clear_sender_key_devices(&self, group_jid: &str) -> Result<()> {
        self.delete(SENDER_KEY_DEVICE, KeySelect::Prefix(join(&[group_jid, ""]))).await.map(|_| ())
    }

    async fn delete_sender_key_device_rows(&self, device_jids: &[&str]) -> Result<()> {
        if device_jids.is_empty() {
            return Ok(());
        }
        let rows = self.store.device_keys_with_prefix(SENDER_KEY_DEVICE, "").await.map_err(db)?;
        let doomed = rows
            .into_iter()
            .filter(|(k, _, _)| k.split_once('\u{1f}').is_some_and(|(_, d)| device_jids.contains(&d)))
            .map(|(k, _, _)| k)
            .collect();
        self.delete(SENDER_KEY_DEVICE, KeySelect::Keys(doomed)).await.map(|_| ())
    }

    async fn clear_all_sender_key_devices(&self) -> Result<()> {
        self.store.clear_device_keys(SENDER_KEY_DEVICE).await.map(|_| ()).map_err(db)
    }

    async fn get_lid_mapping(&self, lid: &str) -> Result<Option<LidPnMappingEntry>> {
        self.get(LID, lid).await?.map(|v| de(&v)).transpose()
    }

    async fn get_pn_mapping(&self, phone: &str) -> Result<Option<LidPnMappingEntry>> {
        let Some(lid) = self.get(PN, phone).await? else { return Ok(None) };
        // The LID's number may have changed since: only a mapping that still says `phone`.
        let entry = self.get_lid_mapping(&String::from_utf8_lossy(&lid)).await?;
        Ok(entry.filter(|e| e.phone_number == phone))
    }

    async fn put_lid_mapping(&self, entry: &LidPnMappingEntry) -> Result<()> {
        self.put_lid_mappings(std::slice::from_ref(entry)).await
    }

    async fn put_lid_mappings(&self, entries: &[LidPnMappingEntry]) -> Result<()> {
        let mut rows = Vec::with_capacity(entries.len() * 2);
        for e in entries {
            let mut e = e.clone();
            // The first time it was learned stays; an older report never wins over a newer one.
            if let Some(old) = self.get_lid_mapping(&e.lid).await? {
                if old.updated_at > e.updated_at {
                    continue;
                }
                e.created_at = old.created_at.min(e.created_at);
            }
            let newer_for_number = match self.get(PN, &e.phone_number).await? {
                Some(lid) if lid != e.lid.as_bytes() => match self
                    .get_lid_mapping(&String::from_utf8_lossy(&lid))
                    .await?
                {
                    Some(other) => other.phone_number != e.phone_number || other.updated_at <= e.updated_at,
                    None => true,
                },
                _ => true,
            };
            rows.push(KeyRow::new(LID, e.lid.clone(), ser(&e)?, e.updated_at));
            if newer_for_number {
                rows.push(KeyRow::new(PN, e.phone_number.clone(), e.lid.as_bytes(), e.updated_at));
            }
        }
        self.put_all(rows).await
    }

    async fn get_all_lid_mappings(&self) -> Result<Vec<LidPnMappingEntry>> {
        let rows = self.store.device_keys_with_prefix(LID, "").await.map_err(db)?;
        rows.into_iter().map(|(_, v, _)| de(&v)).collect()
    }

    async fn save_base_key(&self, address: &str, message_id: &str, base_key: &[u8]) -> Result<()> {
        self.put(BASE_KEY, join(&[address, message_id]), base_key, 0).await
    }

    async fn has_same_base_key(
        &self,
        address: &str,
        message_id: &str,
        current_base_key: &[u8],
    ) -> Result<bool> {
        Ok(self.get(BASE_KEY, &join(&[address, message_id])).await?.as_deref() == Some(current_base_key))
    }

    async fn delete_base_key(&self, address: &str, message_id: &str) -> Result<()> {
        self.delete_one(BASE_KEY, join(&[address, message_id])).await
    }

    async fn update_device_list(&self, record: DeviceListRecord) -> Result<()> {
        self.put(DEVICES, record.user.clone(), ser(&record)?, record.timestamp).await
    }

    async fn update_device_lists(&self, records: Vec<DeviceListRecord>) -> Result<()> {
        let rows = records
            .iter()
            .map(|r| Ok(KeyRow::new(DEVICES, r.user.clone(), ser(r)?, r.timestamp)))
            .collect::<Result<Vec<_>>>()?;
        self.put_all(rows).await
    }

    async fn get_devices(&self, user: &str) -> Result<Option<DeviceListRecord>> {
        self.get(DEVICES, user).await?.map(|v| de(&v)).transpose()
    }

    async fn delete_devices(&self, user: &str) -> Result<()> {
        self.delete_one(DEVICES, user.to_owned()).await
    }

    async fn get_group_metadata(&self, group_jid: &str) -> Result<Option<Vec<u8>>> {
        self.get(GROUP_META, group_jid).await
    }

    async fn put_group_metadata(&self, group_jid: &str, blob: &[u8]) -> Result<()> {
        self.put(GROUP_META, group_jid.to_owned(), blob, 0).await
    }

    async fn delete_group_metadata(&self, group_jid: &str) -> Result<()> {
        self.delete_one(GROUP_META, group_jid.to_owned()).await
    }

    async fn get_tc_token(&self, jid: &str) -> Result<Option<TcTokenEntry>> {
        self.get(TC_TOKEN, jid).await?.map(|v| de(&v)).transpose()
    }

    async fn put_tc_token(&self, jid: &str, entry: &TcTokenEntry) -> Result<()> {
        let _held = self.tc_lock.lock().await;
        self.put(TC_TOKEN, jid.to_owned(), ser(entry)?, entry.token_timestamp).await
    }

    async fn touch_tc_token_sender_timestamp(&self, jid: &str, sender_timestamp: i64) -> Result<()> {
        let _held = self.tc_lock.lock().await;
        let entry = match self.get_tc_token(jid).await? {
            Some(existing) => TcTokenEntry {
                sender_timestamp: Some(
                    existing.sender_timestamp.map_or(sender_timestamp, |e| e.max(sender_timestamp)),
                ),
                ..existing
            },
            None => TcTokenEntry {
                token: Vec::new(),
                token_timestamp: sender_timestamp,
                sender_timestamp: Some(sender_timestamp),
            },
        };
        self.put(TC_TOKEN, jid.to_owned(), ser(&entry)?, entry.token_timestamp).await
    }

    async fn store_received_tc_token(&self, jid: &str, token: &[u8], token_timestamp: i64) -> Result<()> {
        let _held = self.tc_lock.lock().await;
        let existing = self.get_tc_token(jid).await?;
        // A fresher real token stays; a placeholder never blocks the first real one.
        if let Some(e) = &existing
            && !e.token.is_empty()
            && token_timestamp < e.token_timestamp
        {
            return Ok(());
        }
        let entry = TcTokenEntry {
            token: token.to_vec(),
            token_timestamp,
            sender_timestamp: existing.and_then(|e| e.sender_timestamp),
        };
        self.put(TC_TOKEN, jid.to_owned(), ser(&entry)?, entry.token_timestamp).await
    }

    async fn delete_tc_token(&self, jid: &str) -> Result<()> {
        self.delete_one(TC_TOKEN, jid.to_owned()).await
    }

    async fn get_all_tc_token_jids(&self) -> Result<Vec<String>> {
        let rows = self.store.device_keys_with_prefix(TC_TOKEN, "").await.map_err(db)?;
        Ok(rows.into_iter().map(|(k, _, _)| k).collect())
    }

    async fn delete_expired_tc_tokens(&self, token_cutoff: i64, sender_cutoff: i64) -> Result<u32> {
        // Gone only when both the received token and the sender's bucket are stale (an empty
        // token or no sender time counts as stale), as the library's own store does.
        let rows = self.store.device_keys_with_prefix(TC_TOKEN, "").await.map_err(db)?;
        let mut doomed = Vec::new();
        for (k, v, _) in rows {
            let e: TcTokenEntry = de(&v)?;
            let token_stale = e.token.is_empty() || e.token_timestamp < token_cutoff;
            let sender_stale = e.sender_timestamp.is_none_or(|t| t < sender_cutoff);
            if token_stale && sender_stale {
                doomed.push(k);
            }
        }
        self.delete(TC_TOKEN, KeySelect::Keys(doomed)).await
    }

    async fn store_sent_message(&self, chat_jid: &str, message_id: &str, payload: &[u8]) -> Result<()> {
        self.put(SENT, join(&[chat_jid, message_id]), payload, whatsapp_rust::wacore::time::now_secs()).await
    }

    async fn take_sent_message(&self, chat_jid: &str, message_id: &str) -> Result<Option<Vec<u8>>> {
        self.store.take_device_key(SENT, &join(&[chat_jid, message_id])).await.map_err(db)
    }

    async fn delete_expired_sent_messages(&self, cutoff_timestamp: i64) -> Result<u32> {
        self.delete(SENT, KeySelect::NumBelow { cutoff: cutoff_timestamp, keep_zero: false }).await
    }

    async fn store_pending_inbound(&self, chat: &str, sender: &str, id: &str, message: &[u8]) -> Result<()> {
        self.put(PENDING_IN, join(&[chat, sender, id]), message, whatsapp_rust::wacore::time::now_secs())
            .await
    }

    async fn get_pending_inbound(&self, chat: &str, sender: &str, id: &str) -> Result<Option<Vec<u8>>> {
        self.get(PENDING_IN, &join(&[chat, sender, id])).await
    }

    async fn delete_pending_inbound(&self, chat: &str, sender: &str, id: &str) -> Result<()> {
        self.delete_one(PENDING_IN, join(&[chat, sender, id])).await
    }

    async fn delete_expired_pending_inbound(&self, cutoff_timestamp: i64) -> Result<u32> {
        self.delete(PENDING_IN, KeySelect::NumBelow { cutoff: cutoff_timestamp, keep_zero: false }).await
    }

    async fn store_pending_inbound_batch(&self, rows: &[PendingInboundRow<'_>]) -> Result<()> {
        let now = whatsapp_rust::wacore::time::now_secs();
        self.put_all(
            rows.iter()
                .map(|r| KeyRow::new(PENDING_IN, join(&[r.chat, r.sender, r.id]), r.message, now))
                .collect(),
        )
        .await
    }

    async fn delete_pending_inbound_batch(&self, keys: &[PendingInboundKey<'_>]) -> Result<()> {
        let keys = keys.iter().map(|k| join(&[k.chat, k.sender, k.id])).collect();
        self.delete(PENDING_IN, KeySelect::Keys(keys)).await.map(|_| ())
    }
}

#[async_trait]
impl MsgSecretStore for KeyStore {
    async fn put_msg_secrets(&self, entries: Vec<MsgSecretEntry>) -> Result<usize> {
        let stored = entries.len();
        let mut merged: HashMap<String, SecretRow> = HashMap::new();
        for e in entries {
            let key = join(&[&e.chat, &e.sender, &e.msg_id]);
            let existing = match merged.remove(&key) {
                Some(row) => Some(row),
                None => self.get(MSG_SECRET, &key).await?.map(|v| de::<SecretRow>(&v)).transpose()?,
            };
            let row = match existing {
                // A redelivery never shortens the window, and the event's time is kept.
                Some(old) => SecretRow {
                    secret: e.secret.to_vec(),
                    message_ts: merge_msg_secret_message_ts(old.message_ts, e.message_ts),
                    expires_at: merge_msg_secret_expiry(old.expires_at, e.expires_at),
                },
                None => SecretRow {
                    secret: e.secret.to_vec(),
                    message_ts: e.message_ts,
                    expires_at: e.expires_at,
                },
            };
            merged.insert(key, row);
        }
        let rows = merged
            .into_iter()
            .map(|(k, r)| Ok(KeyRow::new(MSG_SECRET, k, ser(&r)?, r.expires_at)))
            .collect::<Result<Vec<_>>>()?;
        self.put_all(rows).await?;
        Ok(stored)
    }

    async fn get_msg_secret(&self, chat: &str, sender: &str, msg_id: &str) -> Result<Option<Vec<u8>>> {
        Ok(self.get_msg_secret_with_ts(chat, sender, msg_id).await?.map(|(s, _)| s))
    }

    async fn get_msg_secret_with_ts(
        &self,
        chat: &str,
        sender: &str,
        msg_id: &str,
    ) -> Result<Option<(Vec<u8>, i64)>> {
        let row = self.get(MSG_SECRET, &join(&[chat, sender, msg_id])).await?;
        Ok(row.map(|v| de::<SecretRow>(&v)).transpose()?.map(|r| (r.secret, r.message_ts)))
    }

    async fn delete_expired_msg_secrets(&self, cutoff_timestamp: i64) -> Result<u32> {
        // `expires_at = 0` never expires; a deadline equal to the cutoff has passed.
        self.delete(
            MSG_SECRET,
            KeySelect::NumBelow { cutoff: cutoff_timestamp.saturating_add(1), keep_zero: true },
        )
        .await
    }
}

#[async_trait]
impl DeviceStore for KeyStore {
    async fn save(&self, device: &Device) -> Result<()> {
        self.put(DEVICE, DEVICE_KEY.to_owned(), ser(device)?, 0).await
    }

    async fn load(&self) -> Result<Option<Device>> {
        let Some(bytes) = self.get(DEVICE, DEVICE_KEY).await? else { return Ok(None) };
        let mut device: Device = de(&bytes)?;
        // Not stored: set on every start, as the library's own stores do.
        device.device_props = Arc::new(whatsapp_rust::wacore::store::device::DEVICE_PROPS.clone());
        device.client_profile = whatsapp_rust::ClientProfile::web();
        Ok(Some(device))
    }

    async fn exists(&self) -> Result<bool> {
        Ok(self.get(DEVICE, DEVICE_KEY).await?.is_some())
    }

    async fn create(&self) -> Result<i32> {
        if !self.exists().await? {
            self.save(&Device::new()).await?;
        }
        Ok(0)
    }
}
