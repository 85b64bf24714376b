fn main() {
    let path = std::env::args().nth(1).unwrap();
    let n: u64 = std::env::args().nth(2).unwrap().parse().unwrap();
    let loaded = reprise::load::load_plan(std::path::Path::new(&path));
    let plan = loaded.plan.unwrap();
    let g = reprise::graph::DependencyGraph::new(&plan);
    let sit = reprise::recovery::Situation::total_loss(&plan);
    let t = std::time::Instant::now();
    let never = || false;
    let r = reprise::recovery::recover(
        &plan,
        &g,
        &sit,
        Default::default(),
        &reprise::recovery::Budget {
            schedules: n,
            stop: &never,
        },
    );
    println!(
        "{:?} {:?} makespan {}h lb {}h generated {}",
        t.elapsed(),
        r.score,
        r.makespan / 3600,
        r.lower_bound / 3600,
        r.generated
    );
    for p in &r.processes {
        if p.breach() {
            println!(
                "late {} {}h > {}h",
                plan.process(p.process).id,
                p.restored / 3600,
                p.deadline / 3600
            );
        }
    }
}
