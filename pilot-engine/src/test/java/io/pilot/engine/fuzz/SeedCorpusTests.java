package io.pilot.engine.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Every fuzz target of the engine has committed seeds in Jazzer's layout, and {@link SeedCorpus} knows every
 * target: a target added without seeds would replay nothing in the normal build and start from nothing in
 * {@code bin/fuzz}.
 */
class SeedCorpusTests {

    @Test
    void everyFuzzTargetHasCommittedSeedsAndSeedCorpusKnowsIt() throws Exception {
        List<String> targets = fuzzTargets();
        Map<String, List<byte[]>> generated = SeedCorpus.seeds();

        assertThat(targets).hasSizeGreaterThanOrEqualTo(10);
        assertThat(generated.keySet()).containsExactlyInAnyOrderElementsOf(targets);
        for (String target : targets) {
            Path inputs = SeedCorpus.inputsDirectory(testClassesRoot(), target);
            try (Stream<Path> files = Files.list(inputs)) {
                assertThat(files.filter(Files::isRegularFile).count()).as("seeds of %s", target).isPositive();
            }
        }
    }

    /** Every {@code Class#method} under {@code io.pilot.engine} annotated {@link FuzzTest}, from the compiled tests. */
    private static List<String> fuzzTargets() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = testClassesRoot();
        List<String> targets = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root.resolve("io/pilot/engine"))) {
            for (Path file : files.filter(f -> f.toString().endsWith("FuzzTests.class")).toList()) {
                String name = root.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                for (Method method : Class.forName(name).getDeclaredMethods()) {
                    if (method.isAnnotationPresent(FuzzTest.class)) {
                        targets.add(name + "#" + method.getName());
                    }
                }
            }
        }
        return targets;
    }

    private static Path testClassesRoot() throws URISyntaxException {
        URL self = SeedCorpusTests.class.getResource("SeedCorpusTests.class");
        Path file = Path.of(self.toURI());
        return file.getParent().getParent().getParent().getParent().getParent();
    }
}
