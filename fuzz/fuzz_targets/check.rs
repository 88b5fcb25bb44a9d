//! Checking any file (any bytes) as the only `.cjo` file of a project
//! beside the fixtures' catalog, as `cjoc check` does: every span lies
//! inside its file on character boundaries (`cjo_fuzz::check`), and a
//! second check of the same input reports exactly the same diagnostics.

#![no_main]

use cjo_fuzz::Project;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let project = Project::single(data);
    let first = cjo_fuzz::check(cjo_fuzz::load(&project.files));
    let second = cjo_fuzz::check(cjo_fuzz::load(&project.files));
    assert_eq!(first, second, "checking twice gave other diagnostics");
});
