//! Request slots (`--concurrency`): at most so many requests in flight,
//! and two queues for a free slot, the first served before the second.
//!
//! A scan ends when its slowest budget has carried its requests
//! ([`Limits::pacing_bound`](super::limits::Limits::pacing_bound)), and
//! that budget's requests form a chain: a listing, then the reads of what
//! it listed, paced at the budget's rate. A request of that chain that
//! waits for a slot behind the pages of other datasets (slow ones, when a
//! service answers a large page) delays the whole chain by as much, while
//! those pages have time to spare. So requests of the budgets marked
//! [`Budget::first`](super::limits::Budget::first), the listings that head
//! other chains ([`goes_first`](super::limits::goes_first)) and the
//! set-up calls that open an account, which everything of the account
//! waits for, take the next free slot before any other waiting request;
//! within each queue slots go in order of arrival. Neither queue can be starved for long:
//! the first queue only holds requests a budget lets through at its rate.

use std::collections::VecDeque;
use std::sync::Mutex;

use tokio::sync::oneshot;

/// Which queue a request waits in for a slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Queue {
    /// Served first.
    First,
    /// Served when no request waits in [`Queue::First`].
    Rest,
}

/// At most `capacity` slots taken at once.
#[derive(Debug)]
pub(crate) struct Slots {
    state: Mutex<State>,
}

#[derive(Debug)]
struct State {
    free: usize,
    first: VecDeque<oneshot::Sender<()>>,
    rest: VecDeque<oneshot::Sender<()>>,
}

/// A taken slot, given back when dropped.
#[derive(Debug)]
#[must_use = "a slot is given back when dropped"]
pub(crate) struct Slot<'a> {
    slots: &'a Slots,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        self.slots.give_back();
    }
}

/// A request waiting for a slot. If it is dropped (its task cancelled)
/// after a slot was handed to it but before it took it, the slot is
/// given back.
struct Waiting<'a> {
    slots: &'a Slots,
    handed: Option<oneshot::Receiver<()>>,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if let Some(mut handed) = self.handed.take() {
            handed.close();
            if handed.try_recv().is_ok() {
                self.slots.give_back();
            }
        }
    }
}

impl Slots {
    pub(crate) fn new(capacity: usize) -> Self {
        Slots {
            state: Mutex::new(State {
                free: capacity,
                first: VecDeque::new(),
                rest: VecDeque::new(),
            }),
        }
    }

    /// Waits for a slot in `queue`.
    pub(crate) async fn take(&self, queue: Queue) -> Slot<'_> {
        let handed = {
            let mut state = self.lock();
            if state.free > 0 {
                state.free -= 1;
                return Slot { slots: self };
            }
            let (tx, rx) = oneshot::channel();
            match queue {
                Queue::First => state.first.push_back(tx),
                Queue::Rest => state.rest.push_back(tx),
            }
            rx
        };
        let mut waiting = Waiting {
            slots: self,
            handed: Some(handed),
        };
        if let Some(handed) = waiting.handed.as_mut() {
            // A sender is only dropped unsent when `Slots` is, which
            // cannot happen while `self` is borrowed.
            let _ = handed.await;
        }
        // Taken: the slot now belongs to the `Slot`, not to `waiting`.
        waiting.handed = None;
        Slot { slots: self }
    }

    /// Hands a slot given back to the first waiting request, or frees it.
    fn give_back(&self) {
        let mut state = self.lock();
        loop {
            let next = match state.first.pop_front() {
                Some(tx) => Some(tx),
                None => state.rest.pop_front(),
            };
            match next {
                // A waiter that was dropped meanwhile refuses it: next.
                Some(tx) => {
                    if tx.send(()).is_ok() {
                        return;
                    }
                }
                None => {
                    state.free += 1;
                    return;
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    #[cfg(test)]
    fn free(&self) -> usize {
        self.lock().free
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Lets every spawned task run until it waits.
    async fn settle() {
        for _ in 0..20 {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn no_more_than_the_capacity_at_once() {
        let slots = Slots::new(2);
        let a = slots.take(Queue::Rest).await;
        let _b = slots.take(Queue::First).await;
        assert_eq!(slots.free(), 0);
        let third = slots.take(Queue::Rest);
        tokio::pin!(third);
        assert!(futures::poll!(third.as_mut()).is_pending());
        drop(a);
        let _c = third.await;
        assert_eq!(slots.free(), 0);
    }

    /// A slot given back goes to the first queue's oldest request, even
    /// when requests of the other queue waited longer; each queue is
    /// served in order of arrival.
    #[tokio::test(flavor = "current_thread")]
    async fn the_first_queue_is_served_first_each_in_arrival_order() {
        let slots = Arc::new(Slots::new(1));
        let held = slots.take(Queue::Rest).await;
        let order = Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        for (name, queue) in [
            ("rest-1", Queue::Rest),
            ("rest-2", Queue::Rest),
            ("first-1", Queue::First),
            ("rest-3", Queue::Rest),
            ("first-2", Queue::First),
        ] {
            let slots = slots.clone();
            let order = order.clone();
            tasks.push(tokio::spawn(async move {
                let _slot = slots.take(queue).await;
                order.lock().unwrap().push(name);
                settle().await;
            }));
            settle().await;
        }
        drop(held);
        for t in tasks {
            t.await.expect("task");
        }
        assert_eq!(
            *order.lock().unwrap(),
            ["first-1", "first-2", "rest-1", "rest-2", "rest-3"]
        );
        assert_eq!(slots.free(), 1);
    }

    /// A request cancelled while it waits takes no slot with it, whether
    /// it is dropped before or after a slot was handed to it.
    #[tokio::test(flavor = "current_thread")]
    async fn a_cancelled_request_gives_its_slot_back() {
        let slots = Slots::new(1);
        let held = slots.take(Queue::Rest).await;
        {
            let never = slots.take(Queue::First);
            tokio::pin!(never);
            assert!(futures::poll!(never.as_mut()).is_pending());
        }
        let mut handed = Box::pin(slots.take(Queue::First));
        assert!(futures::poll!(handed.as_mut()).is_pending());
        // The dropped waiter refuses the slot; the live one is handed it
        // but dropped before it takes it.
        drop(held);
        drop(handed);
        assert_eq!(slots.free(), 1);
        let _again = slots.take(Queue::Rest).await;
        assert_eq!(slots.free(), 0);
    }
}
