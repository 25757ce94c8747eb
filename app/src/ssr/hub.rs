//! The hub: who has a websocket open on this instance, and what to push to them.
//!
//! The alert table is the source of truth. The dispatcher reads alerts newer than the last
//! one it pushed (woken by a local commit, by NOTIFY from another instance, or by a short
//! poll) and hands each to every open socket of its user.
use crate::model::Alert;
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{mpsc, Notify};

/// What a socket is told.
#[derive(Debug, Clone, PartialEq)]
pub enum Push {
    /// The alert and its `{"type":"alert",…}` message, serialised once for every socket.
    Alert(Arc<Alert>, Arc<str>),
    Read(Vec<i64>),
    ReadAll(i64),
    /// A session or token of the user ended (None: all of them); its sockets close.
    Ended(Option<Arc<str>>),
    /// A ticket came in: the queue open on this socket reads itself again.
    Queue,
    /// A write may have changed the KPIs: a socket watching the dashboard reads them again.
    Kpi,
}

type Subscribers = HashMap<i64, Vec<(u64, mpsc::UnboundedSender<Push>)>>;

#[derive(Default)]
pub struct Hub {
    subs: Mutex<Subscribers>,
    /// The sockets (user, socket) whose page shows the dashboard: only they are told when
    /// the KPIs may have changed.
    kpi_watchers: Mutex<HashSet<(i64, u64)>>,
    next: AtomicU64,
    /// Rung when this instance committed new alerts.
    pub wake: Notify,
    /// One engine tick at a time in this process.
    pub engine: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("sockets", &self.sockets())
            .finish()
    }
}

/// A socket's registration; dropping it unsubscribes.
pub struct Subscription {
    hub: Arc<Hub>,
    user_id: i64,
    id: u64,
    pub rx: mpsc::UnboundedReceiver<Push>,
}

impl Subscription {
    /// Marks this socket as showing the dashboard (or no longer).
    pub fn watch_kpis(&self, on: bool) {
        let mut w = self
            .hub
            .kpi_watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if on {
            w.insert((self.user_id, self.id));
        } else {
            w.remove(&(self.user_id, self.id));
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.watch_kpis(false);
        let mut subs = self.hub.subs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(list) = subs.get_mut(&self.user_id) {
            list.retain(|(id, _)| *id != self.id);
            if list.is_empty() {
                subs.remove(&self.user_id);
            }
        }
    }
}

impl Hub {
    pub fn new() -> Arc<Hub> {
        Arc::new(Hub::default())
    }

    pub fn subscribe(self: &Arc<Self>, user_id: i64) -> Subscription {
        let (tx, rx) = mpsc::unbounded_channel();
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.subs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(user_id)
            .or_default()
            .push((id, tx));
        Subscription {
            hub: self.clone(),
            user_id,
            id,
            rx,
        }
    }

    /// Open sockets on this instance.
    pub fn sockets(&self) -> usize {
        self.subs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .map(Vec::len)
            .sum()
    }

    /// Whether the user has a socket open on this instance.
    pub fn has(&self, user_id: i64) -> bool {
        self.subs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(&user_id)
    }

    /// Tells every socket showing the dashboard that the KPIs may have changed; returns
    /// how many were told (none costs nothing).
    pub fn kpis_changed(&self) -> usize {
        let watchers: Vec<(i64, u64)> = self
            .kpi_watchers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .copied()
            .collect();
        if watchers.is_empty() {
            return 0;
        }
        let subs = self.subs.lock().unwrap_or_else(|p| p.into_inner());
        let mut told = 0;
        for (user, socket) in watchers {
            if let Some((_, tx)) = subs
                .get(&user)
                .and_then(|list| list.iter().find(|(id, _)| *id == socket))
            {
                told += usize::from(tx.send(Push::Kpi).is_ok());
            }
        }
        told
    }

    /// Pushes to every socket of a user here; true if at least one was open.
    pub fn push(&self, user_id: i64, push: Push) -> bool {
        let subs = self.subs.lock().unwrap_or_else(|p| p.into_inner());
        match subs.get(&user_id) {
            Some(list) => {
                let mut any = false;
                for (_, tx) in list {
                    any |= tx.send(push.clone()).is_ok();
                }
                any
            }
            None => false,
        }
    }
}
