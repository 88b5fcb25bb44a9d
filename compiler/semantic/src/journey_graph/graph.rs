//! Small directed graphs over `0..n`: the cycles a depth-first search
//! closes, and what a node reaches. Used for the steps of a stage and for
//! the jumps between journeys.
//!
//! The searches are iterative, so a stage with thousands of steps cannot
//! overflow the stack, and they visit nodes and edges in the order given, so
//! their results are deterministic.

/// One cycle, as the nodes along it: `[v, …, u]` where the edge `u → v`
/// (the `closing` edge, an index into `u`'s successors) closes it.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Cycle {
    pub nodes: Vec<usize>,
    pub closing: usize,
}

/// The cycles closed by the back edges of a depth-first search that starts
/// at node 0, then at every node not yet visited, in order. Every cycle of
/// the graph contains at least one of these back edges, so removing them
/// makes the graph acyclic; there are at most as many as edges.
///
/// Only the first `limit` cycles are returned, with the number of further
/// back edges: a cycle is as long as the search path, so returning all of
/// them could take quadratic time and memory on a large tangled graph.
pub(super) fn back_edge_cycles(successors: &[Vec<usize>], limit: usize) -> (Vec<Cycle>, usize) {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        OnPath,
        Done,
    }
    let mut state = vec![State::New; successors.len()];
    let mut cycles = Vec::new();
    let mut more = 0;
    for root in 0..successors.len() {
        if state.get(root) != Some(&State::New) {
            continue;
        }
        // The current path: each node with the index of its next edge.
        let mut path: Vec<(usize, usize)> = vec![(root, 0)];
        set(&mut state, root, State::OnPath);
        while let Some(&mut (node, ref mut edge)) = path.last_mut() {
            let Some(&to) = successors.get(node).and_then(|s| s.get(*edge)) else {
                set(&mut state, node, State::Done);
                path.pop();
                continue;
            };
            let closing = *edge;
            *edge += 1;
            match state.get(to) {
                Some(State::New) => {
                    set(&mut state, to, State::OnPath);
                    path.push((to, 0));
                }
                Some(State::OnPath) if cycles.len() >= limit => more += 1,
                Some(State::OnPath) => {
                    let from = path.iter().position(|&(n, _)| n == to).unwrap_or(0);
                    let nodes = path.iter().skip(from).map(|&(n, _)| n).collect();
                    cycles.push(Cycle { nodes, closing });
                }
                Some(State::Done) | None => {}
            }
        }
    }
    (cycles, more)
}

fn set<T>(v: &mut [T], i: usize, value: T) {
    if let Some(slot) = v.get_mut(i) {
        *slot = value;
    }
}

/// Which nodes can be reached from `start` (itself included).
pub(super) fn reachable(successors: &[Vec<usize>], start: usize) -> Vec<bool> {
    let mut seen = vec![false; successors.len()];
    claim(successors, start, &mut seen);
    seen
}

/// Marks in `claimed` the nodes reachable from `start` through nodes not
/// claimed yet, and returns them in the order found (`start` first, unless
/// it was claimed already). Claiming groups one after the other visits
/// each node once in all.
pub(super) fn claim(successors: &[Vec<usize>], start: usize, claimed: &mut [bool]) -> Vec<usize> {
    let mut found = Vec::new();
    if claimed.get(start) == Some(&false) {
        set(claimed, start, true);
        found.push(start);
    }
    let mut next = 0;
    while let Some(&node) = found.get(next) {
        next += 1;
        for &to in successors.get(node).map(Vec::as_slice).unwrap_or_default() {
            if claimed.get(to) == Some(&false) {
                set(claimed, to, true);
                found.push(to);
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_one_cycle_per_back_edge() {
        // 0 → 1 → 2 → 0, 2 → 2, 3 → 1.
        let g = vec![vec![1], vec![2], vec![0, 2], vec![1]];
        let (cycles, more) = back_edge_cycles(&g, 10);
        assert_eq!(cycles, vec![Cycle { nodes: vec![0, 1, 2], closing: 0 }, Cycle { nodes: vec![2], closing: 1 }]);
        assert_eq!(more, 0);
    }

    #[test]
    fn cycles_past_the_limit_are_counted() {
        // Every node leads back to node 0.
        let g: Vec<Vec<usize>> = (0..100).map(|i| if i < 99 { vec![i + 1, 0] } else { vec![0] }).collect();
        let (cycles, more) = back_edge_cycles(&g, 3);
        assert_eq!((cycles.len(), more), (3, 97));
    }

    #[test]
    fn an_acyclic_graph_has_no_cycles() {
        let g = vec![vec![1, 2], vec![3], vec![3], vec![]];
        assert_eq!(back_edge_cycles(&g, 10), (Vec::new(), 0));
    }

    #[test]
    fn deep_chains_do_not_overflow() {
        let n = 100_000;
        let mut g: Vec<Vec<usize>> = (1..n).map(|i| vec![i]).collect();
        g.push(vec![0]);
        let (cycles, _) = back_edge_cycles(&g, 10);
        assert_eq!(cycles.len(), 1);
        assert_eq!(cycles[0].nodes.len(), n);
        assert!(reachable(&g, 0).iter().all(|&r| r));
    }

    #[test]
    fn claiming_stops_at_claimed_nodes() {
        // 0 → 1 → 2, 3 → 2.
        let g = vec![vec![1], vec![2], vec![], vec![2]];
        let mut claimed = vec![false, true, false, false];
        assert_eq!(claim(&g, 0, &mut claimed), vec![0]);
        assert_eq!(claim(&g, 3, &mut claimed), vec![3, 2]);
        assert_eq!(claim(&g, 2, &mut claimed), Vec::<usize>::new());
        assert_eq!(reachable(&g, 3), vec![false, false, true, true]);
    }
}
