package io.pilot.samples.specialists;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The research fleet's specialists: one application, one Pilot agent per active profile ({@code papers},
 * {@code fx}, {@code news}), found by the coordinator through the backbone by capability.
 */
@SpringBootApplication
public class SpecialistsApplication {

    public static void main(String[] args) {
        SpringApplication application = new SpringApplication(SpecialistsApplication.class);
        application.addListeners(new RequireSpecialistProfile());
        application.run(args);
    }
}
