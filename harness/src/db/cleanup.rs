//! Clean-up that must also happen on Ctrl-C/SIGTERM: stopping a local cluster, dropping a
//! scratch database. Each resource registers an action while it lives and removes it when it
//! is dropped normally; the interrupt handler runs whatever is still registered, then exits.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

type Action = Box<dyn FnOnce() + Send>;

static ACTIONS: Mutex<BTreeMap<u64, Action>> = Mutex::new(BTreeMap::new());
static NEXT: AtomicU64 = AtomicU64::new(1);
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

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

/// Registers `action` to run if the process is interrupted; returns its key for `unregister`.
pub fn register(action: impl FnOnce() + Send + 'static) -> u64 {
    let key = NEXT.fetch_add(1, Ordering::Relaxed);
    if let Ok(mut actions) = ACTIONS.lock() {
        actions.insert(key, Box::new(action));
    }
    key
}

/// Forgets an action whose resource was cleaned up normally.
pub fn unregister(key: u64) {
    if let Ok(mut actions) = ACTIONS.lock() {
        actions.remove(&key);
    }
}

/// Runs every registered action (newest first).
pub fn run_all() {
    let actions = match ACTIONS.lock() {
        Ok(mut actions) => std::mem::take(&mut *actions),
        Err(_) => return,
    };
    for (_, action) in actions.into_iter().rev() {
        action();
    }
}

/// Installs the Ctrl-C/SIGTERM handler of the command-line tool: clean up, then exit 130.
pub fn install_interrupt_handler() {
    let _ = ctrlc::set_handler(|| {
        INTERRUPTED.store(true, Ordering::SeqCst);
        eprintln!("planproof: interrupted, cleaning up");
        run_all();
        std::process::exit(130);
    });
}
