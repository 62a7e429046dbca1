//! `user_pools:`: Cognito user pools. Connecting grants reading users
//! (read) and administering them (write) in exactly that pool.

use super::{Kind, Role, block};
use crate::spec::identity::UserPoolSpec;
use crate::synth::Ctx;
use crate::synth::identity;
use crate::template::Template;

block!(UserPools, user_pools: UserPoolSpec, "user pool");

impl Kind for UserPools {
    fn role(&self) -> Role {
        Role::Component
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        let checked = ctx.checked;
        for (name, pool, providers) in checked.user_pools() {
            identity::build_pool(t, ctx, name, pool, providers);
        }
    }
}
