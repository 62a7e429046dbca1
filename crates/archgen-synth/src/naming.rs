//! Logical ids and physical names. Ids come from spec keys and positions the
//! user controls (`AppSubnet2`), never from order of generation or hashes, so
//! a refactor of archgen never replaces a resource.

/// `user-uploads` → `UserUploads`, `ecr.api` → `EcrApi`.
pub fn pascal(key: &str) -> String {
    key.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

/// Names and tags shared by every builder of one stack.
#[derive(Debug, Clone)]
pub struct Names {
    pub app: String,
    pub env: String,
}

impl Names {
    /// `user-management-prod-vpc`: the Name tag and physical-name stem.
    pub fn physical(&self, what: &str) -> String {
        format!("{}-{}-{what}", self.app, self.env)
    }

    /// Export names are global per account and region: prefix with app and env.
    pub fn export(&self, output_id: &str) -> String {
        format!("{}-{}-{output_id}", self.app, self.env)
    }
}

/// `<name>-<env>`: a name the spec gives, made unique per environment
/// (bucket names are global).
pub fn per_environment(name: &str, env: &str) -> String {
    format!("{name}-{env}")
}

impl Names {
    /// `<app>/<env>/<name>`: a generated secret's name, the spec's `name`
    /// or else its key.
    pub fn secret(&self, key: &str, name: Option<&str>) -> String {
        format!("{}/{}/{}", self.app, self.env, name.unwrap_or(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pascal_case_from_spec_keys() {
        assert_eq!(pascal("app"), "App");
        assert_eq!(pascal("user-uploads"), "UserUploads");
        assert_eq!(pascal("ecr.api"), "EcrApi");
        assert_eq!(pascal("data2"), "Data2");
    }
}
