//! `topics:`: SNS topics that alarms notify. Connecting with write access
//! grants publishing; the topic's ARN is handed over as `<NAME>_TOPIC_ARN`.

use super::{Kind, Role, block};
use crate::spec::monitoring::TopicSpec;
use crate::synth::Ctx;
use crate::synth::monitoring;
use crate::template::Template;

block!(Topics, topics: TopicSpec, "topic");

impl Kind for Topics {
    fn role(&self) -> Role {
        Role::Component
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("sns")
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, topic) in &ctx.spec.topics {
            monitoring::build_topic(t, ctx, name, topic);
        }
    }
}
