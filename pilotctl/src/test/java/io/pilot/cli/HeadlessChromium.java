package io.pilot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, as the tests drive it: the DOM of a page after its scripts ran for a
 * while ({@code --virtual-time-budget}), and a screenshot of it. A test without chromium on the PATH is
 * skipped (.ci/run installs it).
 */
final class HeadlessChromium {

    /** How long the page's scripts may run (virtual time: fetches and timers, not the wall clock). */
    private static final int SCRIPT_BUDGET_MILLIS = 10_000;
    private static final long WAIT_SECONDS = 90;

    private final String command;
    private final Path profile;

    private HeadlessChromium(String command, Path profile) {
        this.command = command;
        this.profile = profile;
    }

    /** The browser, with its profile under {@code dir}; skips the test if there is none. */
    static HeadlessChromium find(Path dir) {
        Optional<String> chromium = Stream.of("chromium", "chromium-browser", "google-chrome")
                .filter(HeadlessChromium::onPath).findFirst();
        assumeTrue(chromium.isPresent(), "no chromium on PATH: .ci/run installs Debian's chromium");
        return new HeadlessChromium(chromium.get(), dir.resolve("chromium"));
    }

    /** The page's DOM once its scripts ran. */
    String dumpDom(String url) throws IOException, InterruptedException {
        return run("--dump-dom", url);
    }

    /** A 1280 × 800 screenshot of the page once its scripts ran, written to {@code png}. */
    void screenshot(String url, Path png) throws IOException, InterruptedException {
        Files.createDirectories(png.getParent());
        run("--screenshot=" + png.toAbsolutePath(), "--window-size=1280,800", url);
        assertThat(png).as("chromium wrote the screenshot").isNotEmptyFile();
    }

    private String run(String... args) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(command, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--hide-scrollbars", "--user-data-dir=" + profile,
                "--virtual-time-budget=" + SCRIPT_BUDGET_MILLIS));
        line.addAll(List.of(args));
        Process browser = new ProcessBuilder(line).redirectError(profile.resolveSibling("chromium.log").toFile()).start();
        String out = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!browser.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
            browser.destroyForcibly();
            throw new AssertionError("chromium did not finish " + line);
        }
        return out;
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.of(path.split(File.pathSeparator)).anyMatch(dir -> Files.isExecutable(Path.of(dir, program)));
    }
}
