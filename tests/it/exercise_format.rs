//! Exercise files: the shipped exercises load, every mistake is reported
//! with its place, decisions parse and print back, and the journal keeps
//! every acknowledged line through a crash.
//!
//! There is no `exercise` command yet, so most tests call the library; the
//! schema goes through the real binary.

use std::io::Write;
use std::path::{Path, PathBuf};

use reprise::exercise::journal::{Entry, Header, Journal, JournalError, Truncated};
use reprise::exercise::{self, Decision, Exercise, Expectation, LoadedExercise, Target, Verb};
use reprise::model::Plan;
use serde_json::Value;

use crate::{fixtures, run, scenarios};

fn fixture(name: &str) -> PathBuf {
    fixtures().join("exercises").join(name)
}

fn shipped() -> Vec<PathBuf> {
    vec![
        scenarios().join("exercises/rancongiciel-vpn.yaml"),
        scenarios().join("exercises/incendie-dc-a.yaml"),
    ]
}

/// Every diagnostic of an exercise, its scenario and its plan, rendered.
fn rendered(l: &LoadedExercise) -> String {
    let mut out = String::new();
    for d in &l.document.diagnostics {
        out.push_str(&d.render(&l.document.sources));
    }
    if let Some(s) = &l.scenario {
        for d in &s.document.diagnostics {
            out.push_str(&d.render(&s.document.sources));
        }
        if let Some(p) = &s.plan {
            for d in p.errors() {
                out.push_str(&d.render(&p.sources));
            }
        }
    }
    out
}

fn loaded(path: &Path) -> (LoadedExercise, Exercise) {
    let l = exercise::load(path);
    assert!(!l.has_errors(), "{}:\n{}", path.display(), rendered(&l));
    let e = l.exercise.clone().expect("an exercise without errors");
    (l, e)
}

#[test]
fn the_shipped_exercises_load_without_a_mistake() {
    for path in shipped() {
        let (l, e) = loaded(&path);
        assert!(
            l.document.diagnostics.is_empty(),
            "{}:\n{}",
            path.display(),
            rendered(&l)
        );
        let name = path.display();
        assert!((4..=6).contains(&e.objectives.len()), "{name}: objectives");
        assert!(e.roles.iter().any(|r| r.kind == exercise::RoleKind::Player));
        assert!(
            e.roles
                .iter()
                .any(|r| r.kind == exercise::RoleKind::Observer)
        );
        let all = e.injects.len() + e.contingencies.len();
        assert!((15..=24).contains(&all), "{name}: {all} injects");
        assert!(e.contingencies.len() >= 3, "{name}: contingency injects");
        assert!(e.injects.windows(2).all(|w| w[0].at <= w[1].at));
        assert!(e.start < e.end);
        // Every objective is trained by an inject or checked by itself.
        for o in &e.objectives {
            let used = e
                .injects
                .iter()
                .chain(&e.contingencies)
                .any(|i| i.objective.as_deref() == Some(o.id.as_str()));
            assert!(used || o.expects.is_some(), "{name}: objective {}", o.id);
        }
    }
}

#[test]
fn the_ransomware_exercise_opens_at_the_discovery_and_lasts_two_days() {
    let (_, e) = loaded(&shipped()[0]);
    assert_eq!(e.start, 5 * 86_400);
    assert_eq!(e.end, 7 * 86_400);
    assert_eq!(
        e.injects[0].at, e.start,
        "the first inject is the discovery"
    );
    assert!(
        e.injects
            .iter()
            .any(|i| i.channel == exercise::Channel::Press)
    );
    assert!(
        e.injects
            .iter()
            .any(|i| i.channel == exercise::Channel::Social)
    );
}

