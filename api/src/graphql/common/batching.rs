//! When a request's DataLoaders fetch. A loader's batch can grow only while the request is
//! still resolving fields: once the request's future has nothing left to do but wait (it
//! returned `Pending` without waking itself), every key this round of resolution can
//! register is registered. [`Batching::drive`] wraps a request's execution and marks those
//! moments, and the loaders' fetches wait for the next one instead of sleeping a fixed delay,
//! so siblings still share one statement and a single object costs no waiting at all.
//! Without a driver (WebSocket operations) a fetch waits the configured delay instead.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use tokio::sync::watch;

/// The batching clock of one request (or of one WebSocket connection).
pub struct Batching {
    /// Counts the moments the driven request went idle.
    idle: watch::Sender<u64>,
    /// Whether a driver marks idle moments; otherwise fetches wait `delay`.
    driven: AtomicBool,
    delay: Duration,
}

impl Batching {
    /// A clock whose fetches wait `delay` until [`Batching::drive`] runs a request on it.
    pub fn new(delay: Duration) -> Arc<Self> {
        Arc::new(Batching {
            idle: watch::Sender::new(0),
            driven: AtomicBool::new(false),
            delay,
        })
    }

    /// The DataLoader spawner: starts `fetch` (which takes the batch's keys when first
    /// polled) once the request has gone idle.
    pub fn spawn(&self, fetch: Pin<Box<dyn Future<Output = ()> + Send + 'static>>) {
        if self.driven.load(Ordering::Acquire) {
            // Subscribing now marks the current count as seen, so `changed` waits for the
            // next idle moment after this key was registered.
            let mut idle = self.idle.subscribe();
            tokio::spawn(async move {
                // An error means the driver is gone: nothing can register keys any more.
                let _ = idle.changed().await;
                fetch.await;
            });
        } else {
            let delay = self.delay;
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                fetch.await;
            });
        }
    }

    /// Runs `future` (a request's execution), marking each moment it goes idle.
    pub fn drive<F: Future>(self: Arc<Self>, future: F) -> Driven<F> {
        self.driven.store(true, Ordering::Release);
        Driven {
            future: Box::pin(future),
            batching: self,
            waker: None,
        }
    }

    fn mark_idle(&self) {
        self.idle
            .send_modify(|count| *count = count.wrapping_add(1));
    }
}

/// A request's execution under [`Batching::drive`].
pub struct Driven<F> {
    future: Pin<Box<F>>,
    batching: Arc<Batching>,
    waker: Option<Arc<FlagWaker>>,
}

/// Forwards wake-ups to the task's waker and notes that one happened.
struct FlagWaker {
    woken: AtomicBool,
    task: Waker,
}

impl Wake for FlagWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        self.task.wake_by_ref();
    }
}

impl<F: Future> Future for Driven<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let flag = match &this.waker {
            Some(flag) if flag.task.will_wake(cx.waker()) => flag.clone(),
            _ => {
                let flag = Arc::new(FlagWaker {
                    woken: AtomicBool::new(false),
                    task: cx.waker().clone(),
                });
                this.waker = Some(flag.clone());
                flag
            }
        };
        flag.woken.store(false, Ordering::Release);
        let waker = Waker::from(flag.clone());
        let result = this.future.as_mut().poll(&mut Context::from_waker(&waker));
        // A future that woke itself (a long list yielding part-way, tokio's cooperative
        // budget) is about to be polled again and may register more keys: not idle yet.
        if result.is_ready() || !flag.woken.load(Ordering::Acquire) {
            this.batching.mark_idle();
        }
        result
    }
}

impl<F> Drop for Driven<F> {
    fn drop(&mut self) {
        // A cancelled request must not leave fetches waiting.
        self.batching.mark_idle();
    }
}
