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
        classes()
                .that()
                .resideInAPackage("dev.actiongate.bootstrap..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.actiongate", "dev.actiongate.bootstrap..")
                .check(agent);
    }

    /** The launcher is loaded by the system class loader: it reaches the isolated agent by reflection alone. */
    @Test
    void launcherDoesNotLinkTheIsolatedAgent() {
        classes()
                .that()
                .resideInAPackage("dev.actiongate.launcher..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage(
                        "java..",
                        "javax..",
                        "jdk..",
                        "com.sun..",
                        "dev.actiongate",
                        "dev.actiongate.bootstrap..",
                        "dev.actiongate.launcher..")
                .check(agent);
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
        noClasses()
                .that()
                .resideInAPackage("dev.actiongate.agent.records..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.actiongate.agent.gate..",
                        "dev.actiongate.agent.policy..",
                        "dev.actiongate.agent.instrumentation..",
                        "dev.actiongate.agent.approvals..",
                        "dev.actiongate.agent.admin..",
                        "dev.actiongate.agent.cli..",
                        "dev.actiongate.agent.escalation..",
                        "dev.actiongate.agent.config..")
                .check(agent);
    }

    /**
     * A policy compiles and evaluates on its own: no gate, no instrumentation, no approvals. It
     * uses one type of records ({@code PartlyRead}, how a record marks an argument a condition read in part).
     */
    @Test
    void policyDependsOnNoDecisionMachinery() {
        noClasses()
                .that()
                .resideInAPackage("dev.actiongate.agent.policy..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.actiongate.agent.gate..",
                        "dev.actiongate.agent.instrumentation..",
                        "dev.actiongate.agent.approvals..",
                        "dev.actiongate.agent.admin..",
                        "dev.actiongate.agent.cli..",
                        "dev.actiongate.agent.escalation..")
                .check(agent);
    }

    /** SHA-256 is the one helper every package may use, so it may use nothing of theirs. */
    @Test
    void digestUsesOnlyTheJdk() {
        classes()
                .that()
                .resideInAPackage("dev.actiongate.agent.digest..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.actiongate.agent.digest..")
                .check(agent);
    }

    /** Quotas are counted by what the gate hands over (a limit, a key, an amount): the JDK is enough. */
    @Test
    void quotaUsesOnlyTheJdk() {
        classes()
                .that()
                .resideInAPackage("dev.actiongate.agent.quota..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.actiongate.agent.quota..")
                .check(agent);
    }

    /**
     * The fleet's store is a second implementation of the interfaces the gate needs: it may not
     * reach back into the gate, the policy, the instrumentation or the front ends.
     */
    @Test
    void fleetStoreKnowsOnlyTheStoresItImplements() {
        noClasses()
                .that()
                .resideInAPackage("dev.actiongate.agent.fleet..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.actiongate.agent.gate..",
                        "dev.actiongate.agent.policy..",
                        "dev.actiongate.agent.instrumentation..",
                        "dev.actiongate.agent.admin..",
                        "dev.actiongate.agent.cli..")
                .check(agent);
    }

    /** Posting to a webhook is plumbing that incidents and the checkpoint trail share: it uses nothing of theirs. */
    @Test
    void webhookUsesOnlyTheJdk() {
        classes()
                .that()
                .resideInAPackage("dev.actiongate.agent.webhook..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "dev.actiongate.agent.webhook..")
                .check(agent);
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
}
