//! Each kind of mistake in a plan: the real binary on a bad file, the
//! message, its place, and exit code 2.

use crate::run;

struct Case {
    file: &'static str,
    code: &'static str,
    place: &'static str,
    message: &'static str,
    help: &'static str,
}

const CASES: &[Case] = &[
    Case {
        file: "bad/syntax.yaml",
        code: "yaml-syntax",
        place: "bad/syntax.yaml:5:9",
        message: "invalid YAML: did not find expected ',' or ']'",
        help: "",
    },
    Case {
        file: "bad/unknown_key.yaml",
        code: "unknown-key",
        place: "bad/unknown_key.yaml:7:5",
        message: "unknown key `dependson` in service",
        help: "help: did you mean `depends_on`? expected one of `name`, `kind`",
    },
    Case {
        file: "bad/unknown_key.yaml",
        code: "unknown-key",
        place: "bad/unknown_key.yaml:8:31",
        message: "unknown key `neds` in recovery",
        help: "help: did you mean `needs`?",
    },
    Case {
        file: "bad/wrong_type.yaml",
        code: "wrong-type",
        place: "bad/wrong_type.yaml:3:35",
        message: "expected a whole number, found text `trois`",
        help: "help: write digits only",
    },
    Case {
        file: "bad/wrong_type.yaml",
        code: "wrong-type",
        place: "bad/wrong_type.yaml:8:17",
        message: "expected a list, found text `dns`",
        help: "help: write a list in brackets",
    },
    Case {
        file: "bad/unknown_id.yaml",
        code: "unknown-id",
        place: "bad/unknown_id.yaml:8:18",
        message: "unknown service `dsn`",
        help: "help: did you mean `dns`?",
    },
    Case {
        file: "bad/unknown_id.yaml",
        code: "unknown-id",
        place: "bad/unknown_id.yaml:11:43",
        message: "unknown entity `vile`",
        help: "help: did you mean `ville`?",
    },
    Case {
        file: "bad/duplicate_a.yaml",
        code: "duplicate-id",
        place: "bad/sub/duplicate_b.yaml:3:3",
        message: "service `ad` is defined twice",
        help: "help: ids are unique across all the files of a plan",
    },
    Case {
        file: "bad/bad_duration.yaml",
        code: "bad-duration",
        place: "bad/bad_duration.yaml:4:71",
        message: "bad duration: `4` is a bare number: durations need a unit, e.g. `4h` or `4m`",
        help: "",
    },
    Case {
        file: "bad/bad_duration.yaml",
        code: "bad-duration",
        place: "bad/bad_duration.yaml:5:54",
        message: "bad duration: `2j`: unknown unit `j`",
        help: "",
    },
    Case {
        file: "bad/bad_duration.yaml",
        code: "bad-duration",
        place: "bad/bad_duration.yaml:7:68",
        message: "bad duration: `12h5d`: write units from largest to smallest",
        help: "",
    },
    Case {
        file: "bad/group_too_large.yaml",
        code: "group-too-large",
        place: "bad/group_too_large.yaml:8:30",
        message: "`at_least: 3` but the group has only 2 members",
        help: "help: use at most `at_least: 2`",
    },
    Case {
        file: "bad/over_capacity.yaml",
        code: "need-over-capacity",
        place: "bad/over_capacity.yaml:10:23",
        message: "`san` needs 3 people of team `infra`, which has a capacity of 2",
        help: "help: lower the need to at most 2",
    },
    Case {
        file: "bad/include_cycle.yaml",
        code: "include-cycle",
        place: "bad/sub/cycle_c.yaml:1:11",
        message: "include cycle: bad/include_cycle.yaml → bad/sub/cycle_b.yaml → bad/sub/cycle_c.yaml → bad/include_cycle.yaml",
        help: "",
    },
    Case {
        file: "bad/missing_include.yaml",
        code: "include-missing",
        place: "bad/missing_include.yaml:4:5",
        message: "cannot open `bad/reseau/absent.yaml`: no such file",
        help: "help: include paths are relative to the file that includes them",
    },
    Case {
        file: "bad/relocation.yaml",
        code: "self-twin",
        place: "bad/relocation.yaml:8:60",
        message: "`esx-a` is its own twin",
        help: "help: name the service at `b` that stands in for `esx-a`",
    },
    Case {
        file: "bad/relocation.yaml",
        code: "self-stand-in",
        place: "bad/relocation.yaml:9:40",
        message: "site `c` stands in for itself",
        help: "help: name the site whose services can be brought back here",
    },
    Case {
        file: "bad/relocation.yaml",
        code: "bad-value",
        place: "bad/relocation.yaml:9:53",
        message: "recovery site `c` has no room",
        help: "help: write how many hosting units",
    },
    Case {
        file: "bad/relocation.yaml",
        code: "not-a-recovery-site",
        place: "bad/relocation.yaml:13:136",
        message: "site `d` does not stand in for `a`, the site of `app1`",
        help: "help: add `stands_in_for: { site: a, capacity: … }` to site `d`",
    },
    Case {
        file: "bad/relocation.yaml",
        code: "too-large",
        place: "bad/relocation.yaml:14:138",
        message: "`app2` takes 3 hosting units, more than any of its recovery sites has (2)",
        help: "help: lower its size, or raise the recovery site's `capacity`",
    },
    Case {
        file: "bad/relocation.yaml",
        code: "relocate-without-site",
        place: "bad/relocation.yaml:15:121",
        message: "`app3` can be relocated but has no `site`",
        help: "give it its `site`",
    },
    Case {
        file: "bad/relocation.yaml",
        code: "no-recovery-site",
        place: "bad/relocation.yaml:16:130",
        message: "`app4` can be relocated, but no site stands in for `d`",
        help: "help: declare the recovery site",
    },
    Case {
        file: "bad/relocation.yaml",
        code: "bad-value",
        place: "bad/relocation.yaml:17:130",
        message: "`relocate: false` says nothing: leave the key out",
        help: "",
    },
];

