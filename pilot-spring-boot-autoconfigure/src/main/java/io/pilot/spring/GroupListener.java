package io.pilot.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * A method that receives what other agents {@link PilotClient#broadcast broadcast} to a group. Declaring it
 * makes the application's node a member of the group. The method takes the message, mapped from JSON to the
 * parameter's type, and optionally the sender's {@link io.pilot.engine.address.PilotAddress}, in either
 * order; what it returns is ignored, and an exception is logged (a broadcast has no reply to carry it):
 * <pre>{@code
 * @GroupListener("RESEARCH")
 * void onNotice(ResearchNotice notice, PilotAddress from) { ... }
 * }</pre>
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(CapabilityReflectiveProcessor.class)
public @interface GroupListener {

    /** The group whose broadcasts this method receives. */
    String value();

    /**
     * Whether the method runs on the agent's event loop, where the broadcast is read, instead of on the handler
     * executor: no thread is woken to hand it over, as for {@link Capability#eventLoop}, and with the same rule: only
     * for a method that never blocks and returns in microseconds, since while it runs nothing else of the agent moves.
     * A broadcast goes to the event loop only when every listener of its group here says so and the group's view,
     * once open, already lists its sender; any other (before the view's first snapshot, from a sender it does not
     * list yet) is checked and handled on the executor as by default. So the method may run on either, at times
     * concurrently with itself, and a broadcast handled on the loop may overtake an earlier one still on the
     * executor. Default false.
     */
    boolean eventLoop() default false;
}
