package dev.actiongate.agent.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The rules each package-info.java states, checked on the compiled classes, so that an import
 * that breaks the class-loader split or the layering fails the build instead of a review.
 */
class ArchitectureTest {

    private static JavaClasses agent;

    @BeforeAll
    static void importClasses() {
        agent = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.actiongate");
    }

    /** The bridge lives on the bootstrap class path (in java.base): it can see the JDK and the public API only. */
    @Test
    void bootstrapUsesOnlyTheJdkAndThePublicApi() {
        assertOnlyDependsOn("dev.actiongate.bootstrap..", "java..", "dev.actiongate", "dev.actiongate.bootstrap..");
    }

    /** The launcher is loaded by the system class loader: it reaches the isolated agent by reflection alone. */
    @Test
    void launcherDoesNotLinkTheIsolatedAgent() {
        assertOnlyDependsOn(
                "dev.actiongate.launcher..",
                "java..",
                "javax..",
                "jdk..",
                "com.sun..",
                "dev.actiongate",
                "dev.actiongate.bootstrap..",
                "dev.actiongate.launcher..");
    }

    @Test
    void agentPackagesHaveNoCycles() {
        slices().matching("dev.actiongate.agent.(*)..")
                .should()
                .beFreeOfCycles()
                .check(agent);
    }

    /** Records know nothing of policies, instrumentation, approvals or the gate: the gate decides what goes in. */
    @Test
    void recordsDependOnNoOtherAgentPackage() {
        assertNoDependency(
                "dev.actiongate.agent.records..",
                "dev.actiongate.agent.gate..",
                "dev.actiongate.agent.policy..",
                "dev.actiongate.agent.instrumentation..",
                "dev.actiongate.agent.approvals..",
                "dev.actiongate.agent.admin..",
                "dev.actiongate.agent.cli..",
                "dev.actiongate.agent.escalation..",
                "dev.actiongate.agent.config..");
    }

    /**
     * A policy compiles and evaluates on its own: no gate, no instrumentation, no approvals. It
     * uses one type of records ({@code PartlyRead}, how a record marks an argument a condition read in part).
     */
    @Test
    void policyDependsOnNoDecisionMachinery() {
        assertNoDependency(
                "dev.actiongate.agent.policy..",
                "dev.actiongate.agent.gate..",
                "dev.actiongate.agent.instrumentation..",
                "dev.actiongate.agent.approvals..",
                "dev.actiongate.agent.admin..",
                "dev.actiongate.agent.cli..",
                "dev.actiongate.agent.escalation..");
    }

    /** SHA-256 is the one helper every package may use, so it may use nothing of theirs. */
    @Test
    void digestUsesOnlyTheJdk() {
        assertOnlyDependsOn("dev.actiongate.agent.digest..", "java..", "dev.actiongate.agent.digest..");
    }

    /** Quotas are counted by what the gate hands over (a limit, a key, an amount): the JDK is enough. */
    @Test
    void quotaUsesOnlyTheJdk() {
        assertOnlyDependsOn("dev.actiongate.agent.quota..", "java..", "dev.actiongate.agent.quota..");
    }

    /**
     * The fleet's store is a second implementation of the interfaces the gate needs: it may not
     * reach back into the gate, the policy, the instrumentation or the front ends.
     */
    @Test
    void fleetStoreKnowsOnlyTheStoresItImplements() {
        assertNoDependency(
                "dev.actiongate.agent.fleet..",
                "dev.actiongate.agent.gate..",
                "dev.actiongate.agent.policy..",
                "dev.actiongate.agent.instrumentation..",
                "dev.actiongate.agent.admin..",
                "dev.actiongate.agent.cli..");
    }

    /** Posting to a webhook is plumbing that incidents and the checkpoint trail share: it uses nothing of theirs. */
    @Test
    void webhookUsesOnlyTheJdk() {
        assertOnlyDependsOn("dev.actiongate.agent.webhook..", "java..", "dev.actiongate.agent.webhook..");
    }

    /** The gate is reached through the bridge; only the wiring at start-up and its front ends name it. */
    @Test
    void onlyWiringAndFrontEndsUseTheGate() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "dev.actiongate.agent.records..",
                        "dev.actiongate.agent.policy..",
                        "dev.actiongate.agent.approvals..",
                        "dev.actiongate.agent.escalation..",
                        "dev.actiongate.agent.config..",
                        "dev.actiongate.agent.digest..",
                        "dev.actiongate.agent.fleet..",
                        "dev.actiongate.agent.quota..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.actiongate.agent.gate..")
                .check(agent);
    }

    /** No class in {@code pkg} depends on a class in any of {@code others}. */
    private static void assertNoDependency(String pkg, String... others) {
        noClasses()
                .that()
                .resideInAPackage(pkg)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(others)
                .check(agent);
    }

    /** The classes in {@code pkg} depend on classes in {@code allowed} alone. */
    private static void assertOnlyDependsOn(String pkg, String... allowed) {
        classes()
                .that()
                .resideInAPackage(pkg)
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(allowed)
                .check(agent);
    }
}
