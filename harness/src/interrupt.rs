//! Clean-up that must also happen on Ctrl-C/SIGTERM: stopping a local cluster, removing a
//! container, dropping a scratch database, killing a migration tool's process group, stopping
//! a workload. Whatever makes such a resource holds an [`OnInterrupt`] guard while it lives:
//! the guard's action runs if the process is interrupted, and dropping the guard (the resource
//! was cleaned up the normal way) forgets it. The handler the binary installs runs every action
//! still armed, newest first, then exits 130.
//!
//! Crate-level because every stage makes such resources; it knows nothing of any of them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

type Action = Box<dyn FnOnce() + Send>;

static ACTIONS: Mutex<BTreeMap<u64, Action>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicU64 = AtomicU64::new(1);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// An action armed to run if the process is interrupted while the guard lives.
#[must_use = "the action is forgotten as soon as the guard is dropped"]
#[derive(Debug)]
pub struct OnInterrupt {
    key: u64,
}

impl OnInterrupt {
    /// Arms `action` until the returned guard is dropped.
    pub fn arm(action: impl FnOnce() + Send + 'static) -> OnInterrupt {
        let key = NEXT.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut actions) = ACTIONS.lock() {
            actions.insert(key, Box::new(action));
        }
        OnInterrupt { key }
    }
}

impl Drop for OnInterrupt {
    fn drop(&mut self) {
        if let Ok(mut actions) = ACTIONS.lock() {
            actions.remove(&self.key);
        }
    }
}

/// Whether Ctrl-C/SIGTERM arrived. The handler cleans up and exits on its own thread; the
/// main thread must then not finish first (with another exit code, or a half report).
pub fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Blocks forever when interrupted, leaving the exit to the handler; returns otherwise.
pub fn wait_if_interrupted() {
    while interrupted() {
        std::thread::park();
    }
}

/// Runs every armed action (newest first).
fn run_all() {
    let actions = match ACTIONS.lock() {
        Ok(mut actions) => std::mem::take(&mut *actions),
        Err(_) => return,
    };
    for (_, action) in actions.into_iter().rev() {
        action();
    }
}

/// Installs the Ctrl-C/SIGTERM handler of the command-line tool: clean up, then exit 130.
pub fn install_handler() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        eprintln!("planproof: interrupted, cleaning up");
        run_all();
        std::process::exit(130);
    });
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    #[test]
    fn a_dropped_guard_is_forgotten_an_armed_one_runs() {
        let ran = Arc::new(AtomicU64::new(0));
        let (first, second) = (Arc::clone(&ran), Arc::clone(&ran));
        let dropped = OnInterrupt::arm(move || {
            first.fetch_add(1, Ordering::SeqCst);
        });
        let armed = OnInterrupt::arm(move || {
            second.fetch_add(10, Ordering::SeqCst);
        });
        drop(dropped);
        assert!(ACTIONS.lock().unwrap().contains_key(&armed.key));
        run_all();
        assert_eq!(ran.load(Ordering::SeqCst), 10);
        drop(armed);
    }
}
