//! One tick of one journey as SQL statements, in the rule order of
//! JOURNEYS.md: the state before `T` copied to a scratch table (`prior`),
//! candidate rows appended to another (`candidates`) rule by rule, then
//! the compaction `min(…) group by key, instance_no` swapped in.
//!
//! Every statement reads only `prior`, `candidates`, the profiles and the
//! events, so re-running a tick recomputes it from the same state.

use cjo_journey::{ColumnKind, Next, Plan, StageId, StepId, StepOp};
use cjo_project::Dialect;
use cjo_semantic::Ty;
use cjo_syntax::ast::Expr;

use super::criteria::{Site, Tables};
use super::dialect::{as_text, bucket, concat, latest, md5_hex8, midnight, ts_add, weekday_in};
use crate::cjo_expr::Failure;
use crate::ident::{ident, path};
use crate::literal;
use crate::types::type_name;

/// A `jump K.s` of another journey into this one: where to read it.
#[derive(Clone, Debug)]
pub struct JumpIn {
    /// The other journey's state table, quoted.
    pub table: String,
    /// Its key column.
    pub key: String,
    /// Its `jump_…` column.
    pub column: String,
    /// The stage of this journey it enters.
    pub stage: StageId,
}

/// The warehouse names one tick uses.
#[derive(Debug)]
pub struct Names {
    /// `[container.]schema` of the journey's tables.
    pub schema: Vec<String>,
    pub profile_table: String,
    pub jumps_in: Vec<JumpIn>,
    /// BigQuery's dataset location, for a dataset created here.
    pub location: Option<String>,
}

pub struct Tick<'a> {
    plan: &'a Plan<'a>,
    t: &'a Tables<'a>,
    names: &'a Names,
    d: Dialect,
    /// Quoted `K`.
    k: String,
}

impl std::fmt::Debug for Tick<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tick").field("journey", &self.plan.name).field("dialect", &self.d).finish_non_exhaustive()
    }
}

/// Columns set by one candidate row, each under a condition.
#[derive(Default)]
struct Sets {
    stamps: Vec<(String, Vec<String>)>,
    values: Vec<(String, String)>,
}

impl Sets {
    /// Stamps `column = T` where `guard` holds (`None`: always).
    fn stamp(&mut self, column: String, guard: Option<&str>) {
        let guard = guard.unwrap_or("TRUE").to_string();
        match self.stamps.iter_mut().find(|(c, _)| *c == column) {
            Some((_, guards)) => guards.push(guard),
            None => self.stamps.push((column, vec![guard])),
        }
    }

    fn value(&mut self, column: String, sql: String) {
        self.values.push((column, sql));
    }
}

