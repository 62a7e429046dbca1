use super::Ctx;
use crate::template::Template;

pub fn build_queues(_t: &mut Template, _ctx: &mut Ctx) {}
pub fn build_functions(_t: &mut Template, _ctx: &mut Ctx) {}
