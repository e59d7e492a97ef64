package io.pilot.spring.test;

import io.pilot.engine.PilotNode;
import io.pilot.engine.net.Impairment;
import io.pilot.spring.PilotNodeBuilderCustomizer;

import java.time.Duration;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * Impairs the link of the application under test as {@code pilot.test.faults.*} says, through the engine's
 * impairment stage (the first handler of the node's pipeline, so handshakes, registration and calls all cross the
 * bad link): {@code loss} and {@code duplicate} are probabilities in [0,1), {@code delay} a one-way delay added
 * to every datagram in and out, {@code seed} makes a run repeatable. Unset, the link is perfect and this
 * customizer changes nothing. Bad values fail the context's start, naming the property.
 */
final class FaultInjection implements PilotNodeBuilderCustomizer {

    static final String PREFIX = "pilot.test.faults";

    private final Impairment impairment;

    private FaultInjection(Impairment impairment) {
        this.impairment = impairment;
    }

    static FaultInjection from(Environment environment) {
        Binder binder = Binder.get(environment);
        double loss = binder.bind(PREFIX + ".loss", Bindable.of(Double.class)).orElse(0.0);
        double duplicate = binder.bind(PREFIX + ".duplicate", Bindable.of(Double.class)).orElse(0.0);
        Duration delay = binder.bind(PREFIX + ".delay", Bindable.of(Duration.class)).orElse(Duration.ZERO);
        long seed = binder.bind(PREFIX + ".seed", Bindable.of(Long.class)).orElse(1L);
        check("loss", loss);
        check("duplicate", duplicate);
        if (delay.isNegative()) {
            throw new IllegalStateException(PREFIX + ".delay is " + delay + ": set a delay of zero or more, e.g. 50ms");
        }
        return new FaultInjection(new Impairment(loss, duplicate, 0, delay, Duration.ZERO, seed));
    }

    private static void check(String property, double rate) {
        if (!(rate >= 0 && rate < 1)) {
            throw new IllegalStateException(PREFIX + "." + property + " is " + rate
                    + ": set a probability from 0 (never) up to but not including 1, e.g. 0.2");
        }
    }

    Impairment impairment() {
        return impairment;
    }

    @Override
    public void customize(PilotNode.Builder builder) {
        if (!impairment.isNone()) {
            builder.impairment(impairment);
        }
    }
}
