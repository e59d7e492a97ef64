package io.pilot.benchmarks.boot;

/** One way of calling the provider's echo, blocking, as user code would. */
@FunctionalInterface
public interface EchoCall {

    EchoReply call(EchoRequest request) throws Exception;
}
