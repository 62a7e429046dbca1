//! Embeds the vendored CloudFormation resource schemas
//! (`schemas/cloudformation/` of this crate, gzipped as vendored, so a
//! published archgen-synth carries them) in the library, so an
//! installed archgen validates `resources:` and `overrides:` without a source
//! tree. Writes `$OUT_DIR/schemas.rs`: the region index and one
//! `include_bytes!` per schema file, sorted by file stem.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dir = manifest.join("schemas/cloudformation");
    let resources = dir.join("resources");
    println!("cargo:rerun-if-changed={}", resources.display());
    println!(
        "cargo:rerun-if-changed={}",
        dir.join("regions.json.gz").display()
    );
    let mut stems: Vec<(String, PathBuf)> = std::fs::read_dir(&resources)
        .unwrap_or_else(|e| panic!("reading {}: {e}", resources.display()))
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let path = entry.path();
            let name = path
                .file_name()?
                .to_str()?
                .strip_suffix(".json.gz")?
                .to_string();
            Some((name, path))
        })
        .collect();
    stems.sort();
    let mut out =
        String::from("/// Gzipped schemas by file stem (`aws-dynamodb-table`), sorted.\n");
    out.push_str("pub static SCHEMAS: &[(&str, &[u8])] = &[\n");
    for (stem, path) in &stems {
        let path = path.canonicalize().expect("schema file exists");
        writeln!(
            out,
            "    ({stem:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("writing to a String");
    }
    out.push_str("];\n");
    let regions = dir
        .join("regions.json.gz")
        .canonicalize()
        .expect("regions.json.gz exists");
    writeln!(
        out,
        "/// `{{region: [type, ...]}}`, gzipped.\npub static REGIONS: &[u8] = include_bytes!({:?});",
        regions.display().to_string()
    )
    .expect("writing to a String");
    let target =
        PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("schemas.rs");
    std::fs::write(&target, out).unwrap_or_else(|e| panic!("writing {}: {e}", target.display()));
}
