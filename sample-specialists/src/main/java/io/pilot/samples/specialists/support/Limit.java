package io.pilot.samples.specialists.support;

/** How many results a search returns: the request's {@code limit}, 10 when absent, at most 50. */
public final class Limit {

    public static final int DEFAULT = 10;
    public static final int MAX = 50;

    private Limit() {
    }

    public static int of(Integer requested) {
        if (requested == null) {
            return DEFAULT;
        }
        if (requested < 1 || requested > MAX) {
            throw new BadRequestException("limit must be between 1 and " + MAX + ", was " + requested);
        }
        return requested;
    }
}
