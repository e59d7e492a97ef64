package io.pilot.benchmarks.boot;

/** How a failed call is reported back to the runner: the exception's type and message, one line. */
final class Failures {

    private Failures() {
    }

    static String describe(Throwable e) {
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
