package io.pilot.spring.test;

import org.springframework.test.context.TestContext;
import org.springframework.test.context.support.AbstractTestExecutionListener;

/**
 * Stops the stubs and recorders a test method started once it ends, so they do not answer the calls of the next
 * test sharing the cached context, as Spring resets {@code @MockitoBean}s. Registered in
 * {@code META-INF/spring.factories}.
 */
final class PilotStubsTestExecutionListener extends AbstractTestExecutionListener {

    @Override
    public int getOrder() {
        return LOWEST_PRECEDENCE - 100;
    }

    @Override
    public void afterTestMethod(TestContext testContext) {
        if (testContext.hasApplicationContext()) {
            testContext.getApplicationContext().getBeanProvider(PilotStubs.class).ifAvailable(PilotStubs::close);
        }
    }
}
