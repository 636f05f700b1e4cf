//! Clean-up that must also happen on Ctrl-C/SIGTERM: stopping a local cluster, removing a
//! container, dropping a scratch database, killing a migration tool's process group, stopping
//! a workload. Whatever makes such a resource holds an [`OnInterrupt`] guard while it lives:
//! the guard's action runs if the process is interrupted, and dropping the guard (the resource
//! was cleaned up the normal way) forgets it. The handler the binary installs runs every action
//! still armed, newest first, then says in one line what it removed
//! (`planproof: interrupted, cleaned up the local cluster in …`) and exits 130.
//!
//! Crate-level because every stage makes such resources; it knows nothing of any of them.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// What an armed action removes, for the closing line, and the action: `Err` says why it
/// could not.
struct Armed {
    what: Option<String>,
    action: Box<dyn FnOnce() -> Result<(), String> + Send>,
}

static ACTIONS: Mutex<BTreeMap<u64, Armed>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicU64 = AtomicU64::new(1);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// An action armed to run if the process is interrupted while the guard lives.
#[must_use = "the action is forgotten as soon as the guard is dropped"]
#[derive(Debug)]
pub struct OnInterrupt {
    key: u64,
}

impl OnInterrupt {
    /// Arms `action` until the returned guard is dropped: something to stop that leaves
    /// nothing behind (a workload, a tool's processes).
    pub fn arm(action: impl FnOnce() + Send + 'static) -> OnInterrupt {
        Self::insert(Armed {
            what: None,
            action: Box::new(move || {
                action();
                Ok(())
            }),
        })
    }

    /// Arms the removal of `what` (`the local cluster in `/tmp/planproof-x``), which the
    /// closing line names, until the returned guard is dropped.
    pub fn arm_removal(
        what: impl Into<String>,
        action: impl FnOnce() -> Result<(), String> + Send + 'static,
    ) -> OnInterrupt {
        Self::insert(Armed { what: Some(what.into()), action: Box::new(action) })
    }

    /// Arms `armed`, unless the interrupt already came: then the handler has taken (or is
    /// running) the actions armed so far and is about to exit, and whatever this one would
    /// guard must not be made at all, so the caller never returns. The flag is read under the
    /// lock the handler takes the actions under, so an action is either armed before the
    /// handler takes them (and runs) or never armed.
    fn insert(armed: Armed) -> OnInterrupt {
        let key = NEXT.fetch_add(1, Ordering::Relaxed);
        let interrupted = match ACTIONS.lock() {
            Ok(mut actions) if !interrupted() => {
                actions.insert(key, armed);
                false
            }
            _ => interrupted(),
        };
        if interrupted {
            wait_if_interrupted();
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

/// What the actions removed, and what they could not (with why).
#[derive(Debug, Default, PartialEq, Eq)]
struct Cleaned {
    removed: Vec<String>,
    failed: Vec<(String, String)>,
}

/// Marks the process interrupted and runs every armed action (newest first).
fn interrupt_and_run_all() -> Cleaned {
    let actions = match ACTIONS.lock() {
        Ok(mut actions) => {
            INTERRUPTED.store(true, Ordering::SeqCst);
            std::mem::take(&mut *actions)
        }
        Err(_) => {
            INTERRUPTED.store(true, Ordering::SeqCst);
            return Cleaned::default();
        }
    };
    run(actions)
}

fn run(actions: BTreeMap<u64, Armed>) -> Cleaned {
    let mut cleaned = Cleaned::default();
    for (_, armed) in actions.into_iter().rev() {
        match ((armed.action)(), armed.what) {
            (Ok(()), Some(what)) => cleaned.removed.push(what),
            (Err(why), Some(what)) => cleaned.failed.push((what, why)),
            (_, None) => {}
        }
    }
    cleaned
}

/// The one line an interrupted run ends with.
fn closing_line(cleaned: &Cleaned) -> String {
    let removed = if cleaned.removed.is_empty() && cleaned.failed.is_empty() {
        "planproof: interrupted, nothing to clean up".to_string()
    } else if cleaned.removed.is_empty() {
        "planproof: interrupted".to_string()
    } else {
        format!("planproof: interrupted, cleaned up {}", cleaned.removed.join(", "))
    };
    if cleaned.failed.is_empty() {
        return removed;
    }
    let failed: Vec<String> = cleaned.failed.iter().map(|(what, why)| format!("{what} ({why})")).collect();
    let joint = if cleaned.removed.is_empty() { ", but" } else { "; but" };
    format!("{removed}{joint} could not remove {}: run `planproof clean`", failed.join(", "))
}

/// Installs the Ctrl-C/SIGTERM handler of the command-line tool: clean up, say what was
/// removed, exit 130. Nothing else is printed once the interrupt arrived: the main thread
/// waits in [`wait_if_interrupted`] before every verdict or error it would print, since those
/// would be about a run the handler is tearing down.
pub fn install_handler() {
    let _ = ctrlc::set_handler(|| {
        let cleaned = interrupt_and_run_all();
        eprintln!("{}", closing_line(&cleaned));
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
        let removed = OnInterrupt::arm_removal("the cluster in `/tmp/x`", || Ok(()));
        let failed = OnInterrupt::arm_removal("database `d`", || Err("refused".into()));
        // What the handler does, without marking this test process interrupted.
        let cleaned = run(std::mem::take(&mut *ACTIONS.lock().unwrap()));
        assert_eq!(ran.load(Ordering::SeqCst), 10);
        assert_eq!(
            cleaned,
            Cleaned {
                removed: vec!["the cluster in `/tmp/x`".into()],
                failed: vec![("database `d`".into(), "refused".into())]
            }
        );
        drop((armed, removed, failed));
    }

    #[test]
    fn the_closing_line_names_what_was_removed_and_what_was_not() {
        let nothing = Cleaned::default();
        assert_eq!(closing_line(&nothing), "planproof: interrupted, nothing to clean up");
        let both = Cleaned {
            removed: vec!["the local cluster in `/tmp/p`".into(), "database `planproof_a`".into()],
            failed: vec![("container `c`".into(), "no engine".into())],
        };
        assert_eq!(
            closing_line(&both),
            "planproof: interrupted, cleaned up the local cluster in `/tmp/p`, database `planproof_a`; but could not remove container `c` (no engine): run `planproof clean`"
        );
        let only_failed = Cleaned { removed: Vec::new(), failed: vec![("container `c`".into(), "no engine".into())] };
        assert_eq!(
            closing_line(&only_failed),
            "planproof: interrupted, but could not remove container `c` (no engine): run `planproof clean`"
        );
    }
}
