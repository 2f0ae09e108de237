//! A tiny run of every scenario, so the benchmark cannot rot. It checks
//! that each scenario runs and reports its figures, never how fast.
//!
//! The cluster scenarios need the PostgreSQL and NATS servers that
//! `./scripts/test.sh` starts (`CONFAB_TEST_POSTGRES_URL`,
//! `CONFAB_TEST_NATS_URL`, which the bench reads too); without them the
//! bench skips those two and so does this test's expectation.

/// Whether the environment names the cluster scenarios' services.
fn cluster_services() -> bool {
    ["CONFAB_TEST_POSTGRES_URL", "CONFAB_TEST_NATS_URL"]
        .iter()
        .all(|name| std::env::var(name).is_ok_and(|v| !v.trim().is_empty()))
}

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
    let mut expected = vec![
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
        "friends-sync",
        "rest",
    ];
    let cluster = cluster_services();
    if cluster {
        expected.extend(["cluster-c2c", "cluster-group"]);
    } else {
        eprintln!(
            "note: CONFAB_TEST_POSTGRES_URL / CONFAB_TEST_NATS_URL not set: \
             the cluster scenarios were skipped (./scripts/test.sh sets them)"
        );
    }
    assert_eq!(scenarios, expected);
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
    // Every message crossed from node to node and arrived.
    if cluster {
        let c2c = &report["reports"][17];
        assert_eq!(c2c["scenario"], "cluster-c2c");
        let delivered = c2c["figures"]
            .as_array()
            .expect("figures")
            .iter()
            .find(|f| f["name"] == "PG 2 nodes: msgs/s delivered")
            .expect("the two-node figure");
        assert!(delivered["value"].as_f64().is_some_and(|v| v > 0.0));
    }
}
