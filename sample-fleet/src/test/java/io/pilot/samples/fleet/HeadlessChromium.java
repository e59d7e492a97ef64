package io.pilot.samples.fleet;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium} (or another Chrome on PATH), headless, as the page tests drive it: the page's DOM after its
 * scripts ran, and a screenshot. A test using it is skipped where no browser is installed (.ci/run installs one).
 *
 * @param program the browser's executable
 * @param profile a user-data directory of its own, so that runs do not share state
 */
record HeadlessChromium(String program, Path profile) {

    /** The browser on PATH; skips the calling test if there is none. */
    static HeadlessChromium onPath(Path profile) {
        Optional<String> found = Stream.of("chromium", "chromium-browser", "google-chrome")
                .filter(HeadlessChromium::isOnPath).findFirst();
        assumeTrue(found.isPresent(), "no chromium on PATH: .ci/run installs Debian's chromium");
        return new HeadlessChromium(found.get(), profile);
    }

    /** The DOM of {@code url} once its scripts have had {@code virtualMillis} of (virtual) time. */
    String dom(String url, int virtualMillis) throws IOException, InterruptedException {
        Process browser = start(List.of("--virtual-time-budget=" + virtualMillis, "--dump-dom", url));
        String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(browser.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
        return dom;
    }

    /** A PNG of {@code url} in a window {@code width} × {@code height}, saved to {@code file}. */
    void screenshot(String url, int width, int height, int virtualMillis, Path file) throws IOException, InterruptedException {
        Files.createDirectories(file.getParent());
        Process browser = start(List.of("--virtual-time-budget=" + virtualMillis, "--window-size=" + width + "," + height,
                "--hide-scrollbars", "--screenshot=" + file.toAbsolutePath(), url));
        browser.getInputStream().transferTo(OutputStream.nullOutputStream());
        assertTrue(browser.waitFor(90, TimeUnit.SECONDS), "chromium did not finish");
    }

    private Process start(List<String> arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(program, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile));
        command.addAll(arguments);
        return new ProcessBuilder(command).redirectError(profile.resolveSibling("chromium.log").toFile()).start();
    }

    private static boolean isOnPath(String program) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
