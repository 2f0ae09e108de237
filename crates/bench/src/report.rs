//! What a scenario measured: named figures with units and the bar each
//! must reach, plus the server's resource use over the run.

use serde::Serialize;

/// Which way a bar points.
#[derive(Clone, Copy, Debug, Serialize)]
pub enum Goal {
    /// The figure must be at most the bar.
    AtMost,
    /// The figure must be at least the bar.
    AtLeast,
}

/// One measured figure (the median over runs).
#[derive(Clone, Debug, Serialize)]
pub struct Figure {
    /// What was measured.
    pub name: String,
    /// The median over runs.
    pub value: f64,
    /// Unit of `value`.
    pub unit: &'static str,
    /// Every run's value.
    pub runs: Vec<f64>,
    /// (max - min) / median over the runs.
    pub spread: f64,
    /// The bar, if this figure has one.
    pub bar: Option<f64>,
    /// Which way the bar points.
    pub goal: Option<Goal>,
}

impl Figure {
    /// Whether the bar is met (`None` without a bar).
    pub fn met(&self) -> Option<bool> {
        Some(match self.goal? {
            Goal::AtMost => self.value <= self.bar?,
            Goal::AtLeast => self.value >= self.bar?,
        })
    }
}

/// One figure of one run.
#[derive(Clone, Debug)]
pub struct RunValue {
    /// What was measured.
    pub name: String,
    /// The value.
    pub value: f64,
    /// Its unit.
    pub unit: &'static str,
    /// The bar and which way it points.
    pub bar: Option<(Goal, f64)>,
}

/// The figures of one run of a scenario, before aggregation.
#[derive(Clone, Debug, Default)]
pub struct RunFigures {
    /// The figures, in the order reported.
    pub values: Vec<RunValue>,
}

impl RunFigures {
    /// Adds a figure without a bar.
    pub fn add(&mut self, name: &str, value: f64, unit: &'static str) {
        self.values.push(RunValue { name: name.to_owned(), value, unit, bar: None });
    }

    /// Adds a figure with a bar.
    pub fn add_bar(&mut self, name: &str, value: f64, unit: &'static str, goal: Goal, bar: f64) {
        self.values.push(RunValue { name: name.to_owned(), value, unit, bar: Some((goal, bar)) });
    }
}

/// A scenario's report.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// Scenario name.
    pub scenario: String,
    /// Sizes and settings used.
    pub params: serde_json::Value,
    /// Aggregated figures.
    pub figures: Vec<Figure>,
}

/// Aggregates several runs of one scenario into medians.
pub fn aggregate(scenario: &str, params: serde_json::Value, runs: &[RunFigures]) -> Report {
    let mut figures: Vec<Figure> = Vec::new();
    if let Some(first) = runs.first() {
        for (i, RunValue { name, unit, bar, .. }) in first.values.iter().enumerate() {
            let values: Vec<f64> =
                runs.iter().filter_map(|r| r.values.get(i).map(|v| v.value)).collect();
            let mut sorted = values.clone();
            figures.push(Figure {
                name: name.clone(),
                value: crate::stats::median(&mut sorted),
                unit,
                spread: crate::stats::spread(&values),
                runs: values,
                bar: bar.map(|b| b.1),
                goal: bar.map(|b| b.0),
            });
        }
    }
    Report { scenario: scenario.to_owned(), params, figures }
}

/// Prints reports as a human table.
pub fn print_table(reports: &[Report]) {
    println!(
        "{:<12} {:<42} {:>10} {:<9} {:>7} {:>12} {:>4}",
        "scenario", "figure", "median", "unit", "spread", "bar", "met"
    );
    for report in reports {
        for f in &report.figures {
            let bar = match (f.goal, f.bar) {
                (Some(Goal::AtMost), Some(b)) => format!("<= {}", fmt(b)),
                (Some(Goal::AtLeast), Some(b)) => format!(">= {}", fmt(b)),
                _ => String::new(),
            };
            let met = match f.met() {
                Some(true) => "yes",
                Some(false) => "NO",
                None => "",
            };
            println!(
                "{:<12} {:<42} {:>10} {:<9} {:>6.0}% {:>12} {:>4}",
                report.scenario,
                f.name,
                fmt(f.value),
                f.unit,
                f.spread * 100.0,
                bar,
                met
            );
        }
    }
}

fn fmt(v: f64) -> String {
    if v.abs() >= 100.0 {
        format!("{v:.0}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.3}")
    }
}