/// Every expected decision of the shipped exercises can be typed at the
/// facilitator's command line, and the decision typed meets it.
#[test]
fn every_expected_decision_can_be_taken() {
    for path in shipped() {
        let (l, e) = loaded(&path);
        let plan = l.plan().expect("a plan");
        let mut checked = 0;
        let expectations = e
            .injects
            .iter()
            .chain(&e.contingencies)
            .flat_map(|i| {
                i.expects
                    .iter()
                    .filter_map(|x| x.decision.as_ref())
                    .chain(i.unless.as_ref())
            })
            .chain(
                e.objectives
                    .iter()
                    .filter_map(|o| o.expects.as_ref().map(|d| &d.expect)),
            );
        for x in expectations {
            let command = command_meeting(plan, &e, x);
            let decision = Decision::parse(plan, &e, &command)
                .unwrap_or_else(|m| panic!("{}: `{command}`: {m}", path.display()));
            assert!(x.met_by(&decision), "{}: `{command}`", path.display());
            checked += 1;
        }
        assert!(checked >= 10, "{}: {checked}", path.display());
    }
}

/// A command whose decision meets `x`.
fn command_meeting(plan: &Plan, e: &Exercise, x: &Expectation) -> String {
    let verb = x.action.as_str();
    match (&x.target, x.action) {
        (Some(Target::Service(s)), _) => format!("{verb} {}", plan.service(*s).id),
        (Some(Target::Zone(z)), _) => format!("{verb} {}", plan.zones[z.index()].id),
        (Some(Target::Process(p)), _) => format!("{verb} {}", plan.process(*p).id),
        (Some(Target::Team(t)), _) => format!("{verb} {} 4", plan.team(*t).id),
        (Some(Target::Level(l)), _) => format!("crisis {l}"),
        (Some(Target::Objective(o)), _) => format!("evaluate {o} met"),
        (None, Verb::Restore | Verb::Failover) => {
            let s = plan
                .services
                .iter()
                .find(|s| s.recovery.failover.is_some())
                .unwrap();
            format!("{verb} {}", s.id)
        }
        (None, Verb::Relocate) => {
            let s = plan
                .services
                .iter()
                .find(|s| s.recovery.relocate.is_some())
                .unwrap();
            format!("relocate {}", s.id)
        }
        (None, Verb::Isolate | Verb::Reconnect) => format!("{verb} zone:{}", plan.zones[0].id),
        (None, Verb::Workaround) => format!(
            "workaround {}",
            plan.processes
                .iter()
                .find(|p| p.workaround.is_some())
                .unwrap()
                .id
        ),
        (None, Verb::Staff) => format!("staff {} 1", plan.teams[0].id),
        (None, Verb::Crisis) => "crisis 1".into(),
        (None, Verb::Note) => "note relevé".into(),
        (None, Verb::Evaluate) => format!("evaluate {} missed", e.objectives[0].id),
    }
}

#[test]
fn a_small_exercise_resolves_its_injects_in_time_order() {
    let (_, e) = loaded(&fixture("small.yaml"));
    assert_eq!((e.start, e.end, e.step), (0, 8 * 3_600, 1_800));
    let ids: Vec<&str> = e.injects.iter().map(|i| i.id.as_str()).collect();
    // i02 and i03 are both at 2h: they keep file order.
    assert_eq!(ids, ["i01", "i02", "i03"]);
    assert_eq!(e.contingencies.len(), 1);
    assert_eq!(e.contingencies[0].at, 3_600);
    assert!(e.inject("c01").is_some_and(|i| i.is_contingency()));
    assert_eq!(e.injects[1].to, ["dgs"], "a single role is an audience");
    assert_eq!(e.injects[0].expects.len(), 4);
    assert!(e.injects[0].expects[3].decision.is_none());
    assert_eq!(
        e.injects[0].expects[0].decision,
        Some(Expectation {
            action: Verb::Crisis,
            target: Some(Target::Level(2)),
        })
    );
    assert_eq!(
        e.objective("isoler").unwrap().expects.as_ref().unwrap().by,
        3_600
    );
    assert!(e.scenario_path.ends_with("scenarios/other.yaml"));
}

