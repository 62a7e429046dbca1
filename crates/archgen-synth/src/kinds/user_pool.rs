//! `user_pools:`: Cognito user pools. Connecting grants reading users
//! (read) and administering them (write) in exactly that pool.

use super::{Kind, block};
use crate::spec::StackSpec;
use crate::spec::identity::UserPoolSpec;
use crate::synth::Ctx;
use crate::synth::identity;
use crate::template::Template;

block!(UserPools, UserPoolSpec);

impl Kind for UserPools {
    fn block(&self) -> &'static str {
        "user_pools"
    }
    fn noun(&self) -> &'static str {
        "user pool"
    }
    fn keys<'a>(&self, spec: &'a StackSpec) -> Vec<&'a String> {
        spec.user_pools.keys().collect()
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        let checked = ctx.checked;
        for (name, pool, providers) in checked.user_pools() {
            identity::build_pool(t, ctx, name, pool, providers);
        }
    }
}
