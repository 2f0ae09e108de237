//! A tiny run of every scenario, so the benchmark cannot rot. It checks
//! that each scenario runs and reports its figures, never how fast.

#[test]
fn every_scenario_runs_at_smoke_size() {
    let out_dir = tempfile::tempdir().expect("temp dir");
    let json_path = out_dir.path().join("report.json");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_confab-bench"))
        .arg("--smoke")
        .arg("--json-out")
        .arg(&json_path)
        .output()
        .expect("run confab-bench");
    assert!(
        output.status.success(),
        "confab-bench failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_path).expect("JSON report written"))
            .expect("JSON report parses");
    let scenarios: Vec<&str> = report["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .map(|r| r["scenario"].as_str().expect("scenario name"))
        .collect();
    assert_eq!(
        scenarios,
        [
            "latency",
            "throughput",
            "history",
            "connections",
            "cold-start",
            "local-page",
            "search-local",
            "durability",
            "upload",
            "logins",
            "group-work",
            "group-avchatroom",
            "group-catchup",
            "group-catchup-sdk",
            "community-catchup-sdk",
            "friends-sync"
        ]
    );
    for r in report["reports"].as_array().expect("reports") {
        let figures = r["figures"].as_array().expect("figures");
        assert!(!figures.is_empty(), "{} reports figures", r["scenario"]);
        assert!(figures.iter().all(|f| f["value"].as_f64().is_some_and(f64::is_finite)));
    }
    // Durability is also a correctness check: nothing acknowledged is lost.
    let durability = &report["reports"][7]["figures"];
    let found = durability
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["name"] == "acknowledged found after restart")
        .expect("durability figure");
    assert_eq!(found["value"], 100.0);
}