#[test]
fn without_end_an_exercise_ends_four_hours_after_its_last_inject() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exercice.yaml");
    std::fs::write(
        &path,
        format!(
            "title: Sans fin\nscenario: {}\nroles: [{{ id: dsi, name: DSI, kind: player }}]\n\
             injects:\n  - {{ id: a, at: 1h, to: dsi, channel: phone, from: X, text: Y }}\n  \
             - {{ id: b, contingency: {{ unless: note, by: 3h }}, to: dsi, channel: sms, from: X, text: Y }}\n",
            fixtures().join("scenarios/other.yaml").display()
        ),
    )
    .unwrap();
    let (_, e) = loaded(&path);
    assert_eq!((e.start, e.end, e.step), (0, 7 * 3_600, 3_600));
}

/// (code, message start, line:col, help part) for each mistake of
/// `exercises/bad.yaml`, in the order they are reported.
const BAD: &[(&str, &str, &str, &str)] = &[
    (
        "unknown-id",
        "unknown zone `server`",
        "8:41",
        "did you mean `servers`?",
    ),
    (
        "duplicate-id",
        "objective `isoler` is defined twice",
        "9:9",
        "rename one",
    ),
    (
        "unknown-value",
        "unknown value `joueur`",
        "14:33",
        "expected one of `player`, `facilitator`, `observer`",
    ),
    (
        "unknown-id",
        "unknown role `dgss`",
        "18:15",
        "did you mean `dgs`?",
    ),
    (
        "unknown-id",
        "unknown objective `isolr`",
        "22:16",
        "did you mean `isoler`?",
    ),
    (
        "duplicate-id",
        "inject `i01` is defined twice",
        "23:9",
        "rename one",
    ),
    (
        "outside-exercise",
        "the inject at 7h is outside the exercise, which runs from 0s to 6h",
        "24:9",
        "change the exercise's `start` or `end`",
    ),
    (
        "unknown-id",
        "unknown service `db-stanby`",
        "36:53",
        "did you mean `db-standby`?",
    ),
    (
        "bad-target",
        "`app` has no failover in the plan",
        "37:53",
        "services with a failover: `db`",
    ),
    (
        "unknown-id",
        "unknown team `infar`",
        "38:49",
        "did you mean `infra`?",
    ),
    (
        "bad-target",
        "`level` applies to `crisis`, not to `restore`",
        "39:49",
        "remove `level`",
    ),
    (
        "unknown-value",
        "unknown value `telephone`",
        "43:14",
        "expected one of `phone`, `mail`, `sms`, `press`, `social`, `radio`, `meeting`",
    ),
    (
        "bad-inject",
        "inject `i05` has both `at` and `contingency`",
        "46:5",
        "a contingency inject has `contingency: { unless: ACTION, by: TIME }`",
    ),
    (
        "bad-target",
        "`app` is a service; workarounds belong to processes",
        "54:48",
        "`restore app`",
    ),
    (
        "unknown-key",
        "unknown key `audience`",
        "55:5",
        "expected one of `id`, `at`, `contingency`, `to`",
    ),
];

#[test]
fn every_mistake_of_an_exercise_is_reported_with_its_place() {
    let l = exercise::load(&fixture("bad.yaml"));
    assert!(l.has_errors());
    assert!(l.exercise.is_none());
    let found: Vec<_> = l.document.diagnostics.iter().collect();
    assert_eq!(found.len(), BAD.len(), "{}", rendered(&l));
    for (d, (code, message, place, help)) in found.iter().zip(BAD) {
        let text = d.render(&l.document.sources);
        assert_eq!(d.code, *code, "{text}");
        assert!(d.message.starts_with(message), "{text}");
        assert!(
            text.contains(&format!("exercises/bad.yaml:{place}\n")),
            "expected {place}:\n{text}"
        );
        let h = d.help.as_deref().unwrap_or_default();
        assert!(h.contains(help), "expected help `{help}`:\n{text}");
    }
}

#[test]
fn an_impossible_window_is_refused() {
    let l = exercise::load(&fixture("window.yaml"));
    assert!(l.exercise.is_none());
    let text = rendered(&l);
    for (header, place) in [
        (
            "error[outside-exercise]: the exercise ends at 2h but starts at 4h",
            "window.yaml:4:6",
        ),
        (
            "error[bad-value]: `step` must be longer than 0s",
            "window.yaml:5:7",
        ),
    ] {
        assert!(text.contains(header), "missing {header}:\n{text}");
        assert!(text.contains(place), "missing {place}:\n{text}");
    }
}

