use super::Ctx;
use crate::template::Template;

pub fn build(_t: &mut Template, _ctx: &mut Ctx) {}
