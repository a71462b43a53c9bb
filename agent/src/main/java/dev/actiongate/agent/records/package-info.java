/**
 * Decision records: their canonical JSON, the hash chain, the JSON Lines file writer and the
 * memory-mapped journal it puts decisions in first, the argument summary with masking, and the
 * chain verifier.
 * Knows nothing of policies or instrumentation; the gate decides what goes into a record.
 */
package dev.actiongate.agent.records;