#[test]
fn a_missing_scenario_is_reported_and_the_file_still_checked() {
    let l = exercise::load(&fixture("missing-scenario.yaml"));
    assert!(l.has_errors() && l.exercise.is_none() && l.scenario.is_none());
    let text = rendered(&l);
    assert!(
        text.contains("error[include-missing]: cannot open the scenario")
            && text.contains("missing-scenario.yaml:2:11"),
        "{text}"
    );
    assert!(
        text.contains("unknown role `dsi`") && text.contains("missing-scenario.yaml:4:29"),
        "references are checked without a plan:\n{text}"
    );
}

#[test]
fn a_file_that_is_not_an_exercise_is_refused_with_its_place() {
    let l = exercise::load(&fixtures().join("valid/plan.yaml"));
    assert!(l.has_errors() && l.exercise.is_none());
    let text = rendered(&l);
    assert!(
        text.contains("error[unknown-key]: unknown key `name`"),
        "{text}"
    );
    assert!(text.contains("missing key `title`"), "{text}");
}

#[test]
fn decisions_parse_and_print_back() {
    let (l, e) = loaded(&fixture("small.yaml"));
    let plan = l.plan().unwrap();
    for command in [
        "restore db",
        "restore db with dba",
        "failover db",
        "isolate zone:servers",
        "reconnect zone:users",
        "workaround etat-civil",
        "staff infra 4",
        "staff dba 0",
        "crisis 2",
        "note Cellule réunie en salle 204,  à 5h40",
        "evaluate isoler met",
        "evaluate registres missed Activés après l'ouverture des guichets",
    ] {
        let decision = Decision::parse(plan, &e, command).unwrap_or_else(|m| panic!("{m}"));
        assert_eq!(decision.to_command(plan), command);
        assert_eq!(
            Decision::parse(plan, &e, &decision.to_command(plan)),
            Ok(decision.clone())
        );
        assert_eq!(
            decision.action().as_str(),
            command.split(' ').next().unwrap()
        );
    }
    // Other spellings read as the same decision, printed the one way.
    for (written, printed) in [
        ("isolate servers", "isolate zone:servers"),
        ("  Restore   db   WITH   infra ", "restore db with infra"),
        ("evaluate isoler MET  ok ", "evaluate isoler met ok"),
        ("note   deux  espaces ", "note deux  espaces"),
    ] {
        let decision = Decision::parse(plan, &e, written).unwrap_or_else(|m| panic!("{m}"));
        assert_eq!(decision.to_command(plan), printed);
    }
    // Every action has a command that round-trips (relocation below: this
    // plan has no recovery site).
    for action in Verb::ALL.into_iter().filter(|a| *a != Verb::Relocate) {
        let command = command_meeting(
            plan,
            &e,
            &Expectation {
                action,
                target: None,
            },
        );
        let decision = Decision::parse(plan, &e, &command).unwrap();
        assert_eq!(decision.action(), action);
        assert_eq!(
            Decision::parse(plan, &e, &decision.to_command(plan)),
            Ok(decision)
        );
    }
}

#[test]
fn relocation_orders_parse_and_print_back() {
    let (l, e) = loaded(&scenarios().join("exercises/incendie-dc-a.yaml"));
    let plan = l.plan().unwrap();
    for command in ["relocate impression", "relocate impression to dc-b"] {
        let decision = Decision::parse(plan, &e, command).unwrap_or_else(|m| panic!("{m}"));
        assert_eq!(decision.to_command(plan), command);
        assert_eq!(decision.action(), Verb::Relocate);
    }
    for (command, needle) in [
        (
            "relocate esx-a",
            "`esx-a` cannot be relocated: the plan gives it no `relocate`",
        ),
        (
            "relocate impression to mairie-reze",
            "`impression` cannot be relocated to `mairie-reze`; its recovery sites: `dc-b`",
        ),
        (
            "relocate impression dc-b",
            "`impression dc-b` is not `SERVICE [to SITE]`; write `relocate SERVICE [to SITE]`",
        ),
    ] {
        let message = Decision::parse(plan, &e, command).unwrap_err().to_string();
        assert!(message.contains(needle), "`{command}`: {message}");
    }
}

