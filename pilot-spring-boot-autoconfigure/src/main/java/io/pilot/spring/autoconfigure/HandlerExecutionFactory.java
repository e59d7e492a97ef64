package io.pilot.spring.autoconfigure;

import io.pilot.spring.runtime.HandlerExecution;

import java.util.concurrent.Executor;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.thread.Threading;
import org.springframework.core.env.Environment;
import org.springframework.core.task.VirtualThreadTaskExecutor;

/**
 * Where capability handlers run, as Boot runs the application's other work, and how many may be in progress:
 * <ol>
 * <li>an {@link Executor} bean named {@value #HANDLER_EXECUTOR_BEAN_NAME}, if the application declares one;
 * <li>virtual threads, one per call, when {@code spring.threads.virtual.enabled} is set and the JVM is 21 or later
 * (decided at run time: the starter itself is built for Java 17);
 * <li>else Boot's {@code applicationTaskExecutor}, shaped by {@code spring.task.execution.*};
 * <li>else (an application that replaced Boot's executor with its own) the node's own pool.
 * </ol>
 * The concurrency limits come from {@code pilot.server.*}; a limit below 1 fails start-up.
 */
final class HandlerExecutionFactory {

    /** The name of an executor bean that runs capability handlers instead of Boot's. */
    static final String HANDLER_EXECUTOR_BEAN_NAME = "pilotHandlerExecutor";

    private HandlerExecutionFactory() {
    }

    static HandlerExecution from(PilotProperties.Server server, Environment environment, ListableBeanFactory beans) {
        if (server.getMaxConcurrency() < 1) {
            throw new PilotConfigurationException("pilot.server.max-concurrency", "is " + server.getMaxConcurrency()
                    + "; it must be at least 1",
                    "Set pilot.server.max-concurrency to the number of capability calls this agent may serve at once.");
        }
        return new HandlerExecution(executor(environment, beans), server.getMaxConcurrency(),
                server.getCapabilityMaxConcurrency());
    }

    private static Executor executor(Environment environment, ListableBeanFactory beans) {
        if (beans.containsBean(HANDLER_EXECUTOR_BEAN_NAME)) {
            return beans.getBean(HANDLER_EXECUTOR_BEAN_NAME, Executor.class);
        }
        if (Threading.VIRTUAL.isActive(environment)) {
            return new VirtualThreadTaskExecutor("pilot-handler-");
        }
        String boots = TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME;
        if (beans.containsBean(boots) && beans.isTypeMatch(boots, Executor.class)) {
            return beans.getBean(boots, Executor.class);
        }
        return null;
    }
}
