//! The one `LISTEN` connection a process keeps on PostgreSQL. Every `NOTIFY` channel the
//! server follows (events for subscriptions, account changes for the token check) is
//! listened to here and handed to that channel's subscribers, so a process holds one
//! connection for all of them rather than one each.
//!
//! Notifications sent while the connection is lost are gone; subscribers hear
//! [`Notice::Missed`] when it comes back, and decide what that means for them.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::sqlx::PgPool;
use sea_orm::sqlx::postgres::PgListener;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// How many notices a slow subscriber may fall behind before it skips the oldest.
const BUFFER: usize = 1024;

/// What a channel's subscriber hears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// A notification's payload.
    Payload(String),
    /// The connection was lost and is back: notifications may have been missed.
    Missed,
}

/// The process's listening connection and the subscribers of each of its channels.
pub struct Notifications {
    channels: Arc<HashMap<String, broadcast::Sender<Notice>>>,
    listener: JoinHandle<()>,
}

impl Notifications {
    /// Listens on `channels` of `pool`'s database. Returns once listening, so nothing
    /// notified after start-up is missed.
    pub async fn start(pool: &PgPool, channels: &[&str]) -> Result<Self, sea_orm::sqlx::Error> {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen_all(channels.iter().copied()).await?;
        let channels: Arc<HashMap<String, broadcast::Sender<Notice>>> = Arc::new(
            channels
                .iter()
                .map(|channel| ((*channel).to_owned(), broadcast::channel(BUFFER).0))
                .collect(),
        );
        let listener = tokio::spawn(relay(listener, pool.clone(), Arc::clone(&channels)));
        Ok(Notifications { channels, listener })
    }

    /// Notices of `channel` from now on; None for a channel not listened to.
    pub fn subscribe(&self, channel: &str) -> Option<broadcast::Receiver<Notice>> {
        self.channels.get(channel).map(broadcast::Sender::subscribe)
    }
}

impl Drop for Notifications {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

/// Hands every notification to its channel's subscribers. After a lost connection the
/// listener reconnects and listens again by itself; while the database is away it waits and
/// retries, and it stops when the pool is closed.
async fn relay(
    mut listener: PgListener,
    pool: PgPool,
    channels: Arc<HashMap<String, broadcast::Sender<Notice>>>,
) {
    let missed = || {
        for sender in channels.values() {
            let _ = sender.send(Notice::Missed);
        }
    };
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                if let Some(sender) = channels.get(notification.channel()) {
                    // No receiver is not an error: nobody follows the channel right now.
                    let _ = sender.send(Notice::Payload(notification.payload().to_owned()));
                }
            }
            Ok(None) => missed(),
            Err(err) => {
                if pool.is_closed() {
                    return;
                }
                tracing::warn!(error = %err, "the notification listener lost the database; retrying");
                missed();
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}