#[test]
fn a_wrong_command_says_what_is_wrong() {
    let (l, e) = loaded(&fixture("small.yaml"));
    let plan = l.plan().unwrap();
    for (command, needle) in [
        ("", "empty command; commands: restore, failover"),
        (
            "restor db",
            "unknown command `restor`; did you mean `restore`?",
        ),
        (
            "reboot db",
            "commands: restore, failover, relocate, isolate",
        ),
        (
            "restore",
            "which service? write `restore SERVICE [with TEAM]`",
        ),
        (
            "restore db-stanby",
            "unknown service `db-stanby`; did you mean `db-standby`?",
        ),
        ("restore db by infra", "is not `SERVICE [with TEAM]`"),
        (
            "restore db with infar",
            "unknown team `infar`; did you mean `infra`?",
        ),
        (
            "restore etat-civil",
            "`etat-civil` is a process, not a service",
        ),
        (
            "failover app",
            "`app` has no failover in the plan; services with a failover: `db`",
        ),
        ("failover db db-standby", "one service at a time"),
        ("isolate site:dc-a", "`site:dc-a` is not a network zone"),
        (
            "isolate zone:server",
            "unknown zone `server`; did you mean `servers`?",
        ),
        ("reconnect", "which zone?"),
        (
            "workaround app",
            "`app` is a service; workarounds belong to processes",
        ),
        (
            "workaround etat-civl",
            "unknown process `etat-civl`; did you mean `etat-civil`?",
        ),
        ("staff infra", "write `staff TEAM N`"),
        ("staff infra deux", "`deux` is not a number of people"),
        ("staff infra -1", "`-1` is not a number of people"),
        ("crisis 4", "crisis levels are 1, 2 and 3, not `4`"),
        ("crisis", "write `crisis N`"),
        ("note", "the note is empty"),
        ("note   ", "the note is empty"),
        ("evaluate isoler", "an objective and `met` or `missed`"),
        ("evaluate isoler peut-être", "`peut-être` is not a verdict"),
        (
            "evaluate isolr met",
            "unknown objective `isolr`; did you mean `isoler`?",
        ),
    ] {
        let err = Decision::parse(plan, &e, command)
            .expect_err(command)
            .to_string();
        assert!(err.contains(needle), "`{command}`: {err}");
    }
}

#[test]
fn expectations_are_met_by_the_right_decisions_only() {
    let (l, e) = loaded(&fixture("small.yaml"));
    let plan = l.plan().unwrap();
    let parse = |c: &str| Decision::parse(plan, &e, c).unwrap();
    let unless = e.contingencies[0].unless.as_ref().unwrap();
    assert!(unless.met_by(&parse("isolate zone:servers")));
    assert!(!unless.met_by(&parse("isolate users")));
    assert!(!unless.met_by(&parse("reconnect servers")));
    let crisis = e.injects[0].expects[0].decision.as_ref().unwrap();
    assert!(crisis.met_by(&parse("crisis 2")) && crisis.met_by(&parse("crisis 3")));
    assert!(!crisis.met_by(&parse("crisis 1")));
    let staff = e.injects[2].expects[2].decision.as_ref().unwrap();
    assert!(staff.met_by(&parse("staff infra 3")) && !staff.met_by(&parse("staff dba 3")));
    let evaluate = e.injects[2].expects[3].decision.as_ref().unwrap();
    assert!(evaluate.met_by(&parse("evaluate registres missed")));
    assert!(!evaluate.met_by(&parse("evaluate isoler met")));
    let any_note = Expectation {
        action: Verb::Note,
        target: None,
    };
    assert!(any_note.met_by(&parse("note x")) && !any_note.met_by(&parse("crisis 1")));
}

