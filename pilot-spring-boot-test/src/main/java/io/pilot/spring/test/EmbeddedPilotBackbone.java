package io.pilot.spring.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes the application of a {@code @SpringBootTest} an agent of a backbone running inside the test JVM, so
 * the test needs no backbone of its own and leaves nothing in the working directory.
 *
 * <p>One in-memory backbone (realm 0, loopback, a free UDP port) is started on first use and shared by every
 * annotated test class and by {@link PilotTestAgents}; it stops when the JVM exits, after the application
 * contexts. The test's context gets, above its {@code application.properties} but below the test's own
 * {@code properties}:
 * {@code pilot.backbone.address} and {@code pilot.backbone.key} of that backbone,
 * {@code pilot.backbone.embedded=false}, {@code pilot.bind.address=127.0.0.1}, {@code pilot.bind.port=0} and
 * a fresh {@code pilot.identity.path} in a temporary directory. {@code pilot.hostname} stays the
 * application's.
 *
 * @see PilotTestAgents
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface EmbeddedPilotBackbone {
}
