//! How long synthesis takes, from stack files on disk to rendered JSON, for
//! the default application and for every example at once.

use archgen::pipeline::synthesize;
use archgen::render::Format;
use archgen::spec::Project;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

const EXAMPLES: &[&str] = &[
    "user-management",
    "multi-env-platform",
    "solo-saving",
    "neuraknot",
    "eyewear-retail",
];

fn synth_to_json(dir: &Path, env: &str) -> usize {
    let project = Project::load(dir).expect("example loads");
    let s = synthesize(&project, env).expect("example synthesizes");
    s.templates
        .iter()
        .map(|(_, t)| Format::Json.render(t).len())
        .sum()
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    c.bench_function("synth prod, default stacks", |b| {
        b.iter(|| black_box(synth_to_json(root, "prod")))
    });
    c.bench_function("synth prod, all five examples", |b| {
        b.iter(|| {
            EXAMPLES
                .iter()
                .map(|ex| synth_to_json(&root.join("examples").join(ex), "prod"))
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
