//! The example plan in `plans/territoire`: valid, large enough, and using
//! every feature of the format.

use crate::{example_plan, run};

#[test]
fn the_example_plan_is_valid_and_reports_the_ad_dns_cycle() {
    let plan = example_plan();
    let (code, stdout, stderr) = run(&["check", plan.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("valid, 1 warning"), "{stdout}");
    assert!(
        stderr.contains("warning[dependency-cycle]: dependency cycle: ad → dns-ad → ad"),
        "{stderr}"
    );
}

#[test]
fn the_example_plan_is_territory_sized_and_uses_every_feature() {
    let plan = example_plan();
    let (code, stdout, _) = run(&["check", plan.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(report["counts"]["services"].as_u64().unwrap() >= 120);
    assert!(report["counts"]["processes"].as_u64().unwrap() >= 25);
    assert!(report["files"].as_array().unwrap().len() >= 3, "includes");
    assert!(
        report["files"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().contains("communes/")),
        "nested include relative to the including file"
    );

    let (_, stdout, _) = run(&["show", plan.to_str().unwrap(), "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let services = doc["services"].as_array().unwrap();
    let processes = doc["processes"].as_array().unwrap();
    let deps = |x: &serde_json::Value| x["depends_on"].as_array().unwrap().clone();
    assert!(
        services
            .iter()
            .flat_map(deps)
            .any(|d| d.get("soft").is_some()),
        "soft links"
    );
    assert!(
        services
            .iter()
            .flat_map(deps)
            .any(|d| d.get("at_least").is_some()),
        "groups"
    );
    assert!(
        processes.iter().any(|p| !p["workaround"].is_null()),
        "workarounds"
    );
    assert!(
        services
            .iter()
            .any(|s| s["needs"].as_object().unwrap().len() >= 2),
        "multi-team needs"
    );
    assert!(
        services.iter().any(|s| !s["failover"].is_null()),
        "failover"
    );
    assert!(
        services
            .iter()
            .any(|s| !s["rto_s"].is_null() && !s["rpo_s"].is_null()),
        "declared objectives"
    );
    let kinds: std::collections::HashSet<&str> = services
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.len() >= 20, "kinds used: {kinds:?}");
}
