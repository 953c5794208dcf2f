//! Interruption and the time limit of a run: the asynchronous work of a
//! command (collection) runs until it finishes, its time limit passes, or
//! the user presses Ctrl-C, whichever comes first.
//!
//! An interrupted run writes nothing: the caller returns
//! [`Error::Interrupted`](crate::error::Error::Interrupted) before any
//! report or inventory is written, and conform exits
//! [`INTERRUPTED`](crate::exit::INTERRUPTED) (130).

use std::future::Future;
use std::time::Duration;

/// How a run ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome<T> {
    /// The work finished, with this result.
    Finished(T),
    /// The time limit passed first; the work was dropped.
    TimedOut,
    /// Ctrl-C came first; the work was dropped.
    Interrupted,
}

/// Runs `work` on a new runtime until it finishes, `limit` passes or
/// Ctrl-C arrives. Fails only when the runtime cannot start.
///
/// The runtime has one thread, this one. The work it runs is a live scan's
/// collection, which waits on AWS and on its rate budgets almost all the
/// time: a request costs well under a millisecond of CPU, and at most
/// `--concurrency` (default 16) are in flight, so one thread keeps up with
/// hundreds of requests a second. A multi-threaded runtime spent more than
/// that on itself: each answer or timer woke a parked worker on another
/// thread, which woke the next to steal (futex calls and context switches
/// per request), for 7–15% of a scan's CPU (`scripts/bench-live`,
/// README "Benchmarks"). Evaluation runs after this returns, on rayon's
/// threads.
pub fn run<F: Future>(work: F, limit: Duration) -> std::io::Result<Outcome<F::Output>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let outcome = runtime.block_on(async {
        tokio::select! {
            result = tokio::time::timeout(limit, work) => match result {
                Ok(output) => Outcome::Finished(output),
                Err(_) => Outcome::TimedOut,
            },
            _ = tokio::signal::ctrl_c() => Outcome::Interrupted,
        }
    });
    // Requests still hanging (an interrupted or timed-out scan) are not
    // waited for: the caller stops at once.
    runtime.shutdown_background();
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_that_finishes_in_time_gives_its_output() {
        let outcome = run(async { 7 }, Duration::from_secs(5)).unwrap();
        assert_eq!(outcome, Outcome::Finished(7));
    }

    #[test]
    fn work_past_its_limit_times_out() {
        let slow = async { tokio::time::sleep(Duration::from_secs(30)).await };
        let outcome = run(slow, Duration::from_millis(20)).unwrap();
        assert_eq!(outcome, Outcome::TimedOut);
    }
}
