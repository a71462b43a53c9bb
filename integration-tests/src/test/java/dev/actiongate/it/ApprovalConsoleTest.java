package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.actiongate.it.apps.MailApp;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The admin console in a real browser: an application's email waits for approval, a reviewer
 * opens the console in headless Chromium (Debian's {@code chromium} driven through its
 * {@code chromium-driver}), approves it there, and the email goes out.
 */
class ApprovalConsoleTest {

    private static final String POLICY = """
            version: "it-console-1"
            groups:
              system-owners: [olivia]
            rules:
              - id: emails-need-owner
                action: send_customer_email
                verdict: require_approval
                approvers: [group:system-owners]
                approval_timeout: 60s
                reason: "customer emails need the system owner's approval"
            """;
    private static final String TOKEN = "console-token-5f1c-0123456789abcd";
    private static final String TO = "carol@customer.example";

    @TempDir
    Path dir;

    @RegisterExtension
    final SmtpServer smtp = new SmtpServer();

    /** The token and the JDK are independent: the shared token on one JDK, her own on the other. */
    static Stream<Arguments> theSharedTokenAndHerOwn() {
        return Jdk.inTurnWith(false, true);
    }

    /** With olivia's own token ({@code ownToken}), the console shows her name and reviews go out under it. */
    @ParameterizedTest(name = "{0}, her own token: {1}")
    @MethodSource("theSharedTokenAndHerOwn")
    void aReviewerApprovesTheWaitingEmailInTheConsoleAndItIsSent(Jdk jdk, boolean ownToken) throws Exception {
        AgentApp setup = AgentApp.on(jdk, dir).policy(POLICY).admin(TOKEN).timeout(Duration.ofSeconds(90));
        String consoleToken = TOKEN;
        if (ownToken) {
            ForkedJvm.Run minted =
                    ForkedJvm.agentCli(jdk, "reviewer-token", "olivia").assertExit(0);
            List<String> lines = minted.stdout().lines().toList();
            consoleToken =
                    lines.get(0).substring(lines.get(0).lastIndexOf(": ") + 2).trim();
            Path file = Files.writeString(
                    dir.resolve("reviewers"),
                    lines.get(1).substring(lines.get(1).lastIndexOf(": ") + 2).trim() + "\n");
            setup.option("reviewer_tokens_file=" + file);
        }
        int smtpPort = smtp.getSmtp().getPort();
        assertTrue(smtpPort > 0, "GreenMail listens on a port");

        setup.classpath(AppClasspath.mail()).main(MailApp.class, "127.0.0.1", Integer.toString(smtpPort), TO);
        try (Chromium chromium = new Chromium();
                AgentApp.Running running = setup.start()) {
            String url = running.adminUrl();
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();

            // The console itself needs no token (it asks for one); the API behind it does.
            HttpResponse<String> page = client.send(
                    HttpRequest.newBuilder(URI.create(url + "/"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, page.statusCode(), "GET / without a token serves the console: " + page.body());
            assertTrue(
                    page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"),
                    "GET / is HTML: " + page.headers().map());
            assertTrue(page.body().contains("ActionGate — pending approvals"), page.body());
            assertTrue(
                    page.headers()
                            .firstValue("Content-Security-Policy")
                            .orElse("")
                            .contains("default-src 'self'"),
                    "GET / sends a Content-Security-Policy: " + page.headers().map());
            HttpResponse<String> script = client.send(
                    HttpRequest.newBuilder(URI.create(url + "/console.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, script.statusCode(), "GET /console.js without a token");
            HttpResponse<String> anonymous = client.send(
                    HttpRequest.newBuilder(URI.create(url + "/approvals")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode(), "GET /approvals without a token: " + anonymous.body());

            WebDriver driver = chromium.start();
            WebDriver browser = driver;
            driver.get(url + "/#token=" + consoleToken);
            WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
            wait.withMessage(() -> "no approval card for " + TO + " in the console\n" + describe(browser, running));
            WebElement card = wait.until(d -> d.findElements(By.cssSelector(".approval")).stream()
                    .filter(element -> element.getText().contains(TO))
                    .findFirst()
                    .orElse(null));
            String id = card.getDomAttribute("data-id");
            assertTrue(id != null && !id.isBlank(), "the card carries data-id\n" + describe(driver, running));
            assertTrue(
                    !driver.getCurrentUrl().contains(consoleToken),
                    "the console drops the token from the address: " + driver.getCurrentUrl());

            WebElement reviewer = driver.findElement(By.id("reviewer"));
            if (ownToken) {
                wait.withMessage(() -> "the console does not show the token's reviewer\n" + describe(browser, running));
                wait.until(d -> "olivia".equals(reviewer.getDomProperty("value")));
                assertEquals("true", reviewer.getDomProperty("readOnly"), "the token's name cannot be changed");
            } else {
                reviewer.sendKeys("olivia");
            }
            driver.findElement(By.id("comment")).sendKeys("checked the order, fine to send");
            card.findElement(By.cssSelector(".approve")).click();
            wait.withMessage(
                    () -> "the console did not confirm the approval of " + id + "\n" + describe(browser, running));
            wait.until(d -> {
                WebElement message = d.findElement(By.id("message"));
                String classes = message.getDomAttribute("class");
                if (classes != null && classes.contains("error")) {
                    fail("the console shows an error after approving: " + message.getText() + "\n"
                            + describe(d, running));
                }
                return message.getText().contains("approved " + id)
                        && message.getText().contains("olivia");
            });

            ForkedJvm.Run run = running.finish().assertExit(0);
            String why = run.describe();
            AppOutput out = run.output();
            assertTrue(out.allowed(TO), "the approved send returned\n" + why);
            assertTrue(out.bodyRan("send_customer_email " + TO), why);

            assertTrue(smtp.waitForIncomingEmail(10_000, 1), "the approved email arrives\n" + why);
            // The application has ended, and GreenMail stores a message before it acknowledges it:
            // every email the application sent is here, so no wait for more.
            MimeMessage[] received = smtp.getReceivedMessages();
            assertEquals(1, received.length, "GreenMail received exactly one email\n" + why);
            assertEquals(
                    List.of(TO),
                    Arrays.stream(received[0].getAllRecipients())
                            .map(Address::toString)
                            .toList());
            assertEquals("Your order for " + TO, received[0].getSubject());

            Records written = running.records();
            List<JsonNode> resolved = written.ofKind("approval_resolved").stream()
                    .filter(record -> "allow".equals(record.path("verdict").asText()))
                    .filter(record -> "olivia".equals(record.path("reviewer").asText()))
                    .toList();
            assertEquals(
                    1,
                    resolved.size(),
                    "one approval_resolved record with verdict allow by olivia in "
                            + written.file() + ":\n"
                            + written.records().stream().map(JsonNode::toString).collect(Collectors.joining("\n")));
        }
    }

    /** What the browser shows and logged, and the application's output if it has ended, for failure messages. */
    private static String describe(WebDriver driver, AgentApp.Running running) {
        StringBuilder text = new StringBuilder();
        try {
            text.append("--- page ")
                    .append(driver.getCurrentUrl())
                    .append(" ---\n")
                    .append(driver.findElement(By.tagName("body")).getText())
                    .append('\n');
            text.append("--- browser log ---\n");
            driver.manage()
                    .logs()
                    .get("browser")
                    .forEach(entry -> text.append(entry).append('\n'));
        } catch (WebDriverException e) {
            text.append("(cannot read the page: ").append(e.getMessage()).append(")\n");
        }
        text.append(running.jvm().describe());
        return text.toString();
    }
}
