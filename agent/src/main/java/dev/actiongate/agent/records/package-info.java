/**
 * Decision records: their canonical JSON, the hash chain, the JSON Lines file writer and the
 * memory-mapped journal it puts decisions in first, the argument summary with masking, and the
 * chain verifier.
 *
 * <p>The writer is {@link dev.actiongate.agent.records.RecordLog}, a facade over one type per job:
 * {@code RecordsRecovery} opens a file after whatever the last process left (a torn line, records
 * still in its journal), {@code RecordsFile} chains, stores and keeps writing a readable file when
 * the one at the path vanishes ({@code NewRecordsFile} starts the next one), {@code JournalCopy}
 * copies the journal into the file, {@code QueuedRecords} and {@code PollingWriter} carry outcomes
 * that may follow their event by moments, and {@code FileTail} is the one backward scan of a
 * file's end that opening, continuing and verifying share; {@code RecentRecords} reads the latest
 * records through it for those who check their own state against the records, back into the file
 * a rotated one continues ({@code PreviousFile}). Sealing:
 * {@code SealingKey} (the forward-secure key file), {@code RecordSealer} (identity records and
 * sealed checkpoints, the {@code CheckpointTrail}, posted by {@code CheckpointWebhook} to a webhook), {@code SealingStart} (whose file this is, a key
 * left behind by a kill), {@code SealedLines} (which journal lines the key vouches for) and
 * {@code SealCheck} (verify). {@code DecisionHistory} is what a reader of a fleet's shipped
 * records offers (the fleet implements it, the admin API reads it).
 *
 * <p>Uses the JDK, SLF4J, {@code digest} and {@code webhook} only. Knows nothing of policies or
 * instrumentation; the gate decides what goes into a record.
 */
package dev.actiongate.agent.records;
