package dev.actiongate.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium for the console tests, in a profile folder of its own. Made (and
 * checked for) when a test opens it, started by {@link #start} once the test has something to
 * show it; closing quits it and removes the profile.
 */
final class Chromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    /** Selenium finds no CDP implementation for the browser's version (none is needed here) and says so; kept quiet. */
    private static final Logger SELENIUM_DEVTOOLS_LOG = Logger.getLogger("org.openqa.selenium.devtools");

    static {
        SELENIUM_DEVTOOLS_LOG.setLevel(Level.SEVERE);
    }

    private Path profile;
    private WebDriver driver;

    /** Fails, never skips, when Debian's chromium or chromium-driver is not installed. */
    Chromium() {
        for (Path executable : List.of(BINARY, DRIVER)) {
            if (!Files.isExecutable(executable)) {
                fail(executable + " is missing: the console test drives Debian's headless Chromium. Install it with "
                        + "'apt-get install -y --no-install-recommends chromium chromium-driver' (.ci/run does so).");
            }
        }
    }

    /**
     * Starts the browser through the system chromedriver, both given by path so that Selenium
     * Manager never looks for (or downloads) a browser or driver. The background-networking flags
     * keep Chromium from reaching out, which on a closed network makes it misbehave.
     */
    WebDriver start() throws IOException {
        profile = Files.createTempDirectory("actiongate-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BINARY.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,1024",
                "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        return driver;
    }

    @Override
    public void close() {
        if (driver != null) {
            try {
                driver.quit();
            } catch (WebDriverException e) {
                // the browser is gone already
            }
        }
        if (profile == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(file -> file.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // a browser profile left in the temp folder is harmless
        }
    }
}
