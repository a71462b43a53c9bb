/**
 * The fleet: what the replicas of a service share through one PostgreSQL database
 * ({@code store=jdbc:postgresql://...}), behind the same interfaces as this JVM's own stores.
 * Owns the connection pool and its failures ({@code FleetDatabase}; {@code Outage} while it is
 * known to be down), the versioned schema
 * ({@code SchemaMigrations}, SQL files under {@code resources/.../fleet/schema}), the shared
 * approval desk ({@code FleetApprovals} over {@code ApprovalRows}, woken by
 * {@code FleetNotices}' LISTEN), the shared event counter ({@code FleetCounter}), the records
 * every instance ships ({@code RecordShipping}, checked by {@code ShippedRecords}), the search
 * over them ({@code FleetDecisions}, the records package's {@code DecisionHistory}) and the
 * limits' budgets, leased per instance ({@code QuotaLeases} over {@code QuotaRows});
 * {@code FleetStore} puts them together for start-up.
 *
 * <p>May use the approvals, escalation, quota, records, digest and config packages, the PostgreSQL driver,
 * HikariCP and SLF4J; knows nothing of the gate, policies, instrumentation or the admin API.
 */
package dev.actiongate.agent.fleet;
