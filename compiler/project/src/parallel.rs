//! Work spread over the machine's cores, with results in input order: the
//! loader parses files, and names-and-types parses SQL bodies, this way.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The stack of each worker thread. The parsers bound their depth (and
/// grow their stack on demand where they recurse); like `cjoc`'s own
/// thread, a worker gets generous room, which costs only address space.
const STACK_SIZE: usize = 64 << 20;

/// How many pieces each worker's share is cut into, so that a worker done
/// early takes over pieces of the others' (items differ in size).
const PIECES_PER_THREAD: usize = 8;

/// `items.iter().map(f).collect()`, computed on up to as many threads as
/// the machine has cores. The result is in the order of `items`, whatever
/// the threads' timing, so output built from it stays deterministic. A
/// panic in `f` is passed on to the caller.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, NonZeroUsize::get).min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let piece = items.len().div_ceil(threads * PIECES_PER_THREAD);
    let pieces: Vec<&[T]> = items.chunks(piece).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(piece) = pieces.get(i) else { return done };
            done.push((i, piece.iter().map(&f).collect::<Vec<R>>()));
        }
    };
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (1..threads)
            .filter_map(|_| std::thread::Builder::new().stack_size(STACK_SIZE).spawn_scoped(scope, work).ok())
            .collect();
        // This thread works too: a worker that could not be started is
        // made up for by the others.
        let mut done = work();
        for worker in workers {
            match worker.join() {
                Ok(more) => done.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        done
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, results)| results).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_are_in_input_order() {
        let items: Vec<u64> = (0..10_000).collect();
        let squares = map(&items, |n| {
            // Uneven work, so that pieces finish out of order.
            if n % 97 == 0 {
                std::thread::yield_now();
            }
            n * n
        });
        assert_eq!(squares, items.iter().map(|n| n * n).collect::<Vec<_>>());
    }

    #[test]
    fn few_items_and_none() {
        assert_eq!(map(&[] as &[u8], |b| *b), Vec::<u8>::new());
        assert_eq!(map(&[7], |b| b + 1), [8]);
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let items: Vec<u32> = (0..100).collect();
        let caught = std::panic::catch_unwind(|| map(&items, |n| if *n == 63 { panic!("piece 63") } else { *n }));
        assert!(caught.is_err());
    }
}