fn header() -> Header {
    Header::new(
        Path::new("scenarios/exercises/rancongiciel-vpn.yaml"),
        b"title: x\n",
        42,
        std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_763_456_703),
    )
}

fn entries() -> Vec<Entry> {
    vec![
        Entry::Inject {
            seq: 1,
            t: 432_000,
            id: "i01".into(),
        },
        Entry::Decision {
            seq: 2,
            t: 432_000,
            by: Some("dsi".into()),
            command: "isolate zone:servers".into(),
            wall: "2025-11-18T09:07:12.500Z".into(),
        },
        Entry::Pause { seq: 3, t: 432_000 },
        Entry::Resume { seq: 4, t: 432_000 },
        Entry::Clock { seq: 5, t: 435_600 },
        Entry::Decision {
            seq: 6,
            t: 435_600,
            by: None,
            command: "note « guillemets », \"quotes\" et\nretour à la ligne".into(),
            wall: "2025-11-18T09:10:00.000Z".into(),
        },
        Entry::End { seq: 7, t: 439_200 },
    ]
}

fn written(path: &Path) -> Vec<Entry> {
    let mut j = Journal::create(path, &header()).unwrap();
    let all = entries();
    for e in &all {
        assert_eq!(j.next_seq(), e.seq());
        assert_eq!(j.append(e).unwrap(), e.seq());
    }
    all
}

#[test]
fn a_journal_reads_back_what_was_appended() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let all = written(&path);
    let (h, read, torn) = Journal::read(&path).unwrap();
    assert_eq!(h, header());
    assert_eq!(h.created, "2025-11-18T09:05:03.000Z");
    assert_eq!(
        h.exercise_hash,
        reprise::exercise::journal::hash(b"title: x\n")
    );
    assert_eq!(read, all);
    assert_eq!(torn, None);
    // One JSON object per line, each with its type.
    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 8);
    assert_eq!(lines[0]["type"], "header");
    assert_eq!(lines[0]["version"], 1);
    assert_eq!(lines[0]["seed"], 42);
    assert_eq!(lines[2]["type"], "decision");
    assert_eq!(lines[2]["command"], "isolate zone:servers");
    assert_eq!(
        lines[7],
        serde_json::json!({"type": "end", "seq": 7, "t": 439_200})
    );
    // Resuming goes on with the next number.
    let resumed = Journal::open_append(&path).unwrap();
    assert_eq!(resumed.entries, all);
    assert_eq!(resumed.repaired, None);
    assert_eq!(resumed.journal.next_seq(), 8);
}

#[test]
fn a_journal_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    written(&path);
    let before = std::fs::read(&path).unwrap();
    let err = Journal::create(&path, &header()).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn an_entry_out_of_sequence_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::create(&dir.path().join("j.jsonl"), &header()).unwrap();
    let err = j.append(&Entry::Clock { seq: 2, t: 0 }).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    assert_eq!(j.append(&Entry::Clock { seq: 1, t: 0 }).unwrap(), 1);
}

/// A crash while writing leaves the last line cut short: it was never
/// acknowledged, so reading ignores it and resuming cuts it off.
#[test]
fn a_torn_last_line_is_ignored_and_repaired_on_resume() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let all = written(&path);
    let complete = std::fs::read(&path).unwrap();
    for torn in [
        &b"{\"type\":\"clock\",\"seq\":8,\"t\":4"[..],
        // A whole entry without its newline was not acknowledged either.
        &b"{\"type\":\"clock\",\"seq\":8,\"t\":439200}"[..],
        // Zeros a file system left after a crash.
        &b"\0\0\0\0\n"[..],
    ] {
        std::fs::write(&path, &complete).unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(torn)
            .unwrap();
        let (_, read, truncated) = Journal::read(&path).unwrap();
        assert_eq!(read, all);
        assert_eq!(
            truncated,
            Some(Truncated {
                line: 9,
                bytes: torn.len() as u64
            })
        );
        let mut resumed = Journal::open_append(&path).unwrap();
        assert_eq!(resumed.entries, all);
        assert_eq!(resumed.repaired, truncated);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            complete,
            "the torn line is cut"
        );
        let next = Entry::Clock { seq: 8, t: 442_800 };
        assert_eq!(resumed.journal.append(&next).unwrap(), 8);
        let (_, read, truncated) = Journal::read(&path).unwrap();
        assert_eq!(read.len(), 8);
        assert_eq!(read[7], next);
        assert_eq!(truncated, None);
    }
}

