package io.pilot.benchmarks.boot;

/**
 * The small record every benchmarked call returns.
 *
 * @param by hostname of the provider that answered (how the caller sees which provider was chosen)
 * @param length length of the text it was sent
 */
public record EchoReply(String by, int length) {
}
