//! `archgen schema`: the JSON Schema of a stack file, derived from the spec
//! types, for editors (the `yaml-language-server` modeline) and CI.

use clap::Args;

use super::Error;
use super::completions::write_stdout;

#[derive(Debug, Args)]
#[command(
    about = "Print the JSON Schema of a stack file (for editors and CI)",
    after_help = "\
The schema describes stacks/*.yaml, environment overlays included. A copy \
for this version is schema/archgen.schema.json in archgen's repository; point \
your editor at it with the first line of a stack file:

  # yaml-language-server: $schema=<path or URL of the schema>

Examples:
  archgen schema > archgen.schema.json
  archgen schema | jq '.definitions | keys'"
)]
pub struct SchemaArgs {}

/// The schema of this archgen version, as committed in its release tag:
/// what `archgen init` writes in the spec's modeline.
pub const SCHEMA_URL: &str = concat!(
    "https://raw.githubusercontent.com/archgen/archgen/v",
    env!("CARGO_PKG_VERSION"),
    "/schema/archgen.schema.json"
);

pub fn run(_: SchemaArgs) -> Result<(), Error> {
    write_stdout(archgen_synth::spec::schema::stack_file_schema_text().as_bytes())
}