#[test]
fn every_kind_of_mistake_is_reported_with_its_place_and_exit_code_2() {
    for case in CASES {
        let (code, stdout, stderr) = run(&["check", case.file]);
        assert_eq!(code, 2, "{}: exit code\n{stderr}", case.file);
        let header = format!("error[{}]: {}", case.code, case.message);
        assert!(
            stderr.contains(&header),
            "{}: missing `{header}` in\n{stderr}",
            case.file
        );
        let place = format!("--> {}", case.place);
        assert!(
            stderr.contains(&place),
            "{}: missing `{place}` in\n{stderr}",
            case.file
        );
        assert!(
            stderr.contains(case.help),
            "{}: missing `{}` in\n{stderr}",
            case.file,
            case.help
        );
        assert!(
            stdout.contains("invalid: "),
            "{}: verdict in\n{stdout}",
            case.file
        );
        assert!(!stderr.contains("panicked"), "{}: {stderr}", case.file);
    }
}

#[test]
fn all_errors_are_reported_not_only_the_first() {
    let (code, stdout, stderr) = run(&["check", "bad/bad_duration.yaml"]);
    assert_eq!(code, 2);
    assert_eq!(stderr.matches("error[bad-duration]").count(), 3, "{stderr}");
    assert!(stdout.contains("invalid: 3 errors, 0 warnings"), "{stdout}");
}

#[test]
fn the_caret_is_under_the_mistake() {
    let (_, _, stderr) = run(&["check", "bad/unknown_id.yaml"]);
    let expected = "8 |     depends_on: [dsn]\n  |                  ^^^ no service has this id";
    assert!(stderr.contains(expected), "{stderr}");
}

#[test]
fn the_duplicate_points_at_both_definitions() {
    let (_, _, stderr) = run(&["check", "bad/duplicate_a.yaml"]);
    assert!(stderr.contains("--> bad/duplicate_a.yaml:4:3"), "{stderr}");
    assert!(stderr.contains("first defined here"), "{stderr}");
}

#[test]
fn json_diagnostics_carry_file_line_and_column() {
    let (code, stdout, _) = run(&["check", "bad/unknown_id.yaml", "--format", "json"]);
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("check writes JSON");
    assert_eq!(report["valid"], false);
    let first = &report["diagnostics"][0];
    assert_eq!(first["code"], "unknown-id");
    assert_eq!(first["file"], "bad/unknown_id.yaml");
    assert_eq!(first["line"], 8);
    assert_eq!(first["column"], 18);
    assert_eq!(first["help"], "did you mean `dns`?");
}

#[test]
fn a_plan_file_that_does_not_exist_is_bad_input() {
    let (code, _, stderr) = run(&["check", "bad/nowhere.yaml"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("cannot open `bad/nowhere.yaml`: no such file"),
        "{stderr}"
    );
}

#[test]
fn commands_that_need_a_valid_plan_refuse_a_bad_one() {
    for command in ["show", "graph"] {
        let (code, stdout, stderr) = run(&[command, "bad/unknown_id.yaml"]);
        assert_eq!(code, 2, "{command}");
        assert!(
            stdout.is_empty(),
            "{command} wrote output for a bad plan: {stdout}"
        );
        assert!(
            stderr.contains("unknown service `dsn`"),
            "{command}: {stderr}"
        );
    }
}