#[test]
fn a_damaged_line_before_the_last_is_an_error_with_its_number() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    written(&path);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[3] = "{\"type\":\"pause\",\"seq\":3,";
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let err = Journal::read(&path).unwrap_err();
    assert!(
        matches!(err, JournalError::BadLine { line: 4, .. }),
        "{err}"
    );
    assert!(
        err.to_string().starts_with("line 4: not a journal entry"),
        "{err}"
    );
    assert!(
        Journal::open_append(&path).is_err(),
        "never repaired in the middle"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        lines.join("\n") + "\n"
    );

    // A missing entry breaks the sequence.
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(3);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let err = Journal::read(&path).unwrap_err();
    assert!(
        matches!(
            err,
            JournalError::Sequence {
                line: 4,
                expected: 3,
                found: 4
            }
        ),
        "{err}"
    );
}

#[test]
fn a_journal_without_a_complete_header_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    for text in ["", "{\"type\":\"header\",\"version\":1"] {
        std::fs::write(&path, text).unwrap();
        assert!(matches!(Journal::read(&path), Err(JournalError::NoHeader)));
    }
    std::fs::write(
        &path,
        "{\"type\":\"clock\",\"seq\":1,\"t\":0}\n{\"type\":\"clock\",\"seq\":2,\"t\":0}\n",
    )
    .unwrap();
    assert!(matches!(
        Journal::read(&path),
        Err(JournalError::BadHeader(_))
    ));
    let mut h = serde_json::to_value(header()).unwrap();
    h["type"] = "header".into();
    h["version"] = 99.into();
    std::fs::write(&path, format!("{h}\n")).unwrap();
    assert!(matches!(
        Journal::read(&path),
        Err(JournalError::Version { found: 99 })
    ));
}

/// The schema the exercises' modelines point at is the one the binary
/// prints, and the shipped exercises validate against it.
#[test]
fn the_exercise_schema_is_current_and_validates_the_exercises() {
    let (code, printed, _) = run(&["schema", "exercise"]);
    assert_eq!(code, 0);
    let committed =
        std::fs::read_to_string(scenarios().join("exercises/reprise.exercise.schema.json"))
            .unwrap();
    assert_eq!(
        printed, committed,
        "run `reprise schema exercise > scenarios/exercises/reprise.exercise.schema.json`"
    );
    let schema: Value = serde_json::from_str(&printed).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    for path in shipped().into_iter().chain([fixture("small.yaml")]) {
        let doc: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
    }
    let bad: Value =
        serde_yaml::from_str(&std::fs::read_to_string(fixture("bad.yaml")).unwrap()).unwrap();
    assert!(!validator.is_valid(&bad), "the schema accepts bad.yaml");
}

/// A refused command says its kind by a stable code, apart from its words:
/// an unknown name, a name of the wrong kind, or a command not written as
/// its syntax says.
#[test]
fn refused_commands_carry_their_kind() {
    let (l, e) = loaded(&fixture("small.yaml"));
    let plan = l.plan().unwrap();
    for (command, code, help) in [
        ("restore dbb", "unknown-id", Some("did you mean `db`?")),
        (
            "isolate site:dc-a",
            "bad-target",
            Some("write the zone as `zone:ID` or `ID`"),
        ),
        ("crisis 9", "bad-command", None),
        ("frobnicate db", "bad-command", None),
    ] {
        let err = Decision::parse(plan, &e, command).expect_err(command);
        assert_eq!(err.code, code, "`{command}`: {err}");
        assert_eq!(err.help.as_deref(), help, "`{command}`: {err}");
    }
}
