//! Journeys, stages and steps.

use chumsky::prelude::*;
use cjo_diagnostics::{self as diag, TextRange};

use super::common::{block, duration_expected, keyword_of, kw, name, setting, setting_start, string, target_name};
use super::expr::expr;
use super::{Extra, In, Sp, custom, rng};
use crate::ast::*;
use crate::token::Token;

#[derive(Clone)]
enum JourneyMember {
    Setting(Setting),
    Goal(Criterion),
    Exit(Criterion),
    Stage(Stage),
}

#[derive(Clone)]
enum StageMember {
    Entry(Criterion),
    Exit(Criterion),
    Milestone(Criterion),
    Step(Step),
    Moved(Moved),
}

/// `keyword [name]: condition`.
fn criterion<'t, 's: 't>(
    keyword: &'static str,
    named: bool,
) -> impl Parser<'t, In<'t, 's>, Criterion, Extra<'t, 's>> + Clone {
    let name = if named { name().map(Some).boxed() } else { empty().to(None).boxed() };
    kw(keyword).then(name).then_ignore(just(Token::Colon)).then(expr()).map_with(|((keyword, name), condition), e| {
        Criterion { doc: None, keyword, name, condition, range: rng(e.span()) }
    })
}

pub fn journey<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Journey, Extra<'t, 's>> + Clone {
    let member = choice((
        criterion("goal", true).map(JourneyMember::Goal),
        criterion("exit", true).map(JourneyMember::Exit),
        stage().map(JourneyMember::Stage),
        setting().map(JourneyMember::Setting),
    ))
    .labelled("a setting, `goal`, `exit` or `stage`");
    let start = choice((keyword_of(&["goal", "exit", "stage"]), setting_start()));
    kw("journey").ignore_then(name()).then(block(member, start)).map_with(|(name, body), e| {
        let mut j = Journey {
            doc: None,
            name,
            settings: Vec::new(),
            goals: Vec::new(),
            exits: Vec::new(),
            stages: Vec::new(),
            range: rng(e.span()),
        };
        for m in body.into_iter().flatten() {
            match m {
                JourneyMember::Setting(s) => j.settings.push(s),
                JourneyMember::Goal(c) => j.goals.push(c),
                JourneyMember::Exit(c) => j.exits.push(c),
                JourneyMember::Stage(s) => j.stages.push(s),
            }
        }
        j
    })
}

fn stage<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Stage, Extra<'t, 's>> + Clone {
    let member = choice((
        criterion("entry", false).map(StageMember::Entry),
        criterion("exit", true).map(StageMember::Exit),
        criterion("milestone", false).map(StageMember::Milestone),
        step().map(StageMember::Step),
        moved().map(StageMember::Moved),
    ))
    .labelled("`step`, `entry`, `exit`, `milestone` or `moved`");
    let start = keyword_of(&["entry", "exit", "milestone", "step", "moved"]);
    kw("stage").ignore_then(name()).then(was()).then(block(member, start)).map_with(|((name, was), body), e| {
        let mut s = Stage {
            doc: None,
            name,
            was,
            entries: Vec::new(),
            exits: Vec::new(),
            milestones: Vec::new(),
            steps: Vec::new(),
            moved: Vec::new(),
            range: rng(e.span()),
        };
        for m in body.into_iter().flatten() {
            match m {
                StageMember::Moved(m) => s.moved.push(m),
                StageMember::Entry(c) => s.entries.push(c),
                StageMember::Exit(c) => s.exits.push(c),
                StageMember::Milestone(c) => s.milestones.push(c),
                StageMember::Step(st) => s.steps.push(st),
            }
        }
        s
    })
}

