//! The event bus behind subscriptions. A service publishes an event after its transaction
//! commits; every server process hears it and each subscription decides, with the caller's
//! scope in SQL, whether to deliver it.
//!
//! On PostgreSQL events travel through `NOTIFY` on one channel per database schema, and every
//! process hears them on its listening connection ([`Notifications`]), so several processes
//! behind a load balancer all deliver (no other infrastructure). On SQLite (one process) an in-process broadcast
//! carries them. Events are notices, not a log: one published while a listener is
//! reconnecting is missed, and a subscriber that falls far behind skips the oldest.

use std::sync::Arc;

use futures_util::{Stream, stream};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;
use uuid::Uuid;

use crate::notifications::{Notice, Notifications};

/// Events a subscriber may be able to see, carrying just enough to pre-filter by scope
/// before the subscription reads the object itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// A livestream was recorded for a star of `base_id`.
    LivestreamRecorded {
        livestream_id: Uuid,
        base_id: Uuid,
        region_code: String,
    },
    /// An inquiry was created or answered: its partner and the base of its product hear of it.
    InquiryUpdated {
        inquiry_id: Uuid,
        partner_id: Uuid,
        base_id: Uuid,
    },
}

/// How many events a slow subscriber may fall behind before it skips the oldest.
const BUFFER: usize = 1024;

/// Publishes and delivers events; cheap to clone.
#[derive(Clone)]
pub struct EventBus {
    inner: Arc<Inner>,
}

struct Inner {
    sender: broadcast::Sender<Event>,
    transport: Transport,
}

enum Transport {
    /// One process: publishing is broadcasting.
    Local,
    /// PostgreSQL: publish with `pg_notify`; the relay task broadcasts what arrives.
    Postgres {
        db: DatabaseConnection,
        channel: String,
        relay: JoinHandle<()>,
        /// Keeps the process's listening connection open while the bus lives.
        _notifications: Arc<Notifications>,
    },
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Transport::Postgres { relay, .. } = &self.transport {
            relay.abort();
        }
    }
}

/// The NOTIFY channel of a database schema: servers on other schemas of the same database
/// (other deployments, parallel tests) do not hear each other. A channel name has at most 63
/// bytes, so a schema is named by a hash.
pub fn channel_name(schema: Option<&str>) -> String {
    match schema {
        None => "qihang_events".to_owned(),
        Some(schema) => {
            let digest = Sha256::digest(schema.as_bytes());
            let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
            format!("qihang_events_{hex}")
        }
    }
}

impl EventBus {
    /// The bus for `db`: through PostgreSQL with the process's `notifications` (which must
    /// already listen on the schema's channel, [`channel_name`], so nothing published after
    /// start-up is missed), in process without them (SQLite).
    pub fn start(
        db: &DatabaseConnection,
        schema: Option<&str>,
        notifications: Option<Arc<Notifications>>,
    ) -> anyhow::Result<Self> {
        let (sender, _) = broadcast::channel(BUFFER);
        let transport = match notifications {
            Some(notifications) => {
                let channel = channel_name(schema);
                let notices = notifications
                    .subscribe(&channel)
                    .ok_or_else(|| anyhow::anyhow!("nobody listens on {channel}"))?;
                Transport::Postgres {
                    db: db.clone(),
                    channel,
                    relay: tokio::spawn(relay(notices, sender.clone())),
                    _notifications: notifications,
                }
            }
            None => Transport::Local,
        };
        Ok(EventBus {
            inner: Arc::new(Inner { sender, transport }),
        })
    }

    /// Tells every server process. Call it after the change is committed. A failure to
    /// notify is logged, never the mutation's failure: the change is saved either way.
    pub async fn publish(&self, event: Event) {
        match &self.inner.transport {
            Transport::Local => {
                // No receiver is not an error: nobody is subscribed.
                let _ = self.inner.sender.send(event);
            }
            Transport::Postgres { db, channel, .. } => {
                let payload = match serde_json::to_string(&event) {
                    Ok(payload) => payload,
                    Err(err) => {
                        tracing::error!(error = %err, "cannot encode an event");
                        return;
                    }
                };
                let notify = Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [channel.clone().into(), payload.into()],
                );
                if let Err(err) = db.execute_raw(notify).await {
                    tracing::warn!(error = %err, "cannot publish an event");
                }
            }
        }
    }

    /// Events from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.inner.sender.subscribe()
    }

    /// A subscription's items: every event from now on, turned into an item by `pick` (which
    /// reads the object with the subscriber's scope; None skips the event). Ends when the
    /// bus closes. A subscriber that falls behind skips the oldest events.
    pub fn stream<T, F, Fut>(&self, pick: F) -> impl Stream<Item = T> + use<T, F, Fut>
    where
        F: FnMut(Event) -> Fut,
        Fut: Future<Output = Option<T>>,
    {
        stream::unfold(
            (self.subscribe(), pick),
            |(mut events, mut pick)| async move {
                loop {
                    let event = match events.recv().await {
                        Ok(event) => event,
                        Err(RecvError::Lagged(skipped)) => {
                            tracing::warn!(skipped, "a subscriber fell behind and skipped events");
                            continue;
                        }
                        Err(RecvError::Closed) => return None,
                    };
                    if let Some(item) = pick(event).await {
                        return Some((item, (events, pick)));
                    }
                }
            },
        )
    }
}

/// Broadcasts the events that arrive on the channel. One missed while the connection was
/// lost stays missed: events are notices, not a log.
async fn relay(mut notices: broadcast::Receiver<Notice>, sender: broadcast::Sender<Event>) {
    loop {
        match notices.recv().await {
            Ok(Notice::Payload(payload)) => match serde_json::from_str::<Event>(&payload) {
                Ok(event) => {
                    let _ = sender.send(event);
                }
                Err(err) => tracing::warn!(error = %err, "ignoring a malformed event"),
            },
            Ok(Notice::Missed) => {
                tracing::warn!("events may have been missed while the database was away")
            }
            Err(RecvError::Lagged(skipped)) => {
                tracing::warn!(skipped, "the event relay fell behind and skipped events");
            }
            Err(RecvError::Closed) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_fit_postgres_and_differ_per_schema() {
        let a = channel_name(Some("t_0123456789abcdef0123456789abcdef"));
        let b = channel_name(Some("t_0123456789abcdef0123456789abcdee"));
        assert_ne!(a, b);
        assert!(a.len() <= 63);
        assert_eq!(channel_name(None), "qihang_events");
    }

    #[test]
    fn events_survive_the_wire() {
        let event = Event::LivestreamRecorded {
            livestream_id: Uuid::now_v7(),
            base_id: Uuid::now_v7(),
            region_code: "220302".to_owned(),
        };
        let wire = serde_json::to_string(&event).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&wire).unwrap(), event);
    }
}
