//! Engine parameter values (`databases.<key>.parameters`), as RDS takes
//! them: a size written with a unit (`shared_buffers: 256MB`) becomes a
//! number in the parameter's own unit (`32768` pages of 8 kB); anything else
//! passes through as written.

use std::fmt;

use crate::spec::data::{Engine, ParamValue};

/// Why a parameter value was refused; `check` reports it as DATA010.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParameterError {
    #[error("archgen does not know the unit of '{name}', so it cannot convert '{text}'")]
    UnknownUnit { name: String, text: String },
    #[error("'{text}' is not a whole number of {name}'s unit ({unit} bytes)")]
    NotWholeUnits {
        name: String,
        text: String,
        unit: u64,
    },
    #[error("'{text}' is larger than any size a parameter takes")]
    TooLarge { text: String },
}

/// A parameter value, parsed once when the stack is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParameterValue {
    /// A number or a word, passed to RDS as written (`200`, `all`).
    Verbatim(String),
    /// A size, as a whole number of the parameter's unit.
    Size { bytes: u64, unit: u64 },
}

/// RDS's form: the value CloudFormation puts in the parameter group.
impl fmt::Display for ParameterValue {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ParameterValue::Verbatim(text) => f.write_str(text),
            ParameterValue::Size { bytes, unit } => write!(f, "{}", bytes / unit),
        }
    }
}

impl ParameterValue {
    /// Parses parameter `name` of `engine`: a size must fit the parameter's
    /// unit exactly; anything that is not a size is kept as written.
    pub fn parse(
        engine: Engine,
        name: &str,
        value: &ParamValue,
    ) -> Result<ParameterValue, ParameterError> {
        let text = match value {
            ParamValue::Int(n) => return Ok(ParameterValue::Verbatim(n.to_string())),
            ParamValue::Text(s) => s,
        };
        let bytes = match size_in_bytes(text) {
            Size::Word => return Ok(ParameterValue::Verbatim(text.clone())),
            Size::TooLarge => return Err(ParameterError::TooLarge { text: text.clone() }),
            Size::Bytes(b) => b,
        };
        let Some(unit) = parameter_unit(engine, name) else {
            return Err(ParameterError::UnknownUnit {
                name: name.into(),
                text: text.clone(),
            });
        };
        if bytes % unit != 0 {
            return Err(ParameterError::NotWholeUnits {
                name: name.into(),
                text: text.clone(),
                unit,
            });
        }
        Ok(ParameterValue::Size { bytes, unit })
    }
}

/// Units of the size parameters archgen converts, in bytes per unit
/// (PostgreSQL counts most memory in 8 kB pages or kB; MySQL in bytes).
fn parameter_unit(engine: Engine, name: &str) -> Option<u64> {
    const KB: u64 = 1024;
    if engine.is_postgres() {
        match name {
            "shared_buffers" | "effective_cache_size" | "wal_buffers" | "temp_buffers" => {
                Some(8 * KB)
            }
            "work_mem"
            | "maintenance_work_mem"
            | "autovacuum_work_mem"
            | "logical_decoding_work_mem"
            | "max_stack_depth" => Some(KB),
            "max_wal_size" | "min_wal_size" => Some(KB * KB),
            _ => None,
        }
    } else {
        match name {
            "innodb_buffer_pool_size"
            | "innodb_log_file_size"
            | "innodb_redo_log_capacity"
            | "max_allowed_packet"
            | "tmp_table_size"
            | "max_heap_table_size"
            | "sort_buffer_size"
            | "join_buffer_size"
            | "read_buffer_size" => Some(1),
            _ => None,
        }
    }
}

enum Size {
    /// Not a number followed by a unit archgen reads: kept as written.
    Word,
    TooLarge,
    Bytes(u64),
}

/// `256MB` → bytes: ASCII digits, optional spaces, then a unit.
fn size_in_bytes(text: &str) -> Size {
    let digits_end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let Some((digits, unit)) = text.split_at_checked(digits_end) else {
        return Size::Word;
    };
    let mult: u64 = match unit.trim() {
        "B" => 1,
        "kB" | "KB" => 1 << 10,
        "MB" => 1 << 20,
        "GB" => 1 << 30,
        "TB" => 1 << 40,
        _ => return Size::Word,
    };
    if digits.is_empty() {
        return Size::Word;
    }
    match digits.parse::<u64>().ok().and_then(|n| n.checked_mul(mult)) {
        Some(bytes) => Size::Bytes(bytes),
        None => Size::TooLarge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rds(engine: Engine, name: &str, text: &str) -> Result<String, ParameterError> {
        ParameterValue::parse(engine, name, &ParamValue::Text(text.into())).map(|v| v.to_string())
    }

    #[test]
    fn sizes_convert_to_each_parameters_own_unit() {
        for (engine, name, text, expected) in [
            (Engine::Postgres, "shared_buffers", "256MB", "32768"),
            (Engine::Postgres, "effective_cache_size", "1GB", "131072"),
            (Engine::Postgres, "maintenance_work_mem", "64MB", "65536"),
            (Engine::Postgres, "work_mem", "4MB", "4096"),
            (Engine::Postgres, "work_mem", "4 MB", "4096"),
            (Engine::Postgres, "max_wal_size", "2GB", "2048"),
            (
                Engine::Mysql,
                "innodb_buffer_pool_size",
                "1GB",
                "1073741824",
            ),
            (Engine::AuroraPostgresql, "shared_buffers", "128kB", "16"),
        ] {
            assert_eq!(rds(engine, name, text).unwrap(), expected, "{name} {text}");
        }
    }

    #[test]
    fn numbers_and_words_pass_through_as_written() {
        let int = ParameterValue::parse(Engine::Postgres, "max_connections", &ParamValue::Int(200));
        assert_eq!(int, Ok(ParameterValue::Verbatim("200".into())));
        for (engine, name, text) in [
            (Engine::Postgres, "log_statement", "ddl"),
            (Engine::Postgres, "max_connections", "200"),
            // A unit without a number is a word, not a size.
            (Engine::Mysql, "some_flag", "MB"),
            (Engine::Postgres, "work_mem", ""),
        ] {
            assert_eq!(rds(engine, name, text).unwrap(), text, "{name}");
        }
    }

    #[test]
    fn multibyte_text_passes_through_without_panicking() {
        // Not sizes archgen reads: full-width digits, a full-width unit, a
        // Japanese word. RDS sees them as written.
        for text in ["２５６MB", "256ＭＢ", "日本語", "256MB日"] {
            assert_eq!(
                rds(Engine::Postgres, "application_name", text).unwrap(),
                text
            );
        }
    }

    #[test]
    fn sizes_that_do_not_fit_the_parameter_are_refused() {
        assert_eq!(
            rds(Engine::Postgres, "random_setting", "4MB"),
            Err(ParameterError::UnknownUnit {
                name: "random_setting".into(),
                text: "4MB".into()
            })
        );
        // shared_buffers counts 8 kB pages: 12 kB is a page and a half.
        let e = rds(Engine::Postgres, "shared_buffers", "12kB").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'12kB' is not a whole number of shared_buffers's unit (8192 bytes)"
        );
        // More than u64 bytes, in the number or after the unit.
        for text in ["99999999999999999999MB", "16777216TB"] {
            assert_eq!(
                rds(Engine::Mysql, "max_allowed_packet", text),
                Err(ParameterError::TooLarge { text: text.into() }),
                "{text}"
            );
        }
    }
}
