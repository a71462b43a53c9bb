package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.ApprovalApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console shows the fleet, in headless Chromium: two forked instances of one service share a
 * real PostgreSQL server; a call held on instance b is listed in instance a's console as b's and
 * approved there, and a's decisions view finds b's decisions, each with its records from both
 * instances. The replicas run on both JDKs ({@link Fleet#jdkOf}).
 */
class FleetConsoleTest {

    private static final String POLICY = Fleet.mailPolicy("allow");

    @RegisterExtension
    static final Fleet fleet = new Fleet();

    @TempDir
    Path dir;

    private AgentApp.Running instance(String store, String name, String... steps) throws Exception {
        return Fleet.mailInstance(Fleet.jdkOf(name), dir, store, name, POLICY, steps);
    }

    @Test
    void aConsoleShowsAnotherInstancesHeldCallAndFindsItsDecisionsWithTheirRecords() throws Exception {
        String store = fleet.store("fleet_console");
        try (Chromium chromium = new Chromium();
                AgentApp.Running a =
                        instance(store, "a", "call:a-ok:o1@x.example", "call:a-deny:x1@x.example", "gate:end");
                AgentApp.Running b = instance(
                        store,
                        "b",
                        "call:b-deny:x2@x.example:actor=bob",
                        "call:b-ok:o2@x.example",
                        "call:held:h@x.example",
                        "mark:done",
                        // b stays up: what a JVM writes as it stops ships only when it starts again.
                        "gate:end")) {
            WebDriver driver = chromium.start();
            WebDriver browser = driver;
            driver.get(a.adminUrl() + "/#token=" + Fleet.TOKEN);
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
            // The views render again as they poll: a row found a moment ago may be replaced; look again.
            wait.ignoring(StaleElementReferenceException.class);

            wait.withMessage(() -> "no card for b's held call in a's console\n" + page(browser));
            WebElement card = wait.until(d -> d.findElements(By.cssSelector(".approval")).stream()
                    .filter(element -> element.getText().contains("h@x.example"))
                    .findFirst()
                    .orElse(null));
            assertEquals(
                    "b", card.findElement(By.cssSelector(".value-instance")).getText(), page(driver));
            assertEquals(
                    "mail", card.findElement(By.cssSelector(".value-service")).getText(), page(driver));
            String held = card.getDomAttribute("data-id");
            driver.findElement(By.id("reviewer")).sendKeys("olivia");
            card.findElement(By.cssSelector(".approve")).click();
            b.awaitMark("done");

            String deniedOnB = decisionId(b, "x2@x.example");
            awaitShipped(a, store, deniedOnB, List.of("decision"));
            awaitShipped(a, store, decisionId(a, "x1@x.example"), List.of("decision"));
            awaitShipped(a, store, held, List.of("decision", "approval_reviewed", "approval_resolved", "outcome"));

            driver.findElement(By.id("tab-decisions")).click();
            driver.findElement(By.id("q-verdict")).sendKeys("deny");
            driver.findElement(By.id("search")).click();
            WebElement row = awaitRow(driver, wait, deniedOnB);
            assertEquals("b", row.findElement(By.cssSelector(".col-instance")).getText());
            assertEquals("bob", row.findElement(By.cssSelector(".col-actor")).getText());
            assertEquals("deny", row.findElement(By.cssSelector(".col-verdict")).getText());
            List<String> verdicts = driver.findElements(By.cssSelector("tr.decision .col-verdict")).stream()
                    .map(WebElement::getText)
                    .distinct()
                    .toList();
            assertEquals(List.of("deny"), verdicts, "only denials, a's and b's\n" + page(driver));
            assertEquals(2, driver.findElements(By.cssSelector("tr.decision")).size(), page(driver));
            row.findElement(By.cssSelector(".open-decision")).click();
            assertEquals(List.of("decision"), history(driver, wait, deniedOnB));
            assertTrue(
                    driver.findElement(By.id("decision-records")).getText().contains("x addresses are blocked"),
                    page(driver));

            WebElement verdict = driver.findElement(By.id("q-verdict"));
            verdict.clear();
            verdict.sendKeys("require_approval");
            driver.findElement(By.id("search")).click();
            awaitRow(driver, wait, held)
                    .findElement(By.cssSelector(".open-decision"))
                    .click();
            // Held and resolved on b, reviewed on a: one history from two instances' records.
            assertEquals(
                    List.of("decision", "approval_reviewed", "approval_resolved", "outcome"),
                    history(driver, wait, held));
            String shown = driver.findElement(By.id("decision-records")).getText();
            assertTrue(shown.contains("on mail / a") && shown.contains("on mail / b"), shown);
            a.signal("end");
            b.signal("end");
        }
    }

    @Test
    void theDecisionsApiRefusesABadParameterAndWithoutAFleetStoreSaysWhatItNeeds() throws Exception {
        String store = fleet.store("fleet_console_api");
        try (AgentApp.Running fleet = instance(store, "a", "call:d:x1@x.example", "gate:end");
                AgentApp.Running alone = AgentApp.on(Jdk.running(), Files.createDirectories(dir.resolve("alone")))
                        .policy(POLICY)
                        .admin(Fleet.TOKEN)
                        .option("startup_timeout=60s")
                        .main(ApprovalApp.class, "gate:end")
                        .timeout(Duration.ofMinutes(2))
                        .start()) {
            AdminClient.Answer bad = fleet.admin().get("/decisions?since=yesterday");
            assertEquals(400, bad.status(), bad.body().toString());
            assertTrue(
                    bad.body().path("error").asText().startsWith("since must be an ISO-8601 time"),
                    bad.body().toString());
            String denied = decisionId(fleet, "x1@x.example");
            JsonNode found = fleet.awaitValue("the denial in GET /decisions", () -> {
                AdminClient.Answer answer = fleet.admin().get("/decisions?verdict=deny&limit=5");
                return answer.status() == 200 && answer.body().path("decisions").size() == 1
                        ? answer.body().path("decisions").get(0)
                        : null;
            });
            assertEquals(denied, found.path("decision_id").asText(), found.toString());
            assertEquals("a", found.path("instance").asText(), found.toString());

            AdminClient.Answer none = alone.admin().get("/decisions?verdict=deny");
            assertEquals(404, none.status(), none.body().toString());
            assertTrue(
                    none.body().path("error").asText().contains("needs a fleet store: set store=jdbc:postgresql:"),
                    none.body().toString());
            assertEquals(404, alone.admin().get("/decisions/" + denied).status());
            fleet.signal("end");
            alone.signal("end");
        }
    }

    /** The id of the decision on {@code app}'s call to {@code to}, once its records file holds it. */
    private static String decisionId(AgentApp.Running app, String to) {
        return app.awaitValue(
                "the decision on the call to " + to,
                () -> app.records().ofKind("decision").stream()
                        .filter(r -> r.toString().contains(to))
                        .map(r -> r.get("decision_id").asText())
                        .findFirst()
                        .orElse(null));
    }

    /** Waits until decision_records holds records of {@code id} of at least these kinds. */
    private static void awaitShipped(AgentApp.Running app, String store, String id, List<String> kinds) {
        app.await("records " + kinds + " of " + id + " in decision_records", () -> {
            List<String> shipped = new ArrayList<>();
            try (Connection connection = fleet.connect(store);
                    PreparedStatement select =
                            connection.prepareStatement("SELECT kind FROM decision_records WHERE decision_id = ?")) {
                select.setString(1, id);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        shipped.add(rows.getString(1));
                    }
                }
            }
            return shipped.containsAll(kinds);
        });
    }

    private static WebElement awaitRow(WebDriver driver, WebDriverWait wait, String id) {
        wait.withMessage(() -> "no row for decision " + id + " in the decisions view\n" + page(driver));
        return wait.until(d -> d.findElements(By.cssSelector("tr.decision")).stream()
                .filter(row -> id.equals(row.getDomAttribute("data-id")))
                .findFirst()
                .orElse(null));
    }

    /** The kinds of the records the opened decision shows, in order. */
    private static List<String> history(WebDriver driver, WebDriverWait wait, String id) {
        wait.withMessage(() -> "decision " + id + " does not open\n" + page(driver));
        wait.until(d -> {
            WebElement detail = d.findElement(By.id("decision-detail"));
            return detail.isDisplayed() && id.equals(detail.getDomAttribute("data-id"));
        });
        return driver.findElements(By.cssSelector("#decision-records li")).stream()
                .map(item -> item.getDomAttribute("data-kind"))
                .toList();
    }

    private static String page(WebDriver driver) {
        try {
            return "--- page ---\n" + driver.findElement(By.tagName("body")).getText();
        } catch (WebDriverException e) {
            return "(cannot read the page: " + e.getMessage() + ")";
        }
    }
}