fn step<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Step, Extra<'t, 's>> + Clone {
    let arrow = just(Token::Arrow).ignore_then(target_name());
    let next = arrow.clone().or_not();

    let activate = kw("activate")
        .ignore_then(string())
        .then(next.clone())
        .map(|(destination, next)| (StepKind::Activate { destination }, next));
    let weekday = name().separated_by(just(Token::Comma)).at_least(1).collect::<Vec<_>>();
    let wait_until =
        kw("until").ignore_then(choice((
            kw("date")
                .ignore_then(string())
                .then(next.clone())
                .map(|(date, next)| (StepKind::WaitUntilDate { date }, next)),
            kw("weekday")
                .ignore_then(weekday)
                .then(next.clone())
                .map(|(days, next)| (StepKind::WaitUntilWeekday { days }, next)),
            expr().then_ignore(kw("timeout")).then(duration_expected()).then(arrow.clone()).map(
                |((condition, timeout), on_timeout)| (StepKind::WaitUntil { condition, timeout, on_timeout }, None),
            ),
        )));
    let wait = kw("wait").ignore_then(choice((
        wait_until,
        duration_expected().then(next.clone()).map(|(duration, next)| (StepKind::Wait { duration }, next)),
    )));

    let when = kw("when").ignore_then(expr()).then(arrow.clone()).map_with(|(condition, target), e| Branch {
        condition,
        target,
        range: rng(e.span()),
    });
    let otherwise = kw("else").map_with(|_, e| rng(e.span())).then(arrow.clone());
    #[derive(Clone)]
    enum DecideMember {
        When(Branch),
        Else(TextRange, Name),
    }
    let decide = kw("decide")
        .ignore_then(block(
            choice((when.map(DecideMember::When), otherwise.map(|(at, target)| DecideMember::Else(at, target))))
                .labelled("`when … -> step` or `else -> step`"),
            keyword_of(&["when", "else"]),
        ))
        .validate(|members, e, emitter| {
            let mut branches = Vec::new();
            let mut otherwise: Option<(TextRange, Name)> = None;
            for m in members.into_iter().flatten() {
                match m {
                    DecideMember::When(b) => {
                        if otherwise.is_some() {
                            emitter.emit(custom(
                                span_of(b.range),
                                diag::MISPLACED_MEMBER,
                                "`when` after `else` is never reached",
                                "move `else` to the end: the first `when` that holds wins, and `else` catches the rest",
                            ));
                        }
                        branches.push(b);
                    }
                    DecideMember::Else(at, target) => match &otherwise {
                        Some(_) => emitter.emit(custom(
                            span_of(at),
                            diag::DUPLICATE_MEMBER,
                            "a decision has one `else`",
                            "remove the second `else`",
                        )),
                        None => otherwise = Some((at, target)),
                    },
                }
            }
            (StepKind::Decide { branches, otherwise: otherwise.map(|(_, n)| n), range: rng(e.span()) }, None)
        });

    let share = select! { Token::Percent(p) => p }
        .map_with(|p: &str, e| (p.to_string(), rng(e.span())))
        .labelled("a share such as `50%`");
    let control = kw("control").to(None);
    let variant = kw("variant").ignore_then(name()).map(Some);
    let arm = choice((control, variant)).then(share).then(arrow.clone()).map_with(
        |((variant, (share, share_range)), target), e| Arm {
            variant,
            share,
            share_range,
            target,
            range: rng(e.span()),
        },
    );
    let ab_test = kw("ab_test")
        .ignore_then(block(
            arm.labelled("`control N% -> step` or `variant name N% -> step`"),
            keyword_of(&["control", "variant"]),
        ))
        .map(|arms| (StepKind::AbTest { arms: arms.into_iter().flatten().collect() }, None));

    let jump =
        kw("jump").ignore_then(name().then(just(Token::Dot).ignore_then(name()).or_not())).map(|(first, second)| {
            match second {
                Some(stage) => (StepKind::Jump { journey: Some(first), stage }, None),
                None => (StepKind::Jump { journey: None, stage: first }, None),
            }
        });
    let merge = kw("merge").ignore_then(next).map(|next| (StepKind::Merge, next));
    let end = kw("end").to((StepKind::End, None));

    let kind = choice((activate, wait, decide, ab_test, jump, merge, end))
        .labelled("a step kind (`activate`, `wait`, `decide`, `ab_test`, `jump`, `merge` or `end`)");
    kw("step")
        .ignore_then(name())
        .then(was())
        .then_ignore(just(Token::Colon))
        .then(kind)
        .map_with(|((name, was), (kind, next)), e| Step { doc: None, name, was, kind, next, range: rng(e.span()) })
}

/// `moved old -> step`.
fn moved<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Moved, Extra<'t, 's>> + Clone {
    kw("moved").ignore_then(name()).then_ignore(just(Token::Arrow)).then(target_name()).map_with(|(old, to), e| Moved {
        old,
        to,
        range: rng(e.span()),
    })
}

/// An optional `(was old)` after a stage's or step's name.
fn was<'t, 's: 't>() -> impl Parser<'t, In<'t, 's>, Option<Was>, Extra<'t, 's>> + Clone {
    kw("was")
        .ignore_then(name())
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map_with(|old, e| Was { old, range: rng(e.span()) })
        .or_not()
}

fn span_of(range: TextRange) -> Sp {
    Sp::from(range.start as usize..range.end as usize)
}
