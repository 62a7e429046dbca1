//! L2 messaging: SQS queues with dead-letter queues, and Lambda functions
//! placed in the VPC, triggered by a queue, wired by their connections.

pub mod function;
pub mod queue;
