package io.pilot.samples.specialists;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.bootstrap.DefaultBootstrapContext;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.mock.env.MockEnvironment;

class RequireSpecialistProfileTests {

    private final RequireSpecialistProfile check = new RequireSpecialistProfile();

    @Test
    void withoutASpecialistProfileTheApplicationStopsNamingThem() {
        assertThatThrownBy(() -> check.onApplicationEvent(event("dev"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("--spring.profiles.active=papers, fx or news");
    }

    @Test
    void anyOneSpecialistProfileIsEnough() {
        assertThatCode(() -> check.onApplicationEvent(event("dev", "fx"))).doesNotThrowAnyException();
    }

    private static ApplicationEnvironmentPreparedEvent event(String... profiles) {
        MockEnvironment environment = new MockEnvironment();
        environment.setActiveProfiles(profiles);
        return new ApplicationEnvironmentPreparedEvent(new DefaultBootstrapContext(), new SpringApplication(), new String[0],
                environment);
    }
}
