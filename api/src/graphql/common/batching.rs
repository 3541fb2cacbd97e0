//! When a request's DataLoaders fetch. A loader's batch can grow only while the request is
//! still resolving fields: once the request's future has nothing left to do but wait (it
//! returned `Pending` without waking itself), every key this round of resolution can
//! register is registered. [`Batching::drive`] wraps a request's execution, holds the
//! loaders' fetches until that moment and then runs them inside the request's own task, so
//! siblings still share one statement, a single object waits for no clock, and no fetch
//! costs a task of its own. Without a driver (WebSocket operations) a fetch is spawned after
//! the configured delay instead.

use std::future::Future;
use std::mem;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;

/// A loader's fetch: takes the batch's keys when first polled, answers its waiters when done.
type Fetch = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The batching clock of one request (or of one WebSocket connection).
pub struct Batching {
    /// Fetches registered since the driven request last went idle.
    queued: Mutex<Vec<Fetch>>,
    /// Whether a driver runs the fetches; otherwise they are spawned after `delay`.
    driven: AtomicBool,
    /// Whether the driver is polling the request right now (it then sees `queued` after).
    polling: AtomicBool,
    /// The driver's task, woken when a fetch arrives while it is not polling.
    task: Mutex<Option<Waker>>,
    delay: Duration,
}

impl Batching {
    /// A clock whose fetches wait `delay` until [`Batching::drive`] runs a request on it.
    pub fn new(delay: Duration) -> Arc<Self> {
        Arc::new(Batching {
            queued: Mutex::new(Vec::new()),
            driven: AtomicBool::new(false),
            polling: AtomicBool::new(false),
            task: Mutex::new(None),
            delay,
        })
    }

    /// The DataLoader spawner: hands `fetch` to the driver, or spawns it after the delay.
    pub fn spawn(&self, fetch: Fetch) {
        if !self.driven.load(Ordering::Acquire) {
            let delay = self.delay;
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                fetch.await;
            });
            return;
        }
        lock(&self.queued).push(fetch);
        // Loads happen while the driver polls the request; should one come from elsewhere,
        // the driver must still hear of it.
        if !self.polling.load(Ordering::Acquire)
            && let Some(task) = lock(&self.task).as_ref()
        {
            task.wake_by_ref();
        }
    }

    /// Runs `future` (a request's execution) and, whenever it goes idle, the fetches its
    /// loaders registered.
    pub fn drive<F: Future>(self: Arc<Self>, future: F) -> Driven<F> {
        self.driven.store(true, Ordering::Release);
        Driven {
            future: Box::pin(future),
            batching: self,
            waiting: Vec::new(),
            running: FuturesUnordered::new(),
            flag: None,
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // The guarded values stay consistent even if a holder panicked.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A request's execution under [`Batching::drive`].
pub struct Driven<F> {
    future: Pin<Box<F>>,
    batching: Arc<Batching>,
    /// Fetches registered while the request could still add keys to them.
    waiting: Vec<Fetch>,
    running: FuturesUnordered<Fetch>,
    flag: Option<Arc<FlagWaker>>,
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
        let flag = match &this.flag {
            Some(flag) if flag.task.will_wake(cx.waker()) => flag.clone(),
            _ => {
                let flag = Arc::new(FlagWaker {
                    woken: AtomicBool::new(false),
                    task: cx.waker().clone(),
                });
                *lock(&this.batching.task) = Some(cx.waker().clone());
                this.flag = Some(flag.clone());
                flag
            }
        };
        let waker = Waker::from(flag.clone());
        loop {
            flag.woken.store(false, Ordering::Release);
            this.batching.polling.store(true, Ordering::Release);
            let result = this.future.as_mut().poll(&mut Context::from_waker(&waker));
            this.batching.polling.store(false, Ordering::Release);
            if result.is_ready() {
                return result;
            }
            // A request that woke itself (a long list yielding part-way, tokio's cooperative
            // budget) is about to be polled again and may add keys: hold its fetches back.
            let busy = flag.woken.load(Ordering::Acquire);
            this.waiting.append(&mut lock(&this.batching.queued));
            if !busy {
                this.running.extend(mem::take(&mut this.waiting));
            }
            while let Poll::Ready(Some(())) = this.running.poll_next_unpin(cx) {}
            // Unless a fetch just finished and woke the request, there is nothing to do until
            // a wake-up; after a self-wake the task is already scheduled again.
            if busy || !flag.woken.load(Ordering::Acquire) {
                return Poll::Pending;
            }
        }
    }
}
