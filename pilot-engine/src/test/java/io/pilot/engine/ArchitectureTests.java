package io.pilot.engine;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's layers as docs/ARCHITECTURE.md draws them, checked against the compiled classes: each package
 * may import only the packages listed for it (so a new arrow is a decision, written here and in the document),
 * no package cycles, and nothing of Spring.
 */
class ArchitectureTests {

    private static final String ENGINE = "io.pilot.engine";
    private static final String ROOT = "(root)";

    /**
     * What each package may import, bottom up. Leaves import nothing of Pilot; "(root)" is
     * {@code io.pilot.engine} itself (the {@link PilotNode} facade and its value types).
     */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("address", Set.of()),
            Map.entry("crypto", Set.of()),
            Map.entry("codec", Set.of()),
            Map.entry("limit", Set.of()),
            Map.entry("transport", Set.of()),
            Map.entry("store", Set.of("codec")),
            Map.entry("identity", Set.of("address", "crypto")),
            Map.entry("wire", Set.of("address")),
            Map.entry("noise", Set.of("crypto")),
            Map.entry("stun", Set.of("limit")),
            Map.entry("session", Set.of("address", "crypto", "identity", "limit", "noise", "transport", "wire")),
            Map.entry("net", Set.of("address", "limit", "session", "stun", "wire")),
            Map.entry("message", Set.of("address", "codec", "identity", "session", "transport")),
            Map.entry(ROOT, Set.of("address", "crypto", "identity", "limit", "message", "net", "session", "stun",
                    "transport", "wire")),
            Map.entry("schema", Set.of("crypto")),
            Map.entry("card", Set.of("address", "identity")),
            Map.entry("directory", Set.of(ROOT, "address", "codec", "crypto", "identity", "message", "schema")),
            Map.entry("group", Set.of(ROOT, "address", "directory", "identity", "message", "session")),
            Map.entry("backbone", Set.of(ROOT, "address", "codec", "crypto", "directory", "identity", "limit",
                    "message", "store")),
            Map.entry("control", Set.of(ROOT, "address", "codec", "directory", "group", "identity", "message", "schema",
                    "wire")),
            Map.entry("agent", Set.of(ROOT, "address", "backbone", "control", "directory", "group", "identity",
                    "message", "net", "store")));

    private static JavaClasses engine;

    @BeforeAll
    static void importEngine() {
        engine = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ENGINE);
    }

    @Test
    void everyPackageImportsOnlyWhatItsLayerAllows() {
        classes().that().resideInAPackage(ENGINE + "..").should(importOnlyAllowedPackages()).check(engine);
    }

    @Test
    void noPackageCycles() {
        slices().matching(ENGINE + ".(*)..").should().beFreeOfCycles().check(engine);
    }

    @Test
    void theEngineKnowsNothingOfSpring() {
        noClasses().that().resideInAPackage(ENGINE + "..")
                .should().dependOnClassesThat().resideInAPackage("org.springframework..").check(engine);
    }

    @Test
    void everyPackageOfTheEngineHasItsPlaceInTheLayers() {
        Set<String> unknown = new TreeSet<>();
        engine.forEach(c -> {
            if (!ALLOWED.containsKey(layerOf(c.getPackageName()))) {
                unknown.add(c.getPackageName());
            }
        });
        assertThat(unknown)
                .as("packages missing from ArchitectureTests.ALLOWED and docs/ARCHITECTURE.md").isEmpty();
    }

    /** The first segment below io.pilot.engine, or (root). */
    static String layerOf(String packageName) {
        if (packageName.equals(ENGINE)) {
            return ROOT;
        }
        if (!packageName.startsWith(ENGINE + ".")) {
            return null;
        }
        String rest = packageName.substring(ENGINE.length() + 1);
        int dot = rest.indexOf('.');
        return dot < 0 ? rest : rest.substring(0, dot);
    }

    private static ArchCondition<JavaClass> importOnlyAllowedPackages() {
        return new ArchCondition<>("import only the packages its layer allows") {
            @Override
            public void check(JavaClass item, ConditionEvents events) {
                String from = layerOf(item.getPackageName());
                Set<String> allowed = ALLOWED.getOrDefault(from, Set.of());
                for (Dependency dependency : item.getDirectDependenciesFromSelf()) {
                    String to = layerOf(dependency.getTargetClass().getPackageName());
                    if (to != null && !to.equals(from) && !allowed.contains(to)) {
                        events.add(SimpleConditionEvent.violated(dependency,
                                from + " -> " + to + ": " + dependency.getDescription()));
                    }
                }
            }
        };
    }
}