impl<'a> Tick<'a> {
    pub fn new(plan: &'a Plan<'a>, t: &'a Tables<'a>, names: &'a Names) -> Tick<'a> {
        let d = t.dialect;
        Tick { plan, t, names, d, k: ident(&plan.key, d).to_string() }
    }

    fn q(&self, name: &str) -> String {
        ident(name, self.d).to_string()
    }

    fn table(&self, name: &str) -> String {
        let mut parts = self.names.schema.clone();
        parts.push(name.to_string());
        path(&parts, self.d)
    }

    pub fn state(&self) -> String {
        self.table(&self.plan.state_table())
    }

    pub fn activations(&self) -> String {
        self.table(&self.plan.activation_table())
    }

    fn prior(&self) -> String {
        self.table(&format!("{}__prior", self.plan.state_table()))
    }

    fn cand(&self) -> String {
        self.table(&format!("{}__candidates", self.plan.state_table()))
    }

    fn tt(&self) -> &str {
        &self.t.t
    }

    fn ty(&self, ty: &Ty) -> String {
        type_name(ty, self.d).unwrap_or_else(|| "STRING".into())
    }

    /// `K type, instance_no int, columns…`.
    fn column_defs(&self) -> String {
        let mut defs = vec![
            format!("  {} {}", self.k, self.ty(&self.plan.key_type)),
            format!("  instance_no {}", self.ty(&Ty::Int)),
        ];
        for c in self.plan.columns() {
            let ty = match c.kind {
                ColumnKind::Timestamp => Ty::Timestamp,
                ColumnKind::Int => Ty::Int,
            };
            defs.push(format!("  {} {}", self.q(&c.name), self.ty(&ty)));
        }
        defs.join(",\n")
    }

    fn all_columns(&self) -> Vec<String> {
        self.plan.columns().into_iter().map(|c| self.q(&c.name)).collect()
    }

    /// Every statement of the tick.
    pub fn statements(&self) -> Result<Vec<String>, Failure> {
        let mut out = self.setup();
        out.extend(self.scratch());
        out.extend(self.goal_and_exits()?);
        out.extend(self.entry()?);
        out.extend(self.advance()?);
        out.extend(self.releases()?);
        for (s, stage) in self.plan.stages.iter().enumerate() {
            for p in topological(stage.steps.iter().map(|st| st.op.successors()).collect()) {
                out.extend(self.run_step(s, p)?);
            }
        }
        out.extend(self.record_activations());
        out.extend(self.compact());
        out.push(format!("DROP TABLE IF EXISTS {}", self.prior()));
        out.push(format!("DROP TABLE IF EXISTS {}", self.cand()));
        Ok(out)
    }

    /// The schema and the two lasting tables, when absent, and the state
    /// table migrated to the journey as it is now.
    pub fn setup(&self) -> Vec<String> {
        let schema = path(&self.names.schema, self.d);
        let create_schema = match (self.d, &self.names.location) {
            (Dialect::Redshift, _) => {
                let last: Vec<String> = self.names.schema.last().cloned().into_iter().collect();
                format!("CREATE SCHEMA IF NOT EXISTS {}", path(&last, self.d))
            }
            (Dialect::BigQuery, Some(loc)) => {
                format!("CREATE SCHEMA IF NOT EXISTS {schema} OPTIONS (location = {})", literal::string(loc, self.d))
            }
            _ => format!("CREATE SCHEMA IF NOT EXISTS {schema}"),
        };
        let string = self.ty(&Ty::String);
        let activations = [
            format!("  {} {}", self.k, self.ty(&self.plan.key_type)),
            format!("  instance_no {}", self.ty(&Ty::Int)),
            format!("  {} {string}", self.q("journey")),
            format!("  {} {string}", self.q("stage")),
            format!("  {} {string}", self.q("step")),
            format!("  {} {string}", self.q("destination")),
            format!("  {} {}", self.q("activated_at"), self.ty(&Ty::Timestamp)),
        ];
        let mut out = vec![
            create_schema,
            format!("CREATE TABLE IF NOT EXISTS {} (\n{}\n)", self.state(), self.column_defs()),
            format!("CREATE TABLE IF NOT EXISTS {} (\n{}\n)", self.activations(), activations.join(",\n")),
        ];
        out.extend(super::migrate::statements(self.plan, &self.state(), &self.names.schema, self.d));
        out
    }

    /// `prior`: the state as it was before `T` (see docs/journeys.md,
    /// "Re-running a tick"); `candidates`: empty, typed like the state.
    fn scratch(&self) -> Vec<String> {
        let t = self.tt();
        let mut cols = vec![format!("s.{}", self.k), "s.instance_no".to_string()];
        let step_out = self.step_out_columns();
        // A column renamed by `(was old)` reads the old one where it is
        // empty (the migration made sure both exist): the state carries
        // over without an UPDATE, which not every Trino connector runs.
        let renamed = self.plan.renamed_columns();
        let read = |column: &str| match renamed.iter().find(|(_, new)| new == column) {
            Some((old, _)) => format!("COALESCE(s.{}, s.{})", self.q(column), self.q(&old.name)),
            None => format!("s.{}", self.q(column)),
        };
        for c in self.plan.columns() {
            let name = self.q(&c.name);
            let value = read(&c.name);
            let sql = match c.kind {
                ColumnKind::Timestamp => format!("CASE WHEN {value} < {t} THEN {value} END AS {name}"),
                ColumnKind::Int => {
                    let out = step_out.iter().find(|(col, _)| *col == c.name).map_or("", |(_, o)| o.as_str());
                    format!("CASE WHEN {} < {t} THEN {value} END AS {name}", read(out))
                }
            };
            cols.push(sql);
        }
        let select = format!("SELECT {}\nFROM {} AS s\nWHERE s.intime_journey < {t}", cols.join(",\n  "), self.state());
        let empty = format!("(\n{}\n)", self.column_defs());
        match self.d {
            Dialect::BigQuery => vec![
                format!("CREATE OR REPLACE TABLE {} AS\n{select}", self.prior()),
                format!("CREATE OR REPLACE TABLE {} {empty}", self.cand()),
            ],
            _ => vec![
                format!("DROP TABLE IF EXISTS {}", self.prior()),
                format!("CREATE TABLE {} AS\n{select}", self.prior()),
                format!("DROP TABLE IF EXISTS {}", self.cand()),
                format!("CREATE TABLE {} {empty}", self.cand()),
            ],
        }
    }

    /// Each branch/variant column with the outtime column of its step.
    fn step_out_columns(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (s, stage) in self.plan.stages.iter().enumerate() {
            for (p, step) in stage.steps.iter().enumerate() {
                match step.op {
                    StepOp::Decide { .. } | StepOp::WaitUntil { .. } => {
                        out.push((self.plan.col_branch(s, p), self.plan.col_step_out(s, p)))
                    }
                    StepOp::AbTest { .. } => out.push((self.plan.col_variant(s, p), self.plan.col_step_out(s, p))),
                    _ => {}
                }
            }
        }
        out
    }

    fn in_stage(&self, alias: &str, s: StageId) -> String {
        format!(
            "{alias}.{} IS NOT NULL AND {alias}.{} IS NULL",
            self.q(&self.plan.col_stage_in(s)),
            self.q(&self.plan.col_stage_out(s))
        )
    }

    fn in_step(&self, alias: &str, s: StageId, p: StepId) -> String {
        format!(
            "{alias}.{} IS NOT NULL AND {alias}.{} IS NULL",
            self.q(&self.plan.col_step_in(s, p)),
            self.q(&self.plan.col_step_out(s, p))
        )
    }

    /// Stamps closing whatever is open in the row `alias`: its stage and
    /// its step.
    fn close_open(&self, sets: &mut Sets, alias: &str) {
        for (s, stage) in self.plan.stages.iter().enumerate() {
            sets.stamp(self.plan.col_stage_out(s), Some(&self.in_stage(alias, s)));
            for p in 0..stage.steps.len() {
                sets.stamp(self.plan.col_step_out(s, p), Some(&self.in_step(alias, s, p)));
            }
        }
    }

    /// `INSERT INTO candidates (…) SELECT <alias>.K, <alias>.instance_no, …`.
    fn insert(&self, sets: Sets, alias: &str, from: &str) -> Option<String> {
        if sets.stamps.is_empty() && sets.values.is_empty() {
            return None;
        }
        let t = self.tt();
        let mut cols = vec![self.k.clone(), "instance_no".to_string()];
        let mut exprs = vec![format!("{alias}.{}", self.k), format!("{alias}.instance_no")];
        for (col, guards) in sets.stamps {
            cols.push(self.q(&col));
            if guards.iter().any(|g| g == "TRUE") {
                exprs.push(t.to_string());
            } else {
                let g: Vec<String> = guards.iter().map(|g| format!("({g})")).collect();
                exprs.push(format!("CASE WHEN {} THEN {t} END", g.join(" OR ")));
            }
        }
        for (col, sql) in sets.values {
            cols.push(self.q(&col));
            exprs.push(sql);
        }
        Some(format!("INSERT INTO {} ({})\nSELECT {}\nFROM {from}", self.cand(), cols.join(", "), exprs.join(",\n  ")))
    }

    fn site(&self, alias: &str, stage: Option<StageId>) -> Site {
        Site {
            key: format!("{alias}.{}", self.k),
            journey_start: Some(format!("{alias}.intime_journey")),
            stage_start: stage.map(|s| format!("{alias}.{}", self.q(&self.plan.col_stage_in(s)))),
            step_start: None,
            cutoff: None,
        }
    }

    fn profile_join(&self, alias: &str) -> String {
        format!("LEFT JOIN {} AS p ON p.{k} = {alias}.{k}", self.names.profile_table, k = self.k)
    }

    fn not_moved(&self, alias: &str) -> String {
        format!(
            "NOT EXISTS (SELECT 1 FROM {} AS c WHERE c.{k} = {alias}.{k} AND c.instance_no = {alias}.instance_no)",
            self.cand(),
            k = self.k
        )
    }

    /// Rules 1 and 2: the goal, then journey exits, then the current
    /// stage's exits; the first that holds closes the instance.
    fn goal_and_exits(&self) -> Result<Vec<String>, Failure> {
        let plan = self.plan;
        let mut causes: Vec<(String, String)> = Vec::new();
        let journey_site = self.site("s", None);
        if !plan.goals.is_empty() {
            let goals: Vec<&Expr> = plan.goals.iter().map(|g| g.expr).collect();
            causes.push((plan.col_goal().to_string(), self.t.any_holds(&goals, &journey_site)?));
        }
        for e in &plan.exits {
            causes.push((plan.col_exit(e.name), self.t.holds(e.expr, &journey_site)?));
        }
        for (s, stage) in plan.stages.iter().enumerate() {
            let site = self.site("s", Some(s));
            for e in &stage.exits {
                let cond = format!("{} AND {}", self.in_stage("s", s), self.t.holds(e.expr, &site)?);
                causes.push((plan.col_stage_exit(s, e.name), cond));
            }
        }
        if causes.is_empty() {
            return Ok(Vec::new());
        }
        let whens: Vec<String> =
            causes.iter().enumerate().map(|(i, (_, c))| format!("WHEN {c} THEN {}", i + 1)).collect();
        let mut sets = Sets::default();
        for (i, (col, _)) in causes.iter().enumerate() {
            sets.stamp(col.clone(), Some(&format!("x.cjo_cause = {}", i + 1)));
        }
        sets.stamp("outtime_journey".into(), None);
        self.close_open(&mut sets, "x");
        let from = format!(
            "(\n  SELECT s.*, CASE {} END AS cjo_cause\n  FROM {} AS s\n  {}\n  WHERE s.outtime_journey IS NULL\n) AS x\nWHERE x.cjo_cause IS NOT NULL",
            whens.join(" "),
            self.prior(),
            self.profile_join("s"),
        );
        Ok(self.insert(sets, "x", &from).into_iter().collect())
    }

    /// Sets that enter stage `s` (and its first step) under `guard`.
    fn enter_stage(&self, sets: &mut Sets, s: StageId, guard: Option<&str>) {
        sets.stamp(self.plan.col_stage_in(s), guard);
        if self.plan.stage(s).is_some_and(|st| !st.steps.is_empty()) {
            sets.stamp(self.plan.col_step_in(s, 0), guard);
        }
    }

    /// Rule 3: customers with no active instance start one, at a pending
    /// cross-journey jump's stage, else at the highest stage whose entry
    /// holds, when the re-entry rule allows and neither the goal nor a
    /// journey exit holds.
    fn entry(&self) -> Result<Vec<String>, Failure> {
        let plan = self.plan;
        let k = &self.k;
        let t = self.tt();
        let site = Site { key: format!("p.{k}"), ..Site::default() };
        let mut whens = Vec::new();
        if !self.names.jumps_in.is_empty() {
            whens.push("WHEN j.cjo_stage IS NOT NULL THEN j.cjo_stage".to_string());
        }
        for (s, stage) in plan.stages.iter().enumerate().rev() {
            if !stage.entries.is_empty() {
                whens.push(format!("WHEN {} THEN {s}", self.t.any_holds(&stage.entries, &site)?));
            }
        }
        if whens.is_empty() {
            return Ok(Vec::new());
        }
        let mut filters = vec![format!("p.{k} IS NOT NULL"), "COALESCE(l.cjo_active, 0) = 0".to_string()];
        match plan.reentry.rule {
            cjo_journey::ReentryRule::None => filters.push("l.cjo_last IS NULL".into()),
            cjo_journey::ReentryRule::UnlessGoal if !plan.goals.is_empty() => {
                filters.push("COALESCE(l.cjo_goal, 0) = 0".into())
            }
            _ => {}
        }
        if let Some(cooldown) = plan.reentry.cooldown_seconds {
            let seconds = i64::try_from(cooldown).unwrap_or(i64::MAX);
            filters.push(format!("(l.cjo_last_out IS NULL OR {} <= {t})", ts_add("l.cjo_last_out", seconds, self.d)));
        }
        if !plan.goals.is_empty() {
            let goals: Vec<&Expr> = plan.goals.iter().map(|g| g.expr).collect();
            filters.push(format!("NOT ({})", self.t.any_holds(&goals, &site)?));
        }
        for e in &plan.exits {
            filters.push(format!("NOT {}", self.t.holds(e.expr, &site)?));
        }
        let goal_flag = if plan.goals.is_empty() {
            String::new()
        } else {
            ",\n      MAX(CASE WHEN intime_goal IS NOT NULL THEN 1 ELSE 0 END) AS cjo_goal".to_string()
        };
        let latest = format!(
            "LEFT JOIN (\n    SELECT {k}, MAX(instance_no) AS cjo_last,\n      MAX(CASE WHEN outtime_journey IS NULL THEN 1 ELSE 0 END) AS cjo_active,\n      MAX(outtime_journey) AS cjo_last_out{goal_flag}\n    FROM {}\n    GROUP BY {k}\n  ) AS l ON l.{k} = p.{k}",
            self.prior()
        );
        let jumps = self.pending_jumps();
        let inner = format!(
            "(\n  SELECT p.{k} AS {k}, COALESCE(l.cjo_last, 0) + 1 AS instance_no,\n    CASE {} END AS cjo_stage\n  FROM {} AS p\n  {latest}{jumps}\n  WHERE {}\n) AS n\nWHERE n.cjo_stage IS NOT NULL",
            whens.join(" "),
            self.names.profile_table,
            filters.join("\n    AND "),
        );
        let mut sets = Sets::default();
        sets.stamp("intime_journey".into(), None);
        for s in 0..plan.stages.len() {
            self.enter_stage(&mut sets, s, Some(&format!("n.cjo_stage = {s}")));
        }
        Ok(self.insert(sets, "n", &inner).into_iter().collect())
    }

    /// `LEFT JOIN (…) AS j`: the latest pending cross-journey jump into
    /// this journey per customer.
    fn pending_jumps(&self) -> String {
        if self.names.jumps_in.is_empty() {
            return String::new();
        }
        let k = &self.k;
        let t = self.tt();
        let sources: Vec<String> = self
            .names
            .jumps_in
            .iter()
            .map(|j| {
                let (key, col) = (self.q(&j.key), self.q(&j.column));
                format!(
                    "SELECT src.{key} AS {k}, src.{col} AS cjo_tj, {} AS cjo_stage FROM {} AS src WHERE src.{col} IS NOT NULL AND src.{col} <= {t}",
                    j.stage, j.table
                )
            })
            .collect();
        format!(
            "\n  LEFT JOIN (\n    SELECT u.{k}, u.cjo_stage FROM (\n      SELECT x.{k}, x.cjo_stage, ROW_NUMBER() OVER (PARTITION BY x.{k} ORDER BY x.cjo_tj DESC, x.cjo_stage DESC) AS cjo_rank\n      FROM (\n        {}\n      ) AS x\n      WHERE NOT EXISTS (SELECT 1 FROM {} AS i WHERE i.{k} = x.{k} AND i.intime_journey >= x.cjo_tj)\n    ) AS u\n    WHERE u.cjo_rank = 1\n  ) AS j ON j.{k} = p.{k}",
            sources.join("\n        UNION ALL\n        "),
            self.prior()
        )
    }

    /// Rule 4: a milestone moves to the next stage, a later stage's entry
    /// to the highest such stage; a milestone in the last stage ends.
    fn advance(&self) -> Result<Vec<String>, Failure> {
        let plan = self.plan;
        let n = plan.stages.len();
        let entry_site = Site { key: format!("s.{}", self.k), ..Site::default() };
        let mut entries = Vec::with_capacity(n);
        for stage in &plan.stages {
            entries.push(if stage.entries.is_empty() {
                None
            } else {
                Some(self.t.any_holds(&stage.entries, &entry_site)?)
            });
        }
        let mut milestones = Vec::with_capacity(n);
        for (s, stage) in plan.stages.iter().enumerate() {
            milestones.push(if stage.milestones.is_empty() {
                None
            } else {
                Some(self.t.any_holds(&stage.milestones, &self.site("s", Some(s)))?)
            });
        }
        let mut to_cases = Vec::new();
        let mut ms_cases = Vec::new();
        for s in 0..n {
            let mut whens = Vec::new();
            for j in (s + 2..n).rev() {
                if let Some(Some(e)) = entries.get(j) {
                    whens.push(format!("WHEN {e} THEN {j}"));
                }
            }
            let mut next = Vec::new();
            if let Some(Some(e)) = entries.get(s + 1) {
                next.push(e.clone());
            }
            if let Some(Some(m)) = milestones.get(s) {
                next.push(m.clone());
                ms_cases.push(format!("WHEN {} AND {m} THEN 1", self.in_stage("s", s)));
            }
            if !next.is_empty() {
                whens.push(format!("WHEN {} THEN {}", next.join(" OR "), s + 1));
            }
            if !whens.is_empty() {
                to_cases.push(format!("WHEN {} THEN CASE {} END", self.in_stage("s", s), whens.join(" ")));
            }
        }
        if to_cases.is_empty() {
            return Ok(Vec::new());
        }
        let ms = if ms_cases.is_empty() { "0".to_string() } else { format!("CASE {} ELSE 0 END", ms_cases.join(" ")) };
        let mut sets = Sets::default();
        for (s, stage) in plan.stages.iter().enumerate() {
            if !stage.milestones.is_empty() {
                sets.stamp(plan.col_milestone(s), Some(&format!("x.cjo_ms = 1 AND {}", self.in_stage("x", s))));
            }
        }
        self.close_open(&mut sets, "x");
        for s in 1..n {
            self.enter_stage(&mut sets, s, Some(&format!("x.cjo_to = {s}")));
        }
        sets.stamp("outtime_journey".into(), Some(&format!("x.cjo_to = {n}")));
        let from = format!(
            "(\n  SELECT s.*, CASE {} END AS cjo_to, {ms} AS cjo_ms\n  FROM {} AS s\n  {}\n  WHERE s.outtime_journey IS NULL AND {}\n) AS x\nWHERE x.cjo_to IS NOT NULL",
            to_cases.join("\n    "),
            self.prior(),
            self.profile_join("s"),
            self.not_moved("s"),
        );
        Ok(self.insert(sets, "x", &from).into_iter().collect())
    }

    /// Sets that continue from step `p` of stage `s` to `next` under
    /// `guard`: the next step's intime, or parking (which in the last
    /// stage ends the instance).
    fn continue_to(&self, sets: &mut Sets, s: StageId, next: Next, guard: Option<&str>) {
        match next {
            Next::Step(q) => sets.stamp(self.plan.col_step_in(s, q), guard),
            Next::Park if self.plan.is_last_stage(s) => {
                sets.stamp(self.plan.col_stage_out(s), guard);
                sets.stamp("outtime_journey".into(), guard);
            }
            Next::Park => {}
        }
    }

    /// Rule 5: waits entered before `T`, by instances rules 1, 2 and 4 left
    /// alone, that release now.
    fn releases(&self) -> Result<Vec<String>, Failure> {
        let mut out = Vec::new();
        let t = self.tt().to_string();
        for (s, stage) in self.plan.stages.iter().enumerate() {
            for (p, step) in stage.steps.iter().enumerate() {
                if !step.op.is_wait() {
                    continue;
                }
                // Plain waits are read from `prior` as `x`, `wait until` as `s`.
                let intime_of = |a: &str| format!("{a}.{}", self.q(&self.plan.col_step_in(s, p)));
                let intime = intime_of("s");
                let mut sets = Sets::default();
                sets.stamp(self.plan.col_step_out(s, p), None);
                let (release, branch) = match &step.op {
                    StepOp::Wait { seconds, next } => {
                        let secs = i64::try_from(*seconds).unwrap_or(i64::MAX);
                        self.continue_to(&mut sets, s, *next, None);
                        (format!("{} <= {t}", ts_add(&intime_of("x"), secs, self.d)), None)
                    }
                    StepOp::WaitUntilDate { year, month, day, next } => {
                        self.continue_to(&mut sets, s, *next, None);
                        (format!("{t} >= {}", midnight((*year, *month, *day), &self.plan.timezone, self.d)), None)
                    }
                    StepOp::WaitUntilWeekday { days, next } => {
                        self.continue_to(&mut sets, s, *next, None);
                        (weekday_in(&t, &self.plan.timezone, days, self.d), None)
                    }
                    StepOp::WaitUntil { condition, timeout_seconds, next, on_timeout } => {
                        let secs = i64::try_from(*timeout_seconds).unwrap_or(i64::MAX);
                        let deadline = ts_add(&intime, secs, self.d);
                        let mut site = self.site("s", Some(s));
                        site.step_start = Some(intime.clone());
                        site.cutoff = Some(deadline.clone());
                        let holds = self.t.holds(condition, &site)?;
                        let branch = format!("CASE WHEN {holds} THEN 1 WHEN {deadline} <= {t} THEN 0 END");
                        self.continue_to(&mut sets, s, *next, Some("x.cjo_branch = 1"));
                        sets.stamp(self.plan.col_step_in(s, *on_timeout), Some("x.cjo_branch = 0"));
                        sets.value(self.plan.col_branch(s, p), "x.cjo_branch".into());
                        ("x.cjo_branch IS NOT NULL".to_string(), Some(branch))
                    }
                    _ => continue,
                };
                let filter = |a: &str| {
                    format!(
                        "{a}.outtime_journey IS NULL AND {} AND {a}.{} < {t} AND {}",
                        self.in_step(a, s, p),
                        self.q(&self.plan.col_step_in(s, p)),
                        self.not_moved(a)
                    )
                };
                let from = match branch {
                    None => format!("{} AS x\nWHERE {} AND {release}", self.prior(), filter("x")),
                    Some(branch) => format!(
                        "(\n  SELECT s.*, {branch} AS cjo_branch\n  FROM {} AS s\n  {}\n  WHERE {}\n) AS x\nWHERE {release}",
                        self.prior(),
                        self.profile_join("s"),
                        filter("s"),
                    ),
                };
                out.extend(self.insert(sets, "x", &from));
            }
        }
        Ok(out)
    }

    /// Rule 6 for one step: the instances that entered it at `T` leave
    /// it at once when it is instant, by the branch it takes.
    fn run_step(&self, s: StageId, p: StepId) -> Result<Vec<String>, Failure> {
        let plan = self.plan;
        let Some(step) = plan.stage(s).and_then(|st| st.steps.get(p)) else { return Ok(Vec::new()) };
        let last = plan.is_last_stage(s);
        let runs = step.op.is_instant() || (matches!(step.op, StepOp::End) && last);
        if !runs {
            return Ok(Vec::new());
        }
        let t = self.tt();
        let entered = format!(
            "(SELECT DISTINCT c.{k}, c.instance_no FROM {} AS c WHERE c.{} = {t}) AS x",
            self.cand(),
            self.q(&plan.col_step_in(s, p)),
            k = self.k
        );
        let mut sets = Sets::default();
        sets.stamp(plan.col_step_out(s, p), None);
        let mut from = entered.clone();
        match &step.op {
            StepOp::Activate { next, .. } | StepOp::Merge { next } => self.continue_to(&mut sets, s, *next, None),
            StepOp::End => {
                sets.stamp(plan.col_stage_out(s), None);
                sets.stamp("outtime_journey".into(), None);
            }
            StepOp::Jump { stage } => {
                sets.stamp(plan.col_stage_out(s), None);
                self.enter_stage(&mut sets, *stage, None);
            }
            StepOp::JumpJourney { .. } => {
                sets.stamp(plan.col_stage_out(s), None);
                sets.stamp("outtime_journey".into(), None);
                sets.stamp(plan.col_jump(s, p), None);
            }
            StepOp::Decide { whens, otherwise } => {
                let site = self.decide_site(s, p);
                let mut cases = Vec::new();
                for (i, (cond, _)) in whens.iter().enumerate() {
                    cases.push(format!("WHEN {} THEN {}", self.t.condition(cond, &site)?, i + 1));
                }
                let exprs: Vec<&Expr> = whens.iter().map(|(e, _)| *e).collect();
                let anchors = self.anchor_join(s, p, &exprs);
                from = format!(
                    "(\n  SELECT x.{k}, x.instance_no, CASE {} ELSE 0 END AS cjo_branch\n  FROM {entered}\n  {}{anchors}\n) AS x",
                    cases.join(" "),
                    self.profile_join("x"),
                    k = self.k
                );
                for (i, (_, target)) in whens.iter().enumerate() {
                    sets.stamp(plan.col_step_in(s, *target), Some(&format!("x.cjo_branch = {}", i + 1)));
                }
                sets.stamp(plan.col_step_in(s, *otherwise), Some("x.cjo_branch = 0"));
                sets.value(plan.col_branch(s, p), "x.cjo_branch".into());
            }
            StepOp::AbTest { arms } => {
                let stage_name = plan.stage(s).map_or("", |st| st.name.as_str());
                let salt = literal::string(&format!("{}.{stage_name}.{}:", plan.name, step.name), self.d);
                let key_text = as_text(&format!("x.{}", self.k), self.d);
                let hex = md5_hex8(&concat(&salt, &key_text, self.d), self.d);
                let b = bucket("h.cjo_hex", self.d);
                let mut upper = 0u32;
                let mut cases = Vec::new();
                for arm in arms {
                    upper = upper.saturating_add(arm.basis_points);
                    cases.push(format!("WHEN cjo_bucket < {upper} THEN {}", arm.variant));
                }
                from = format!(
                    "(\n  SELECT y.{k}, y.instance_no, CASE {} END AS cjo_variant\n  FROM (\n    SELECT h.{k}, h.instance_no, {b} AS cjo_bucket\n    FROM (SELECT x.{k}, x.instance_no, {hex} AS cjo_hex FROM {entered}) AS h\n  ) AS y\n) AS x",
                    cases.join(" "),
                    k = self.k
                );
                for arm in arms {
                    sets.stamp(plan.col_step_in(s, arm.target), Some(&format!("x.cjo_variant = {}", arm.variant)));
                }
                sets.value(plan.col_variant(s, p), "x.cjo_variant".into());
            }
            _ => {}
        }
        Ok(self.insert(sets, "x", &from).into_iter().collect())
    }

    /// Where a `decide`'s criteria are evaluated: the anchors come from
    /// the join [`Self::anchor_join`] makes (alias `a`).
    fn decide_site(&self, s: StageId, p: StepId) -> Site {
        let plan = self.plan;
        let stage_in = format!("a.{}", self.q(&plan.col_stage_in(s)));
        let preds = plan.stage(s).and_then(|st| st.steps.get(p)).map(|st| st.predecessors.clone()).unwrap_or_default();
        let mut step_start: Option<String> = None;
        for q in preds {
            let col = format!("a.{}", self.q(&plan.col_step_in(s, q)));
            step_start = Some(match step_start {
                None => col,
                Some(prev) => latest(&prev, &col),
            });
        }
        let step_start = match step_start {
            Some(latest) => format!("COALESCE({latest}, {stage_in})"),
            None => stage_in.clone(),
        };
        Site {
            key: format!("x.{}", self.k),
            journey_start: Some("a.intime_journey".into()),
            stage_start: Some(stage_in),
            step_start: Some(step_start),
            cutoff: None,
        }
    }

    /// `LEFT JOIN (…) AS a`: the instance's intimes as of now (prior and
    /// this tick's candidates), when `exprs` use an anchor.
    fn anchor_join(&self, s: StageId, p: StepId, exprs: &[&Expr]) -> String {
        if super::criteria::anchors_used(exprs).is_empty() {
            return String::new();
        }
        let plan = self.plan;
        let mut cols = vec!["intime_journey".to_string(), plan.col_stage_in(s)];
        if let Some(step) = plan.stage(s).and_then(|st| st.steps.get(p)) {
            cols.extend(step.predecessors.iter().map(|q| plan.col_step_in(s, *q)));
        }
        let cols: Vec<String> = cols.iter().map(|c| self.q(c)).collect();
        let k = &self.k;
        let list = cols.join(", ");
        let mins: Vec<String> = cols.iter().map(|c| format!("MIN(m.{c}) AS {c}")).collect();
        format!(
            "\n  LEFT JOIN (\n    SELECT m.{k}, m.instance_no, {}\n    FROM (SELECT {k}, instance_no, {list} FROM {} UNION ALL SELECT {k}, instance_no, {list} FROM {}) AS m\n    GROUP BY m.{k}, m.instance_no\n  ) AS a ON a.{k} = x.{k} AND a.instance_no = x.instance_no",
            mins.join(", "),
            self.prior(),
            self.cand()
        )
    }

    /// One row per `activate` step started at `T`, unless already there.
    fn record_activations(&self) -> Option<String> {
        let plan = self.plan;
        let k = &self.k;
        let t = self.tt();
        let mut selects = Vec::new();
        for (s, stage) in plan.stages.iter().enumerate() {
            for (p, step) in stage.steps.iter().enumerate() {
                let StepOp::Activate { destination, .. } = &step.op else { continue };
                let lit = |v: &str| literal::string(v, self.d);
                selects.push(format!(
                    "SELECT x.{k}, x.instance_no, {}, {}, {}, {}, {t}\nFROM (SELECT DISTINCT c.{k}, c.instance_no FROM {} AS c WHERE c.{} = {t}) AS x\nWHERE NOT EXISTS (SELECT 1 FROM {} AS a WHERE a.{k} = x.{k} AND a.instance_no = x.instance_no AND a.{} = {} AND a.{} = {})",
                    lit(&plan.name),
                    lit(&stage.name),
                    lit(&step.name),
                    lit(destination),
                    self.cand(),
                    self.q(&plan.col_step_in(s, p)),
                    self.activations(),
                    self.q("stage"),
                    lit(&stage.name),
                    self.q("step"),
                    lit(&step.name),
                ));
            }
        }
        if selects.is_empty() {
            return None;
        }
        let cols = [
            k.clone(),
            "instance_no".into(),
            self.q("journey"),
            self.q("stage"),
            self.q("step"),
            self.q("destination"),
            self.q("activated_at"),
        ];
        Some(format!("INSERT INTO {} ({})\n{}", self.activations(), cols.join(", "), selects.join("\nUNION ALL\n")))
    }

    /// The new state, `min()` of prior and candidates per instance, swapped
    /// in: in place on BigQuery, by rename in a transaction on Redshift,
    /// create-new-then-rename on Trino.
    fn compact(&self) -> Vec<String> {
        let k = &self.k;
        let cols = self.all_columns();
        let list = cols.join(", ");
        let mins: Vec<String> = cols.iter().map(|c| format!("MIN(u.{c}) AS {c}")).collect();
        let query = format!(
            "SELECT u.{k}, u.instance_no,\n  {}\nFROM (\n  SELECT {k}, instance_no, {list} FROM {}\n  UNION ALL\n  SELECT {k}, instance_no, {list} FROM {}\n) AS u\nGROUP BY u.{k}, u.instance_no",
            mins.join(",\n  "),
            self.prior(),
            self.cand()
        );
        let state = self.state();
        let base = self.plan.state_table();
        let next = self.table(&format!("{base}__next"));
        match self.d {
            Dialect::BigQuery => vec![format!("CREATE OR REPLACE TABLE {state} AS\n{query}")],
            Dialect::Redshift => vec![
                format!("DROP TABLE IF EXISTS {next}"),
                format!("CREATE TABLE {next} AS\n{query}"),
                "BEGIN".into(),
                format!("DROP TABLE {state}"),
                format!("ALTER TABLE {next} RENAME TO {}", self.q(&base)),
                "COMMIT".into(),
            ],
            Dialect::Trino => {
                let old = self.table(&format!("{base}__old"));
                vec![
                    format!("DROP TABLE IF EXISTS {next}"),
                    format!("CREATE TABLE {next} AS\n{query}"),
                    format!("DROP TABLE IF EXISTS {old}"),
                    format!("ALTER TABLE {state} RENAME TO {old}"),
                    format!("ALTER TABLE {next} RENAME TO {state}"),
                    format!("DROP TABLE {old}"),
                ]
            }
        }
    }
}

/// The steps of a stage in an order where every step comes after the
/// steps that lead to it (the graph is acyclic; the smallest ready index
/// first, so the order is the declared one where it can be).
fn topological(successors: Vec<Vec<StepId>>) -> Vec<StepId> {
    let n = successors.len();
    let mut indegree = vec![0usize; n];
    for to in successors.iter().flatten() {
        if let Some(d) = indegree.get_mut(*to) {
            *d += 1;
        }
    }
    let mut ready: std::collections::BTreeSet<StepId> = (0..n).filter(|i| indegree.get(*i) == Some(&0)).collect();
    let mut out = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        out.push(i);
        for to in successors.get(i).into_iter().flatten() {
            if let Some(d) = indegree.get_mut(*to) {
                *d = d.saturating_sub(1);
                if *d == 0 {
                    ready.insert(*to);
                }
            }
        }
    }
    // A cycle (rejected by the checker) leaves steps out: run them last.
    for i in 0..n {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}
