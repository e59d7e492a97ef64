package io.pilot.spring.autoconfigure;

import io.pilot.spring.Capability;
import io.pilot.spring.PilotAgent;

import java.lang.reflect.Method;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Slow capabilities for {@link SlowCapabilitiesTests}: handlers hold their thread (sleeping, as an HTTP client
 * waiting for an LLM would) until the test lets them go, counting who is in at once and on which kind of thread.
 */
@PilotAgent
class SlowAgent {
    final AtomicInteger inProgress = new AtomicInteger();
    final AtomicInteger mostAtOnce = new AtomicInteger();
    final Set<String> threads = ConcurrentHashMap.newKeySet();
    final AtomicInteger virtualThreads = new AtomicInteger();
    volatile CountDownLatch arrived = new CountDownLatch(0);
    final CountDownLatch release = new CountDownLatch(1);

    @Capability("llm.think")
    String think(String prompt) throws Exception {
        return hold(prompt);
    }

    @Capability(value = "llm.narrow", maxConcurrency = 2)
    String narrow(String prompt) throws Exception {
        return hold(prompt);
    }

    @Capability("llm.configured")
    String configured(String prompt) throws Exception {
        return hold(prompt);
    }

    private String hold(String prompt) throws Exception {
        int now = inProgress.incrementAndGet();
        mostAtOnce.accumulateAndGet(now, Math::max);
        threads.add(Thread.currentThread().getName());
        if (isVirtual(Thread.currentThread())) {
            virtualThreads.incrementAndGet();
        }
        arrived.countDown();
        try {
            while (!release.await(0, TimeUnit.MILLISECONDS)) {
                Thread.sleep(200); // a blocking call, as an HTTP client waiting for an LLM would make
            }
            return "thought about " + prompt;
        } finally {
            inProgress.decrementAndGet();
        }
    }

    /** {@code Thread.isVirtual()} (Java 21) without compiling against it: the starter is built for Java 17. */
    static boolean isVirtual(Thread thread) {
        try {
            Method isVirtual = Thread.class.getMethod("isVirtual");
            return (Boolean) isVirtual.invoke(thread);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
