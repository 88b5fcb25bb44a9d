//! Journey step graphs: targets, cycles, reachability, stages and jumps.

use cjo_diagnostics::Diagnostic;
use cjo_project::Workspace;

/// Checks the step graph of every journey of `ws`.
pub(crate) fn check(_ws: &Workspace, _out: &mut Vec<Diagnostic>) {}
