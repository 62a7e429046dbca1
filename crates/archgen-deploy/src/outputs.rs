//! Stack outputs: feeding them to the parameters of later stacks, and
//! writing them for scripts (`--outputs-file`).

use std::collections::BTreeMap;
use std::path::Path;

use archgen_synth::manifest::StackEntry;

use super::error::Error;
use super::model::StackOutput;

/// Outputs of the stacks handled so far, by spec stack name (`edge`).
pub type KnownOutputs = BTreeMap<String, Vec<StackOutput>>;

/// The parameter values of `entry`, read from the outputs of the stacks it
/// depends on. Errors name the missing output and the stack to deploy.
pub fn parameters(
    entry: &StackEntry,
    known: &KnownOutputs,
) -> Result<Vec<(String, String)>, Error> {
    entry
        .parameters
        .iter()
        .map(|(param, source)| {
            let outputs = known.get(&source.stack).ok_or_else(|| {
                Error::Refused(format!(
                    "stack {} needs parameter {param} from stack '{}', which is not deployed: \
                     deploy the whole environment first (archgen deploy --env ENV deploys \
                     every stack in order)",
                    entry.stack_name, source.stack
                ))
            })?;
            outputs
                .iter()
                .find(|o| o.output_key == source.output)
                .map(|o| (param.clone(), o.output_value.clone()))
                .ok_or_else(|| {
                    Error::Refused(format!(
                        "stack {} needs output {} of stack '{}' for parameter {param}, and that \
                         stack has no such output: deploy '{}' again so it publishes it",
                        entry.stack_name, source.output, source.stack, source.stack
                    ))
                })
        })
        .collect()
}

/// `{ "stack-name": { "OutputKey": "value" } }`, written to a temporary file
/// beside the target and renamed, so readers never see half a file.
pub fn write_file(path: &Path, outputs: &BTreeMap<String, Vec<StackOutput>>) -> Result<(), Error> {
    let doc: BTreeMap<&str, BTreeMap<&str, &str>> = outputs
        .iter()
        .map(|(stack, outs)| {
            (
                stack.as_str(),
                outs.iter()
                    .map(|o| (o.output_key.as_str(), o.output_value.as_str()))
                    .collect(),
            )
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&doc)
        .map_err(|e| archgen_synth::Error::io("serialize the outputs for", path, e.into()))?;
    text.push('\n');
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| {
        Error::usage(format!(
            "--outputs-file {} is not a file path",
            path.display()
        ))
    })?;
    let tmp = dir.join(format!(".{}.tmp", name.to_string_lossy()));
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| archgen_synth::Error::io("write the outputs to", path, e).into())
}
