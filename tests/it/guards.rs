//! Hostile input: alias bombs, deep nesting, huge files. Each is refused
//! with exit code 2 and a message, without hanging or eating memory; and a
//! plan whose dependency chains are long enough to break a recursive walk.

use std::fmt::Write;

use crate::reprise;

fn check_file(name: &str, text: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write the file");
    let out = reprise()
        .arg("check")
        .arg(&path)
        .output()
        .expect("reprise runs");
    (
        out.status.code().expect("exits"),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_alias_bomb_is_refused() {
    // Nine levels of ten aliases each: a billion nodes once expanded.
    let mut text =
        String::from("name: bombe\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        writeln!(text, "x{i}: &a{i} [{refs}]").unwrap();
    }
    let (code, stderr) = check_file("bomb.yaml", text.as_bytes());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("error[yaml-syntax]: invalid YAML: repetition limit exceeded"),
        "{stderr}"
    );
    assert!(stderr.contains("anchors and aliases"), "{stderr}");
}

#[test]
fn nesting_100_000_deep_is_refused_before_parsing() {
    for (name, unit) in [("flow-map.yaml", "{a: "), ("flow-seq.yaml", "[")] {
        let (code, stderr) = check_file(name, unit.repeat(100_000).as_bytes());
        assert_eq!(code, 2, "{name}: {stderr}");
        assert!(
            stderr.contains("error[nesting-too-deep]: collections nested more than 64 deep"),
            "{stderr}"
        );
        assert!(stderr.contains(&format!("{name}:1:")), "{stderr}");
    }
}

#[test]
fn deep_block_nesting_is_refused() {
    let (code, stderr) = check_file(
        "block.yaml",
        format!("{}x", "- ".repeat(100_000)).as_bytes(),
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("recursion limit exceeded"), "{stderr}");
}

#[test]
fn a_50_mb_file_is_refused_from_its_size() {
    let mut text = String::from("name: énorme\ndescription: |\n");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("  une ligne de texte qui ne finit jamais de se répéter dans ce fichier\n");
    }
    let (code, stderr) = check_file("huge.yaml", text.as_bytes());
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(
            "error[file-too-large]: file is 50.0 MiB, more than the 32 MiB a plan file may be"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("split the plan into several files with `include`"),
        "{stderr}"
    );
}

#[test]
fn a_binary_file_is_refused() {
    let (code, stderr) = check_file("binary.yaml", &[0xff, 0xfe, 0x00, 0x41]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not UTF-8 text"), "{stderr}");
}

#[test]
fn an_empty_file_is_refused() {
    let (code, stderr) = check_file("empty.yaml", b"");
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("error[empty-file]"), "{stderr}");
}

#[test]
fn a_pipe_or_a_folder_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("plan.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let out = reprise()
        .arg("check")
        .arg(&fifo)
        .output()
        .expect("reprise runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not a regular file"), "{stderr}");
    let out = reprise()
        .arg("check")
        .arg(dir.path())
        .output()
        .expect("reprise runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a regular file"));
}

/// A dependency chain 20 000 services long: planning and simulating it
/// walks the chain without recursing along it (it used to overflow the
/// stack and abort).
#[test]
fn a_very_long_dependency_chain_is_planned_and_simulated() {
    let dir = tempfile::tempdir().unwrap();
    let n = 20_000;
    let mut plan = String::from(
        "name: chain\nentities: { e: { name: E } }\nteams: { t: { name: T, capacity: 2 } }\nservices:\n",
    );
    for i in 0..n {
        let dep = if i > 0 {
            format!(", depends_on: [s{}]", i - 1)
        } else {
            String::new()
        };
        plan.push_str(&format!(
            "  s{i}: {{ name: S{i}, kind: application{dep}, recovery: {{ duration: 1m, needs: {{ t: 1 }} }} }}\n"
        ));
    }
    plan.push_str(&format!(
        "processes:\n  p: {{ name: P, entity: e, criticality: vital, mtpd: 1d, depends_on: [s{}] }}\n",
        n - 1
    ));
    std::fs::write(dir.path().join("plan.yaml"), plan).unwrap();
    let scenario = dir.path().join("chain.yaml");
    std::fs::write(
        &scenario,
        "name: chain\nplan: plan.yaml\nevents:\n  - { at: 0m, outage: s0 }\n  - { at: 1h, outage: s5, for: 2h }\n",
    )
    .unwrap();
    let sc = scenario.to_str().unwrap();
    for args in [
        vec![
            "recover",
            "--scenario",
            sc,
            "--budget",
            "2",
            "--format",
            "json",
        ],
        vec!["simulate", sc, "--budget", "2", "--format", "json"],
    ] {
        let (code, out, err) = crate::run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert!(
            v["processes"].as_array().is_some_and(|p| !p.is_empty()),
            "{args:?}"
        );
    }
}
