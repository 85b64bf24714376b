//! `reprise exercise run`: a scripted exercise driven end to end through the
//! terminal interface, and the journal's promise checked the hard way: the
//! process is killed (SIGKILL) at random points while commands stream in,
//! resumed from its journal, and must have lost no acknowledged decision
//! and rebuilt exactly the state a clean run of the journal's commands
//! reaches.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

use crate::{reprise, scenarios};

fn exercise(name: &str) -> PathBuf {
    scenarios().join("exercises").join(name)
}

/// Runs `exercise run` with a script on stdin; returns (code, stdout, stderr).
fn script(
    exercise: &Path,
    journal_flag: &str,
    journal: &Path,
    lines: &[&str],
) -> (i32, String, String) {
    let mut input = lines.join("\n");
    input.push('\n');
    let out = reprise()
        .args([
            "exercise",
            "run",
            exercise.to_str().unwrap(),
            journal_flag,
            journal.to_str().unwrap(),
        ])
        .write_stdin(input)
        .output()
        .unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// The last `json` line of a session's output, without what legitimately
/// differs between two sessions (wall-clock times).
fn state(stdout: &str) -> Value {
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .expect("a json line");
    let mut v: Value = serde_json::from_str(line).unwrap();
    for d in v["decisions"].as_array_mut().unwrap() {
        d.as_object_mut().unwrap().remove("wall");
    }
    v
}

/// A service's entry in a session's state.
fn service(v: &Value, id: &str) -> Value {
    v["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == id)
        .unwrap_or_else(|| panic!("no service {id}"))
        .clone()
}

fn journal_lines(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

#[test]
fn a_scripted_exercise_runs_end_to_end() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("j.jsonl");
    let ex = exercise("rancongiciel-vpn.yaml");
    let (code, out, err) = script(
        &ex,
        "--journal",
        &journal,
        &[
            "help restore",
            "next",
            "@dsi crisis 2",
            "@rssi isolate zone:users",
            "restore depot-immuable with infra",
            "restore ad with infra",
            "restore nothing-such",
            "workaround etat-civil-nantes",
            "step 2h",
            "status",
            "json",
            "end",
            "next",
            "quit",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("restore SERVICE [with TEAM]"), "{out}");
    // Every change acknowledged with its journal number, refusals explained.
    assert!(out.contains("ok #"), "{out}");
    assert!(
        out.contains("error: ") && out.contains("nothing-such"),
        "{out}"
    );
    assert!(out.contains("error: the exercise has ended"), "{out}");
    let v = state(&out);
    assert_eq!(v["crisis"], 2);
    // The players isolated the users' zone; the scenario itself cuts the
    // internet link and the DMZ at 5d30m.
    assert!(
        v["isolated"].as_array().unwrap().contains(&"users".into()),
        "{}",
        v["isolated"]
    );
    // The clock moved to the first inject after the start, then 2 hours.
    let first = v["injects"][1]["at"]["t"].as_u64().unwrap();
    assert_eq!(v["clock"]["t"].as_u64().unwrap(), first + 7200);
    // The immutable repository and AD, which the attacker held, are
    // ordered but wait: nothing it held is rebuilt before the scenario's
    // three-day investigation ends (T+8d).
    let service = |id: &str| service(&v, id);
    for id in ["depot-immuable", "ad"] {
        let s = service(id);
        assert_eq!(s["damage"], "destroyed", "{s}");
        assert_eq!(
            (s["ordered"].as_bool(), &s["work"]),
            (Some(true), &Value::Null),
            "{s}"
        );
        assert_eq!(s["investigation"]["t"], 8 * 86_400, "{s}");
    }
    let infra = v["teams"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "infra")
        .unwrap();
    assert_eq!(infra["busy"].as_u64(), Some(0), "{infra}");
    // The workaround is active: the process is no longer counted down.
    let ec = v["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "etat-civil-nantes")
        .unwrap();
    assert_eq!(ec["workaround"], true, "{ec}");
    // The journal has the header, the injects, the decisions with their
    // roles, and the end, numbered 1, 2, 3…
    let lines = journal_lines(&journal);
    assert_eq!(lines[0]["type"], "header");
    let kinds: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l["type"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"inject") && kinds.contains(&"clock"));
    assert_eq!(kinds.last(), Some(&"end"));
    for (i, l) in lines[1..].iter().enumerate() {
        assert_eq!(l["seq"], i as u64 + 1);
    }
    let decisions: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["type"] == "decision")
        .map(|l| {
            (
                l["command"].as_str().unwrap(),
                l["by"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        decisions,
        [
            ("crisis 2", "dsi"),
            ("isolate zone:users", "rssi"),
            ("restore depot-immuable with infra", ""),
            ("restore ad with infra", ""),
            ("workaround etat-civil-nantes", ""),
        ]
    );
    // A journal is never overwritten.
    let (code, _, err) = script(&ex, "--journal", &journal, &["quit"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("already exists") && err.contains("--resume"),
        "{err}"
    );
}

/// A running `exercise run` fed line by line.
struct Live {
    child: Child,
    acks: mpsc::Receiver<String>,
}

impl Live {
    fn start(exercise: &Path, flag: &str, journal: &Path) -> Live {
        let bin = assert_cmd::cargo::cargo_bin("reprise");
        let mut child = Command::new(bin)
            .args([
                "exercise",
                "run",
                exercise.to_str().unwrap(),
                flag,
                journal.to_str().unwrap(),
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (tx, acks) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.starts_with("ok #") || line.starts_with("error:") {
                    let _ = tx.send(line);
                }
            }
        });
        Live { child, acks }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.child.stdin.as_mut().unwrap();
        let _ = writeln!(stdin, "{line}");
        let _ = stdin.flush();
    }

    fn ack(&self) -> Option<String> {
        self.acks.recv_timeout(Duration::from_secs(20)).ok()
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The commands a journal holds, as a script that replays them.
fn commands_of(journal: &Path) -> Vec<String> {
    journal_lines(journal)
        .iter()
        .filter_map(|l| match l["type"].as_str()? {
            "clock" => Some(format!("goto {}s", l["t"])),
            "decision" => Some(match l["by"].as_str() {
                Some(by) => format!("@{by} {}", l["command"].as_str().unwrap()),
                None => l["command"].as_str().unwrap().to_string(),
            }),
            "pause" => Some("pause".into()),
            "resume" => Some("resume".into()),
            "end" => Some("end".into()),
            _ => None,
        })
        .collect()
}

#[test]
fn killed_at_random_points_it_resumes_with_every_acknowledged_decision() {
    let ex = exercise("rancongiciel-vpn.yaml");
    // What the players do, in order; `next` and `step` move the clock.
    let commands = [
        "next",
        "@dsi crisis 2",
        "@rssi isolate zone:users",
        "restore ad with infra",
        "next",
        "workaround etat-civil-nantes",
        "restore dns-ad",
        "@dgs note Point presse à 20h",
        "step 30m",
        "staff secu 3",
        "restore fw-internet",
        "next",
        "restore bastion",
        "@observateur evaluate cellule met Cellule réunie à temps",
        "next",
        "restore sql-a",
        "isolate zone:scada",
        "step",
        "restore oracle-a",
        "next",
    ];
    // A small deterministic generator: the kill points are random but the
    // test is reproducible.
    let mut seed = 0x5EED_u64;
    let mut random = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for round in 0..10 {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("j.jsonl");
        let mut acked: Vec<String> = Vec::new();
        let mut next = 0usize;
        // Two crashes per round, then a clean resume.
        for _crash in 0..2 {
            // Killed before it even created its journal: start afresh.
            let flag = if journal.exists() {
                "--resume"
            } else {
                "--journal"
            };
            let mut live = Live::start(&ex, flag, &journal);
            // Stream a burst of commands without waiting, then read only
            // some of the acknowledgements before killing.
            let burst = 1 + random(6);
            let wait_for = random(burst + 1);
            let sent: Vec<&str> = commands[next.min(commands.len())..]
                .iter()
                .take(burst)
                .copied()
                .collect();
            for c in &sent {
                live.send(c);
            }
            for c in sent.iter().take(wait_for) {
                let ack = live.ack().expect("an answer before the deadline");
                if ack.starts_with("ok #") {
                    acked.push((*c).to_string());
                }
            }
            next += sent.len();
            drop(live); // SIGKILL, possibly in the middle of a write.
        }
        if !journal.exists() {
            // Killed each time before the journal existed: nothing was
            // acknowledged either.
            assert!(
                acked.is_empty(),
                "round {round}: {acked:?} acknowledged without a journal"
            );
            continue;
        }
        // Resume and look.
        let (code, out, err) = script(&ex, "--resume", &journal, &["json", "quit"]);
        assert_eq!(code, 0, "round {round}: {err}");
        let resumed = state(&out);
        // No acknowledged decision is lost.
        let in_journal = commands_of(&journal);
        for a in acked
            .iter()
            .filter(|a| !["next", "step", "step 30m"].contains(&a.as_str()))
        {
            let stripped = a
                .split_once(' ')
                .filter(|_| a.starts_with('@'))
                .map_or(a.as_str(), |x| x.1);
            assert!(
                in_journal.iter().any(|j| j.ends_with(stripped)),
                "round {round}: acknowledged `{a}` lost; journal: {in_journal:?}"
            );
        }
        // The same state as a clean run of the journal's commands.
        let clean_journal = dir.path().join("clean.jsonl");
        let mut replay: Vec<&str> = in_journal.iter().map(String::as_str).collect();
        replay.extend(["json", "quit"]);
        let (code, out, err) = script(&ex, "--journal", &clean_journal, &replay);
        assert_eq!(code, 0, "{err}");
        let clean = state(&out);
        assert_eq!(resumed, clean, "round {round}: resumed state differs");
    }
}

#[test]
fn the_fire_exercise_runs_in_the_terminal_and_fails_over_to_the_backup_site() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("fire.jsonl");
    let (code, out, err) = script(
        &exercise("incendie-dc-a.yaml"),
        "--journal",
        &journal,
        &[
            "next",
            "next",
            "@dsi failover ad",
            "@dsi failover sql-a",
            "step 1h",
            "json",
            "quit",
        ],
    );
    assert_eq!(code, 0, "{err}");
    // The fire is the first inject; the clock followed the injects.
    assert!(out.contains("▶ [f01]") && out.contains("▶ [f03]"), "{out}");
    let v = state(&out);
    assert_eq!(v["clock"]["t"], 45 * 60 + 3600);
    let service = |id: &str| service(&v, id);
    // Failed over within the hour: running on DC-B although DC-A burnt.
    for id in ["ad", "sql-a"] {
        let s = service(id);
        assert!(s["damage"].is_null(), "{s}");
        assert_ne!(s["state"], "down", "{s}");
    }
    // What was not ordered stays destroyed.
    assert_eq!(service("esx-a")["damage"], "destroyed");
}

#[test]
fn the_fire_exercise_relocates_to_dc_b_on_the_players_order() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("fire.jsonl");
    let (code, out, err) = script(
        &exercise("incendie-dc-a.yaml"),
        "--journal",
        &journal,
        &[
            "next",
            "next",
            "@dsi failover ad",
            "@dsi failover sql-a",
            // Refused with a reason: the burnt hypervisors cannot be moved,
            // and DC-A is no recovery site.
            "@dsi relocate esx-a",
            "@dsi relocate impression to dc-a",
            "@dsi relocate impression to dc-b",
            "step 12h",
            "json",
            "quit",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("`esx-a` cannot be relocated: the plan gives it no `relocate`"),
        "{out}"
    );
    assert!(
        out.contains("`impression` cannot be relocated to `dc-a`"),
        "{out}"
    );
    let v = state(&out);
    // Restored at DC-B, once DC-B opened (4 h after the fire) and the
    // directory was back on its standby: up although DC-A burnt.
    let s = service(&v, "impression");
    assert!(s["damage"].is_null(), "{s}");
    assert_ne!(s["state"], "down", "{s}");
    assert!(
        commands_of(&journal).contains(&"@dsi relocate impression to dc-b".to_string()),
        "{:?}",
        commands_of(&journal)
    );
}

/// The terminal reads times as the web page does (`T+…`, `T0`), through
/// the library's one command language, and refuses what does not read
/// without stopping.
#[test]
fn the_terminal_reads_times_as_the_web_does() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("times.jsonl");
    let (code, out, err) = script(
        &exercise("incendie-dc-a.yaml"),
        "--journal",
        &journal,
        &[
            "goto T+2h",
            "step soon",
            "goto",
            "@dsi status",
            "json",
            "quit",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(state(&out)["clock"]["t"], 2 * 3600);
    assert!(out.contains("error: `soon`: "), "{out}");
    assert!(out.contains("error: goto needs a time"), "{out}");
    // A role in front of the terminal's own words changes nothing.
    assert!(!out.contains("unknown command `status`"), "{out}");
}
