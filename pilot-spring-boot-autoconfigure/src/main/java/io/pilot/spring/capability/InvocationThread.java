package io.pilot.spring.capability;

/**
 * The thread running one synchronous invocation, to be interrupted when the request is cancelled: only while it
 * still runs that invocation. Handler threads are pooled (or virtual threads that carry on with other work), so an
 * interrupt that came late would hit whatever the thread does next; the interrupt and the end of the invocation
 * take the same lock, and an interrupt the method left pending is cleared at the end, so the thread leaves the
 * invocation as it entered it.
 */
final class InvocationThread implements AutoCloseable {

    private Thread thread;
    private boolean interrupted;

    private InvocationThread(Thread thread) {
        this.thread = thread;
    }

    /** The calling thread, now starting an invocation; close it on the same thread when the invocation returns. */
    static InvocationThread current() {
        return new InvocationThread(Thread.currentThread());
    }

    /** Interrupts the thread if it still runs the invocation; does nothing after {@link #close}. */
    synchronized void interrupt() {
        if (thread != null) {
            interrupted = true;
            thread.interrupt();
        }
    }

    /** The invocation returned: no interrupt from now on, and the one it got, if any, is cleared. */
    @Override
    public synchronized void close() {
        thread = null;
        if (interrupted) {
            Thread.interrupted();
        }
    }
}
