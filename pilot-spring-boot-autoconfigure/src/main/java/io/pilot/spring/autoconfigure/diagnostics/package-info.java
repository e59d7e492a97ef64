/**
 * Failure analyzers: when a Pilot agent cannot start, Spring Boot's start-up report says what went wrong and
 * what to change (a {@code pilot.*} property, an identity file, a UDP port) instead of a stack trace.
 * They are registered in {@code META-INF/spring.factories}.
 */
package io.pilot.spring.autoconfigure.diagnostics;
