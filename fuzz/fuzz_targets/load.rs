//! Bytes in as `stacks/main.yaml`: load, check and synthesize every declared
//! environment, render templates and errors. Any panic is a finding.

#![no_main]

use archgen_synth::render::Format;
use archgen_synth::spec::Project;
use archgen_synth::pipeline::synthesize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // archgen reads stack files as UTF-8 and reports other bytes as an error.
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let project = match Project::from_source("stacks/main.yaml".into(), text.to_string()) {
        Ok(project) => project,
        Err(diagnostics) => {
            let _ = diagnostics.to_string();
            return;
        }
    };
    for env in project.environment_names().iter().take(3) {
        match synthesize(&project, env) {
            Ok(synthesis) => {
                for (_, template) in &synthesis.templates {
                    Format::Json.render(template);
                    Format::Yaml.render(template);
                }
            }
            Err(diagnostics) => {
                let _ = diagnostics.to_string();
            }
        }
    }
});
