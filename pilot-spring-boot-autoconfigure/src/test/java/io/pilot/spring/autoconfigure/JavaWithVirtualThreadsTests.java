package io.pilot.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class JavaWithVirtualThreadsTests {

    @Test
    void readsTheSpecificationVersionFromTheSettingsAJavaPrints() {
        String settings = "Property settings:\n    java.home = /usr/lib/jvm/temurin-25-jdk-amd64\n"
                + "    java.specification.vendor = Oracle Corporation\n    java.specification.version = 25\n"
                + "    java.vendor = Eclipse Adoptium\n";
        assertThat(JavaWithVirtualThreads.specificationVersion(settings)).isEqualTo(25);
        assertThat(JavaWithVirtualThreads.specificationVersion("    java.specification.version = 1.8\n")).isEqualTo(8);
        assertThat(JavaWithVirtualThreads.specificationVersion("Error: could not create the Java Virtual Machine."))
                .isZero();
    }

    @Test
    void asksTheJavaItselfAndRefusesWhatIsNoJava() {
        Path ownJava = Path.of(System.getProperty("java.home"), "bin", "java");
        assertThat(JavaWithVirtualThreads.specificationVersion(ownJava)).isEqualTo(Runtime.version().feature());
        assertThat(JavaWithVirtualThreads.specificationVersion(Path.of("/nonexistent/bin/java"))).isZero();
    }

    @Test
    void whatItFindsIsAJava21OrLater() {
        Optional<Path> java = JavaWithVirtualThreads.find();
        assumeThat(java).as("no JDK 21+ on this machine").isPresent();
        assertThat(JavaWithVirtualThreads.specificationVersion(java.get()))
                .isGreaterThanOrEqualTo(JavaWithVirtualThreads.VIRTUAL_THREADS_SINCE);
    }
}
