//! Solver quality on PSPLIB: solves every `.sm` instance of a set with a
//! fixed budget and compares with the optimal or best known makespans.
//!
//! ```sh
//! cargo run --release --example psplib -- ../shared/data/psplib/j30 \
//!     ../shared/data/psplib/solutions/j30opt.sm --schedules 50000 --threads 2
//! ```
//!
//! Each instance is solved on one thread; `--threads` solves several
//! instances at once. The data is not part of this repository: download
//! PSPLIB, or use the copy beside it.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use reprise::recovery::{Budget, Options, psplib, solve};

struct Args {
    dir: PathBuf,
    solutions: PathBuf,
    schedules: u64,
    threads: usize,
    seed: u64,
    limit: Option<usize>,
}

fn args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let dir = it.next().ok_or(
        "usage: psplib DIR SOLUTIONS [--schedules N] [--threads N] [--seed N] [--limit N]",
    )?;
    let solutions = it.next().ok_or("missing the solutions file")?;
    let mut a = Args {
        dir: dir.into(),
        solutions: solutions.into(),
        schedules: 50_000,
        threads: 1,
        seed: 1,
        limit: None,
    };
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let n: u64 = value.parse().map_err(|_| format!("{flag}: not a number"))?;
        match flag.as_str() {
            "--schedules" => a.schedules = n,
            "--threads" => a.threads = n as usize,
            "--seed" => a.seed = n,
            "--limit" => a.limit = Some(n as usize),
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    Ok(a)
}

fn main() {
    let a = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    let known: std::collections::HashMap<(u32, u32), u64> = psplib::parse_solutions(
        // j120hrs.sm is ISO-8859-1: only its digits matter.
        &String::from_utf8_lossy(&std::fs::read(&a.solutions).expect("read the solutions file")),
    )
    .into_iter()
    .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&a.dir)
        .expect("read the instance folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "sm"))
        .collect();
    // j301_1.sm → (1, 1), in numeric order.
    let key = |p: &PathBuf| -> (u32, u32) {
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        let (left, inst) = stem.split_once('_').unwrap_or((&stem, "0"));
        let set_digits = left.trim_start_matches('j');
        let param =
            &set_digits[set_digits
                .len()
                .min(if left.starts_with("j120") { 3 } else { 2 })..];
        (param.parse().unwrap_or(0), inst.parse().unwrap_or(0))
    };
    files.sort_by_key(|p| key(p));
    if let Some(limit) = a.limit {
        files.truncate(limit);
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(a.threads)
        .build()
        .expect("thread pool");
    let results: Vec<(PathBuf, u64, u64, f64, u64)> = pool.install(|| {
        files
            .par_iter()
            .map(|path| {
                let text = std::fs::read_to_string(path).expect("read instance");
                let problem =
                    psplib::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                problem.validate().expect("valid instance");
                let clock = Instant::now();
                let never = || false;
                let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
                let mut options = Options {
                    seed: a.seed,
                    ..Options::default()
                };
                if let Some(p) = env("GA_POPULATION") {
                    options.population = p as usize;
                }
                if let Some(m) = env("GA_MUTATION") {
                    options.mutation = m;
                }
                if let Some(r) = env("GA_RESTART") {
                    options.restart_after = r as u32;
                }
                let s = solve(
                    &problem,
                    options,
                    &Budget {
                        schedules: a.schedules,
                        stop: &never,
                    },
                );
                let secs = clock.elapsed().as_secs_f64();
                let best = *known
                    .get(&key(path))
                    .unwrap_or_else(|| panic!("no known makespan for {}", path.display()));
                (
                    path.clone(),
                    psplib::periods(s.schedule.score.makespan),
                    best,
                    secs,
                    s.generated,
                )
            })
            .collect()
    });
    let mut total_dev = 0.0;
    let mut max_dev: f64 = 0.0;
    let mut matched = 0;
    let mut better = 0;
    let mut max_secs: f64 = 0.0;
    let mut total_secs = 0.0;
    for (path, found, best, secs, _) in &results {
        let dev = (*found as f64 - *best as f64) / *best as f64 * 100.0;
        if *found < *best {
            better += 1;
            eprintln!("{}: {found} beats the known {best}", path.display());
        }
        total_dev += dev;
        max_dev = max_dev.max(dev);
        if found <= best {
            matched += 1;
        }
        total_secs += secs;
        max_secs = max_secs.max(*secs);
    }
    let n = results.len() as f64;
    println!("instances: {}", results.len());
    println!(
        "budget: {} schedules per instance, seed {}",
        a.schedules, a.seed
    );
    println!("average deviation: {:.3} %", total_dev / n);
    println!("maximum deviation: {:.2} %", max_dev);
    println!(
        "matched the known makespan: {matched} of {} ({better} better)",
        results.len()
    );
    println!(
        "time per instance: {:.3} s average, {:.3} s maximum (one thread each)",
        total_secs / n,
        max_secs
    );
}
