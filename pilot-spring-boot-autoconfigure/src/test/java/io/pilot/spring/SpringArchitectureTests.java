package io.pilot.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;

/**
 * The Spring packages are laid out as Spring Boot's own: the auto-configurations wire features that live in packages
 * of their own ({@code runtime}, {@code client}, {@code capability}, {@code observation}, {@code actuate},
 * {@code metrics}), and no feature depends on the wiring, so each can be read, tested and used without it.
 *
 * <p>The rules are methods, not {@code ArchRule} fields: Maven Surefire 3.5.3 silently skips {@code @ArchTest}
 * fields (TNG/ArchUnit#1442).
 */
@AnalyzeClasses(packages = "io.pilot.spring", importOptions = ImportOption.DoNotIncludeTests.class)
class SpringArchitectureTests {

    @ArchTest
    void onlyTheAutoConfigurationDependsOnTheAutoConfiguration(JavaClasses classes) {
        noClasses().that().resideOutsideOfPackage("io.pilot.spring.autoconfigure..")
                .should().dependOnClassesThat().resideInAPackage("io.pilot.spring.autoconfigure..")
                .because("settings flow down from the auto-configuration to the features it wires, never up")
                .check(classes);
    }

    @ArchTest
    void packagesAreFreeOfCycles(JavaClasses classes) {
        slices().matching("io.pilot.spring.(*)..").should().beFreeOfCycles().check(classes);
    }
}
