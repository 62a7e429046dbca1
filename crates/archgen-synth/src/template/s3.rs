//! AWS::S3::* resource types (generated) and the public-access block every
//! archgen bucket gets.

pub use super::generated::s3::*;

impl bucket::PublicAccessBlockConfiguration {
    /// Every kind of public access blocked.
    pub fn all() -> Self {
        bucket::PublicAccessBlockConfiguration {
            block_public_acls: Some(true.into()),
            block_public_policy: Some(true.into()),
            ignore_public_acls: Some(true.into()),
            restrict_public_buckets: Some(true.into()),
        }
    }
}
