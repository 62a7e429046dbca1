//! `topics:`: SNS topics that alarms notify. Connecting with write access
//! grants publishing; the topic's ARN is handed over as `<NAME>_TOPIC_ARN`.

use super::{Kind, block};
use crate::spec::StackSpec;
use crate::spec::monitoring::TopicSpec;
use crate::synth::Ctx;
use crate::synth::monitoring;
use crate::template::Template;

block!(Topics, TopicSpec);

impl Kind for Topics {
    fn block(&self) -> &'static str {
        "topics"
    }
    fn noun(&self) -> &'static str {
        "topic"
    }
    fn api_endpoint(&self) -> Option<&'static str> {
        Some("sns")
    }
    fn keys<'a>(&self, spec: &'a StackSpec) -> Vec<&'a String> {
        spec.topics.keys().collect()
    }
    fn build(&self, t: &mut Template, ctx: &mut Ctx) {
        for (name, topic) in &ctx.spec.topics {
            monitoring::build_topic(t, ctx, name, topic);
        }
    }
}
